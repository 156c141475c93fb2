"""Hostile input in the service requests' free text, in a real browser: the catalogue's
names, descriptions, questions and help texts, and a request's summary, answers and
the approver's reasons, each payload of the corpus rendered on every page that shows
it, with `alert` and the console watched."""

import pytest
from django.urls import reverse

from incidents import workflow
from incidents.models import RequestType
from tests.e2e.test_hostile_input import _check
from tests.factories import file_request, request_type
from tests.support.payloads import PAYLOADS

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def planted(reporter, other_reporter, desk, site):
    made = []
    for index, payload in enumerate(PAYLOADS):
        text = f"{payload} #{index}"
        kind = request_type(
            name=f"{payload[:100]} {index}",
            approver=other_reporter,
            description=text,
            questions=[
                (text[:190], "long", "", True),
                (f"Choose {index}", "choice", f"{text}\nNo", True),
            ],
        )
        RequestType.objects.filter(pk=kind.pk).update(order=index)
        kind.questions.filter(kind="long").update(help_text=text[:290])
        request = file_request(reporter, kind, site=site, summary=text[:190], values=[text, text])
        if index % 2:
            workflow.request_decline(
                incident=request, by=other_reporter, reason=text, version=request.version
            )
        else:
            workflow.request_approve(
                incident=request, by=other_reporter, note=text, version=request.version
            )
        made.append((kind, request))
    # One left waiting, for the approver's page.
    waiting = file_request(
        reporter,
        made[0][0],
        site=site,
        summary=f"{PAYLOADS[3]} waiting",
        values=[PAYLOADS[5], PAYLOADS[7]],
    )
    return {"made": made, "waiting": waiting}


def test_no_payload_in_a_request_executes_on_any_page(
    planted, browser_for, reporter, other_reporter, admin_user, figure
):
    seen = {"pages": 0}
    staff = browser_for(admin_user)
    user = browser_for(reporter)
    approver = browser_for(other_reporter)
    for kind, request in planted["made"][:12]:
        _check(staff, reverse("incidents:detail", args=[request.reference]), seen)
        _check(staff, reverse("incidents:print", args=[request.reference]), seen)
        _check(user, reverse("incidents:detail", args=[request.reference]), seen)
        _check(user, reverse("incidents:request_new", args=[kind.pk]), seen)
    for path in (
        reverse("incidents:desk_queue") + "?kind=request",
        reverse("incidents:notifications"),
        reverse("incidents:service_report"),
        reverse("incidents:dashboard"),
    ):
        _check(staff, path, seen)
    for path in (reverse("incidents:request_catalogue"), reverse("incidents:my_incidents")):
        _check(user, path, seen)
    for path in (reverse("incidents:approvals"), reverse("incidents:notifications")):
        _check(approver, path, seen)
    figure(
        f"hostile input in requests: {len(PAYLOADS)} payloads, {seen['pages']} pages in Chromium, 0 executed"
    )
