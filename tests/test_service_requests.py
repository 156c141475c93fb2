"""Service requests (the guide's "information about the incident or request"): a
catalogue the support admin keeps, a short form made from a type's questions, the
named approver's yes or no, and the same desk, queue and call log as incidents."""

import csv
import io
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from incidents import workflow
from incidents.models import (
    Approval,
    CallKind,
    CallLogEntry,
    ClosureCode,
    Incident,
    Notification,
    RequestAnswer,
    Status,
)
from tests.desk_helpers import fresh, notifications_for
from tests.factories import file_incident, file_request, request_type
from tests.html import parse
from tests.portal_helpers import deliver_all


@pytest.fixture
def head(other_reporter):
    """The head teacher, who approves new accounts: a user with no support role."""
    return other_reporter


@pytest.fixture
def accounts(head):
    return request_type(name="New account", approver=head)


@pytest.fixture
def install(db):
    return request_type(
        name="Software install",
        questions=[("Program and version", "short", "", True), ("Licence?", "yes_no", "", True)],
    )


def _form(kind, site, **answers):
    questions = list(kind.questions.order_by("order"))
    data = {
        "submission_token": str(uuid.uuid4()),
        "summary": "Account for our new teaching assistant",
        "site": site.pk,
    }
    for question in questions:
        data[f"question_{question.pk}"] = answers.get(question.label, "")
    return data


ACCOUNT_ANSWERS = {
    "Full name of the new person": "Sam Okafor",
    "Access needed": "Support staff",
    "Needs a laptop too?": "Yes",
}


# ---------------------------------------------------------------- the catalogue and the form


def test_the_catalogue_lists_what_is_offered_and_the_nav_says_ask_for_something(
    client_for, reporter, accounts, install
):
    install.is_active = False
    install.save()
    client = client_for(reporter)
    page = client.get(reverse("incidents:request_catalogue")).text
    catalogue = parse(page).testid("catalogue")
    assert "New account" in catalogue.text
    assert "Software install" not in catalogue.text  # no longer offered
    assert "once Oscar Other has approved it" in catalogue.text
    assert "Ask for something" in client.get(reverse("incidents:my_incidents")).text
    # A type no longer offered cannot be asked for.
    assert client.get(reverse("incidents:request_new", args=[install.pk])).status_code == 404


def test_asking_files_one_request_with_the_answers_as_written(
    client_for, reporter, head, desk, site, accounts
):
    client = client_for(reporter)
    page = client.get(reverse("incidents:request_new", args=[accounts.pk])).text
    assert "Oscar Other approves this first" in page
    data = _form(accounts, site, **ACCOUNT_ANSWERS)

    response = client.post(reverse("incidents:request_new", args=[accounts.pk]), data)
    again = client.post(reverse("incidents:request_new", args=[accounts.pk]), data)

    made = Incident.objects.get(kind=CallKind.REQUEST)
    assert response.status_code == again.status_code == 302
    assert response.url == reverse("incidents:confirmation", args=[made.reference])
    assert (made.request_type, made.reporter, made.status) == (
        accounts,
        reporter,
        Status.AWAITING_APPROVAL,
    )
    assert (made.approver, made.approval) == (head, Approval.PENDING)
    # No target before it may be worked on.
    assert made.response_due_at is None and made.resolution_due_at is None
    assert list(RequestAnswer.objects.filter(incident=made).values_list("label", "value")) == [
        ("Full name of the new person", "Sam Okafor"),
        ("Access needed", "Support staff"),
        ("Needs a laptop too?", "Yes"),
        ("Anything else?", ""),
    ]
    entry = CallLogEntry.objects.get(incident=made)
    assert (entry.event, entry.to_status, entry.is_public) == (
        "request_filed",
        Status.AWAITING_APPROVAL,
        True,
    )
    asked = notifications_for(head, made, "approval_needed").get()
    assert "Full name of the new person: Sam Okafor" in asked.body
    assert "Needs a laptop too?: Yes" in asked.body
    told_desk = notifications_for(desk, made, "filed").get()
    assert "It needs approval by Oscar Other first" in told_desk.body
    assert "Access needed: Support staff" in told_desk.body
    # The e-mail to the approver links to their approvals page, not a page they cannot open.
    deliver_all()
    [email] = [message for message in mail.outbox if message.to == [head.email]]
    assert "Full name of the new person: Sam Okafor" in email.body
    assert "/approvals/" in email.body
    confirmation = client.get(response.url).text
    assert "your request has been sent" in confirmation
    assert "Oscar Other approves it first" in confirmation


def test_a_missing_answer_is_said_next_to_it_and_what_was_typed_is_kept(
    client_for, reporter, site, accounts
):
    data = _form(accounts, site, **{**ACCOUNT_ANSWERS, "Full name of the new person": ""})
    data["summary"] = "Account for a new colleague"
    data[f"question_{accounts.questions.get(label='Access needed').pk}"] = "Head of everything"

    response = client_for(reporter).post(reverse("incidents:request_new", args=[accounts.pk]), data)

    assert response.status_code == 200
    assert not Incident.objects.filter(kind=CallKind.REQUEST).exists()
    page = response.text
    assert "Answer \u201cFull name of the new person\u201d." in page
    assert "Select a valid choice" in page  # an option that is not on the list
    assert 'value="Account for a new colleague"' in page


# ---------------------------------------------------------------- approval


def test_the_approver_sees_the_request_on_their_page_and_nobody_else_does(
    client_for, reporter, head, desk, site, accounts
):
    made = file_request(reporter, accounts, site=site)
    page = parse(client_for(head).get(reverse("incidents:approvals")).text)
    card = page.testid("approval")
    assert made.reference in card.text and "Rita Reporter" in card.text
    assert "Full name of the new person" in card.text and "Sam Okafor" in card.text
    # The desk sees it in the queue, but has nothing to approve.
    desk_page = parse(client_for(desk).get(reverse("incidents:approvals")).text)
    assert desk_page.testid("no-approvals")
    assert (
        client_for(desk)
        .post(reverse("incidents:approve", args=[made.reference]), {"version": made.version})
        .status_code
        == 403
    )
    # Another user's request is not theirs to know about.
    assert fresh(made).status == Status.AWAITING_APPROVAL


def test_approving_starts_the_clock_and_tells_the_reporter_and_the_desk(
    client_for, reporter, head, desk, site, accounts
):
    made = file_request(reporter, accounts, site=site)
    response = client_for(head).post(
        reverse("incidents:approve", args=[made.reference]),
        {"version": made.version, "note": "Yes: Sam starts on Monday."},
    )
    assert response.status_code == 302
    made = fresh(made)
    assert (made.status, made.approval, made.approval_reason) == (
        Status.SUBMITTED,
        Approval.APPROVED,
        "Yes: Sam starts on Monday.",
    )
    # Its own target (one hour to respond, eight to fulfil, all hours), from approval.
    assert made.response_due_at == made.approval_decided_at + timedelta(minutes=60)
    assert made.resolution_due_at == made.approval_decided_at + timedelta(hours=8)
    entry = CallLogEntry.objects.filter(incident=made).latest("id")
    assert (entry.event, entry.actor, entry.from_status, entry.to_status, entry.is_public) == (
        "approved",
        head,
        Status.AWAITING_APPROVAL,
        Status.SUBMITTED,
        True,
    )
    assert "Sam starts on Monday" in notifications_for(reporter, made, "approved").get().body
    assert notifications_for(desk, made, "approved").exists()
    reporter_page = client_for(reporter).get(made.get_absolute_url()).text
    assert "Approved by Oscar Other" in reporter_page
    # Now the desk can log it like any call.
    workflow.incident_accept(
        incident=made, by=desk, category=None, impact=2, urgency=2, version=made.version
    )
    assert fresh(made).status == Status.LOGGED


def test_declining_needs_a_reason_then_closes_it_and_tells_the_reporter(
    client_for, reporter, head, desk, site, accounts
):
    made = file_request(reporter, accounts, site=site)
    client = client_for(head)
    empty = client.post(
        reverse("incidents:decline", args=[made.reference]), {"version": made.version}
    )
    assert empty.status_code == 400
    assert "Say why it is declined" in empty.text
    assert fresh(made).status == Status.AWAITING_APPROVAL

    client.post(
        reverse("incidents:decline", args=[made.reference]),
        {"version": made.version, "reason": "We have no budget for a new post this term."},
    )

    made = fresh(made)
    assert (made.status, made.closure_code, made.approval, made.closed_by) == (
        Status.CLOSED,
        ClosureCode.DECLINED,
        Approval.DECLINED,
        head,
    )
    assert "no budget for a new post" in made.resolution
    entry = CallLogEntry.objects.filter(incident=made).latest("id")
    assert (entry.event, entry.to_status, entry.data["reason"]) == (
        "declined",
        Status.CLOSED,
        "We have no budget for a new post this term.",
    )
    told = notifications_for(reporter, made, "declined").get()
    assert "no budget for a new post" in told.body
    assert notifications_for(desk, made, "declined").exists()
    page = client_for(reporter).get(made.get_absolute_url()).text
    assert "request declined by the approver" in page and "no budget for a new post" in page
    decided = parse(client_for(head).get(reverse("incidents:approvals")).text).testid("decided")
    assert made.reference in decided.text and "declined" in decided.text


@pytest.mark.parametrize(
    ("move", "who"),
    [
        ("accept", "desk"),
        ("close", "desk"),
        ("diagnose", "desk"),
        ("consult", "desk"),
        ("request_technician", "desk"),
        ("start", "technician"),
        ("return_to_user", "desk"),
    ],
)
def test_nothing_is_worked_before_approval(request, move, who, reporter, site):
    from tests.workflow_helpers import INCIDENT_MOVES, make_world

    world = make_world(request, site)
    made = file_request(reporter, world.request_type, site=site)
    person = request.getfixturevalue(who)
    before = CallLogEntry.objects.filter(incident=made).count()
    with pytest.raises(workflow.InvalidMove):
        INCIDENT_MOVES[move](fresh(made), person, world)
    assert fresh(made).status == Status.AWAITING_APPROVAL
    assert CallLogEntry.objects.filter(incident=made).count() == before


def test_closing_before_approval_says_why(reporter, desk, site, accounts, category):
    made = file_request(reporter, accounts, site=site)
    with pytest.raises(workflow.InvalidMove, match="waiting for approval by Oscar Other"):
        workflow.incident_close(
            incident=made,
            by=desk,
            code=ClosureCode.FIXED,
            resolution="Done",
            category=category,
            channel="web",
            version=made.version,
        )


# ---------------------------------------------------------------- targets


def test_a_request_without_approval_gets_its_types_target_from_when_asked(
    reporter, desk, site, install
):
    made = file_request(reporter, install, site=site, values=["Scratch 3", "Yes"])
    assert made.status == Status.SUBMITTED and made.approver is None
    assert made.response_due_at == made.created_at + timedelta(minutes=60)
    assert made.resolution_due_at == made.created_at + timedelta(hours=8)
    # Logged as priority 1 (four hours for an incident), a request keeps its type's target.
    from tests.desk_helpers import logged

    made = logged(made, desk, impact=1, urgency=1)
    assert made.priority == 1
    assert made.resolution_due_at == made.created_at + timedelta(hours=8)


def test_school_hours_count_for_a_request_type_that_says_so(reporter, site):
    from incidents.targets import school_time_for_site

    kind = request_type(name="Room set-up", hours="school", questions=[])
    made = file_request(reporter, kind, site=site, values=[])
    clock = school_time_for_site(site.pk)
    assert made.resolution_due_at == clock.add(made.created_at, timedelta(hours=8))


# ---------------------------------------------------------------- the same desk, queue and log


def test_the_staff_page_the_reporters_page_and_the_print_show_the_answers_alike(
    client_for, reporter, desk, site, install
):
    made = file_request(reporter, install, site=site, values=["Scratch 3", "Yes"])
    staff = parse(client_for(desk).get(made.get_absolute_url()).text)
    assert staff.testid("kind").text == "Request"
    answers = staff.testid("request-answers").text
    assert "Program and version" in answers and "Scratch 3" in answers and "Licence?" in answers
    printed = client_for(desk).get(reverse("incidents:print", args=[made.reference])).text
    assert "Request " + made.reference in printed
    assert "Program and version" in printed and "Scratch 3" in printed
    mine = client_for(reporter).get(made.get_absolute_url()).text
    assert "Your request" in mine and "Program and version" in mine and "Scratch 3" in mine
    assert "It's working again" not in mine  # nothing broke


def test_the_queue_marks_requests_and_filters_by_kind(client_for, reporter, desk, site, install):
    made = file_request(reporter, install, site=site, values=["Scratch 3", "Yes"])
    incident = file_incident(reporter, site=site)
    client = client_for(desk)
    rows = parse(client.get(reverse("incidents:desk_queue")).text).testids("queue-row")
    marked = {
        row.attrs["data-reference"]: bool(row.find_all(attrs={"data-testid": "request-marker"}))
        for row in rows
    }
    assert marked == {made.reference: True, incident.reference: False}
    only = parse(client.get(reverse("incidents:desk_queue") + "?kind=request").text)
    assert [r.attrs["data-reference"] for r in only.testids("queue-row")] == [made.reference]
    none = parse(client.get(reverse("incidents:desk_queue") + "?kind=incident").text)
    assert [r.attrs["data-reference"] for r in none.testids("queue-row")] == [incident.reference]
    response = client.get(reverse("incidents:desk_export") + "?state=all")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = {row["Reference"]: row for row in csv.DictReader(io.StringIO(text))}
    assert (rows[made.reference]["Kind"], rows[made.reference]["Request type"]) == (
        "Request",
        "Software install",
    )
    assert (rows[incident.reference]["Kind"], rows[incident.reference]["Request type"]) == (
        "Incident",
        "",
    )


def test_a_request_goes_through_the_desk_to_closure_and_the_reporter_sees_it(
    reporter, desk, technician, site, install
):
    made = file_request(reporter, install, site=site, values=["Scratch 3", "Yes"])
    from tests.desk_helpers import resolved

    made = resolved(made, desk, technician, resolution="Installed Scratch 3 in the lab.")
    workflow.incident_close(
        incident=made, by=desk, code=ClosureCode.FIXED, version=fresh(made).version
    )
    events = list(CallLogEntry.objects.filter(incident=made).order_by("id").values_list("event"))
    assert [e for (e,) in events][:2] == ["request_filed", "accepted"]
    assert events[-1] == ("closed",)
    closed = notifications_for(reporter, made, "closed").get()
    assert "Your request" in closed.body and "Installed Scratch 3" in closed.body


# ---------------------------------------------------------------- never a problem


def test_a_request_is_never_turned_into_a_problem(client_for, reporter, desk, site, install):
    made = file_request(reporter, install, site=site, values=["Scratch 3", "Yes"])
    from tests.desk_helpers import logged

    made = logged(made, desk)
    with pytest.raises(workflow.InvalidMove, match="never turned into a problem"):
        workflow.problem_escalate(
            incident=made, by=desk, workaround="None", title="Scratch", version=made.version
        )
    assert workflow.can(desk, "link_problem", made) is False
    response = client_for(desk).post(
        reverse("incidents:link_problem", args=[made.reference]),
        {"problem-version": made.version, "problem-title": "Scratch", "problem-workaround": "x"},
        follow=True,
    )
    assert "never turned into a problem" in response.text
    assert fresh(made).problem_id is None
    assert not Notification.objects.filter(incident=made, event="technician_update").exists()
    # The technician's escalation page says why, instead of offering the form.
    page = parse(client_for(desk).get(reverse("incidents:escalate", args=[made.reference])).text)
    assert "never turned into a problem" in page.testid("not-escalated").text
    assert (
        "Escalate into problem management" not in client_for(desk).get(made.get_absolute_url()).text
    )


def test_problem_lists_leave_requests_out(client_for, reporter, desk, technician, site, install):
    """Even a request linked by hand in the database is not offered for resolving."""
    incident = file_incident(reporter, site=site)
    from tests.desk_helpers import logged

    incident = logged(incident, desk)
    problem = workflow.problem_escalate(
        incident=incident, by=desk, workaround="Restart", title="Lab", version=incident.version
    )
    made = logged(file_request(reporter, install, site=site, values=["Scratch 3", "Yes"]), desk)
    Incident.objects.filter(pk=made.pk).update(problem=problem)
    client = client_for(desk)
    detail = client.get(problem.get_absolute_url()).text
    assert incident.reference in detail and made.reference not in detail
    offered = client.get(reverse("incidents:problem_resolve", args=[problem.reference])).text
    assert incident.reference in offered and made.reference not in offered
    resolved = workflow.problem_resolve(
        problem=problem,
        by=desk,
        resolution="New image",
        resolve_incidents=[fresh(incident), fresh(made)],
        version=problem.version,
    )
    assert [i.pk for i in resolved] == [incident.pk]
    assert fresh(made).status == Status.LOGGED


def test_a_support_admin_stands_in_only_for_an_approver_who_has_left(
    reporter, head, admin_user, site, accounts
):
    made = file_request(reporter, accounts, site=site)
    with pytest.raises(workflow.NotAllowed):
        workflow.request_approve(incident=made, by=admin_user, version=made.version)
    head.is_active = False
    head.save()
    from incidents.selectors import approvals_waiting_for

    assert list(approvals_waiting_for(admin_user)) == [made]
    workflow.request_approve(incident=fresh(made), by=admin_user, version=made.version)
    made = fresh(made)
    assert (made.status, made.approval) == (Status.SUBMITTED, Approval.APPROVED)
    entry = CallLogEntry.objects.filter(incident=made).latest("id")
    assert (entry.event, entry.actor) == ("approved", admin_user)


def test_nothing_to_say_works_again_on_a_request(client_for, reporter, site, install):
    made = file_request(reporter, install, site=site, values=["Scratch 3", "Yes"])
    with pytest.raises(workflow.InvalidMove, match="nothing to say works again"):
        workflow.incident_working_again(incident=made, by=reporter, version=made.version)
    response = client_for(reporter).post(
        reverse("incidents:working_again", args=[made.reference]),
        {"version": made.version},
        follow=True,
    )
    assert "nothing to say works again" in response.text
    assert fresh(made).working_again_at is None
