"""What the person follows: their own incidents and their notifications."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from incidents import notifications, selectors
from incidents.filters import MyIncidentsFilter
from incidents.models import Status

PAGE_SIZE = 20


@require_GET
@login_required
def my_incidents(request):
    """The person's own incidents, newest first; support staff see their own here too."""
    own = selectors.incidents_reported_by(request.user)
    counts = own.aggregate(
        open=Count("pk", filter=~Q(status=Status.CLOSED)),
        closed=Count("pk", filter=Q(status=Status.CLOSED)),
    )
    listed = own.select_related("site", "room", "equipment").only(
        "summary",
        "kind",
        "status",
        "hold_reason",
        "created_at",
        "updated_at",
        "equipment_description",
        "site__name",
        "room__name",
        "equipment__asset_tag",
        "equipment__name",
    )
    filterset = MyIncidentsFilter(request.GET, queryset=listed)
    # A state the page does not know lists them all rather than nothing.
    rows = filterset.qs if filterset.is_valid() else listed
    state = filterset.chosen_state
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "incidents/portal/my_incidents.html",
        {
            "page": page,
            "state": state,
            "counts": counts,
            "total": counts["open"] + counts["closed"],
            "page_query": urlencode({"state": state}) + "&" if state else "",
        },
    )


@require_GET
@login_required
def notification_list(request):
    listed = selectors.notifications_for(request.user).only(
        "subject", "body", "created_at", "read_at", "incident", "event"
    )
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "incidents/portal/notifications.html", {"page": page})


@require_POST
@login_required
def notification_open(request, pk):
    """Mark it read and go to what it is about."""
    notification = selectors.notifications_for(request.user).filter(pk=pk).first()
    if notification is None:
        raise Http404("No such notification.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return redirect(notifications.target_path(notification))


@require_POST
@login_required
def notifications_read_all(request):
    marked = (
        selectors.notifications_for(request.user)
        .filter(read_at__isnull=True)
        .update(read_at=timezone.now())
    )
    if marked:
        messages.success(request, "All notifications are marked as read.")
    return redirect("incidents:notifications")
