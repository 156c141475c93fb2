"""The visit rota, kept by the desk of each school: the technicians' regular visits,
the visits coming up, and the changes (a visit cancelled, an extra or moved visit)."""

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from incidents import selectors
from incidents.forms.rota import RotaEntryForm, VisitChangeForm

from ..access import desk_required

# How far ahead the page lists the coming visits.
UPCOMING_DAYS = 28


def _rota_context(request, *, entry_form=None, change_form=None) -> dict:
    user = request.user
    today = timezone.localdate()
    schools = selectors.rota_school_choices_for(user)
    if entry_form is None:
        entry_form = RotaEntryForm(prefix="entry", schools=schools, initial={"starts_on": today})
    if change_form is None:
        change_form = VisitChangeForm(prefix="change", schools=schools, initial={"day": today})
    last = today + timedelta(days=UPCOMING_DAYS - 1)
    return {
        "entries": list(selectors.rota_entries_for(user)),
        "changes": list(
            selectors.visit_changes_for(user).filter(day__gte=today).select_related("made_by")
        ),
        "upcoming": selectors.visits_seen_by(user, today, last),
        "upcoming_days": UPCOMING_DAYS,
        "entry_form": entry_form,
        "change_form": change_form,
        "today": today,
    }


@desk_required
@require_http_methods(["GET", "POST"])
def rota(request):
    """The rota of the desk's schools; POST adds a technician's regular visit."""
    if request.method == "POST":
        schools = selectors.rota_school_choices_for(request.user)
        form = RotaEntryForm(request.POST, prefix="entry", schools=schools)
        if form.is_valid():
            entry = form.save()
            messages.success(
                request,
                f"Added to the rota: {entry.technician} at {entry.school}, {entry.pattern}.",
            )
            return redirect("incidents:desk_rota")
        context = _rota_context(request, entry_form=form)
        context["open_form"] = "entry"
        return render(request, "incidents/desk/rota.html", context, status=400)
    return render(request, "incidents/desk/rota.html", _rota_context(request))


@desk_required
@require_http_methods(["GET", "POST"])
def rota_entry(request, pk: int):
    """One regular visit: change it (e.g. give it an end date)."""
    entry = selectors.get_rota_entry_for(request.user, pk)
    schools = selectors.rota_school_choices_for(request.user)
    form = RotaEntryForm(
        request.POST if request.method == "POST" else None,
        instance=entry,
        prefix="entry",
        schools=schools,
    )
    if request.method == "POST" and form.is_valid():
        entry = form.save()
        messages.success(request, f"Rota changed: {entry.technician} at {entry.school}.")
        return redirect("incidents:desk_rota")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "incidents/desk/rota_entry.html", {"entry": entry, "form": form}, status=status
    )


@require_POST
@desk_required
def rota_entry_remove(request, pk: int):
    entry = selectors.get_rota_entry_for(request.user, pk)
    text = f"{entry.technician} at {entry.school}, {entry.pattern}"
    entry.delete()
    messages.success(request, f"Taken off the rota: {text}.")
    return redirect("incidents:desk_rota")


@require_POST
@desk_required
def visit_change(request):
    """Cancel one visit, or add an extra (or moved) visit, with the reason."""
    schools = selectors.rota_school_choices_for(request.user)
    form = VisitChangeForm(request.POST, prefix="change", schools=schools)
    if form.is_valid():
        change = form.save(commit=False)
        change.made_by = request.user
        change.save()
        messages.success(
            request,
            f"{change.get_kind_display()}: {change.technician} at "
            f"{change.school} on {change.day:%A %d %B}.",
        )
        return redirect("incidents:desk_rota")
    context = _rota_context(request, change_form=form)
    context["open_form"] = "change"
    return render(request, "incidents/desk/rota.html", context, status=400)


@require_POST
@desk_required
def visit_change_remove(request, pk: int):
    """Undo a change: the rota's own visit that day is back (or the extra one is gone)."""
    change = selectors.get_visit_change_for(request.user, pk)
    text = f"{change.technician} at {change.school} on {change.day:%A %d %B}"
    change.delete()
    messages.success(request, f"Change undone: {text}.")
    return redirect("incidents:desk_rota")
