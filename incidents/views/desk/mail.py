"""The desk's list of unrecognised mail: messages from unknown senders, and those held
because a sender wrote too often. Each can be attached to a person (it becomes
their incident, received by e-mail) or discarded."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from incidents import selectors
from incidents.forms.mail import AttachMailForm
from incidents.mail import intake
from incidents.models import WAITING_FOR_DESK

from ..access import desk_required

LIST_LIMIT = 100


def _page(request, forms=None, status=200):
    waiting = list(selectors.mail_for_desk(request.user)[:LIST_LIMIT])
    forms = forms or {}
    rows = [
        {
            "mail": mail,
            "form": forms.get(mail.pk)
            or AttachMailForm(prefix=f"m{mail.pk}", desk=request.user, mail=mail),
        }
        for mail in waiting
    ]
    # The people are read once per mailbox for the whole page, not once per message.
    people_of: dict[int | None, list] = {}
    for row in rows:
        field = row["form"].fields["person"]
        mailbox_id = row["mail"].mailbox_id
        if mailbox_id not in people_of:
            people_of[mailbox_id] = list(field.choices)
        field.choices = people_of[mailbox_id]
    return render(request, "incidents/desk/mail.html", {"rows": rows}, status=status)


def _dealt_with(request, mail):
    """A second click, or a colleague was quicker: say what became of it."""
    messages.info(
        request, f"That e-mail was dealt with already: {mail.get_status_display().lower()}."
    )
    if mail.incident_id:
        return redirect(mail.incident.get_absolute_url())
    return redirect("incidents:desk_mail")


@require_GET
@desk_required
def mail_list(request):
    """The unrecognised and held messages, newest first."""
    return _page(request)


@require_POST
@desk_required
def mail_attach(request, pk):
    """The desk says who sent it: it becomes that person's incident."""
    mail = selectors.get_mail_for(request.user, pk)
    if mail.status not in WAITING_FOR_DESK:
        return _dealt_with(request, mail)
    form = AttachMailForm(request.POST, prefix=f"m{mail.pk}", desk=request.user, mail=mail)
    if not form.is_valid():
        return _page(request, {mail.pk: form}, status=400)
    person = form.cleaned_data["person"]
    incident = intake.attach_to_person(mail, person=person, by=request.user)
    if incident is None:
        messages.error(request, "It could not be filed: set up a site first.")
        return redirect("incidents:desk_mail")
    messages.success(
        request, f"{incident.reference} filed for {person.display_name} from their e-mail."
    )
    return redirect(incident.get_absolute_url())


@require_POST
@desk_required
def mail_discard(request, pk):
    """Throw the message away: its text is not kept."""
    mail = selectors.get_mail_for(request.user, pk)
    if mail.status not in WAITING_FOR_DESK:
        return _dealt_with(request, mail)
    intake.discard(mail, by=request.user)
    messages.success(
        request, f"The e-mail from {mail.sender or 'an unknown sender'} was discarded."
    )
    return redirect("incidents:desk_mail")
