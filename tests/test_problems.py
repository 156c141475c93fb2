"""Problem management: escalation (workaround first, or why none), proactive
problems, the problem page, known errors published to the knowledge base, and
resolving a problem together with its open incidents."""

import pytest
from django.test import Client
from django.urls import reverse

from incidents import selectors, workflow
from incidents.models import (
    ArticleKind,
    CallLogEntry,
    EntryKind,
    Event,
    Incident,
    KnowledgeArticle,
    Notification,
    Problem,
    ProblemStatus,
    ResolutionKind,
    Status,
)
from tests.factories import EquipmentFactory, UserFactory
from tests.html import parse
from tests.technician_helpers import passed_incident, queries_for

pytestmark = pytest.mark.django_db
LIST = reverse("incidents:problem_list")
NEW = reverse("incidents:problem_new")


@pytest.fixture
def passed(reporter, desk, technician, site):
    return passed_incident(
        reporter, desk, technician=technician, site=site, summary="Logins slow every morning"
    )


def escalate_url(incident):
    return reverse("incidents:escalate", args=[incident.reference])


def problem_url(name, problem):
    return reverse(f"incidents:{name}", args=[problem.reference])


# ---------------------------------------------------------------- escalation


def test_escalation_is_refused_without_a_workaround_or_a_reason(client, technician, passed):
    client.force_login(technician)
    response = client.post(
        escalate_url(passed),
        {
            "into": "new",
            "title": "Slow logins",
            "description": "Every morning",
            "workaround": " ",
            "no_workaround_reason": "",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["workaround"]
    assert "workarounds come first" in errors["workaround"][0]
    body = response.content.decode()
    assert "Slow logins" in body and "Every morning" in body  # what was typed is kept
    assert not Problem.objects.exists()
    passed.refresh_from_db()
    assert passed.problem is None
    assert not passed.log.filter(kind=EntryKind.PROBLEM).exists()


def test_the_workflow_refuses_it_too(technician, passed):
    with pytest.raises(workflow.InvalidInput):
        workflow.problem_escalate(
            version=workflow.current_version(passed),
            incident=passed,
            by=technician,
            workaround="",
            no_workaround_reason="  ",
        )


def test_escalate_into_a_new_problem_with_the_workaround(
    client, reporter, desk, technician, passed
):
    client.force_login(technician)
    response = client.post(
        escalate_url(passed),
        {
            "into": "new",
            "title": "Roaming profiles slow",
            "description": "Logins take 5 minutes",
            "workaround": "Log in before registration",
            "no_workaround_reason": "",
            "version": passed.version,
        },
    )
    assert response.status_code == 302 and response["Location"] == passed.get_absolute_url()
    problem = Problem.objects.get()
    assert (problem.title, problem.workaround, problem.proactive) == (
        "Roaming profiles slow",
        "Log in before registration",
        False,
    )
    passed.refresh_from_db()
    assert passed.problem == problem and passed.workaround == "Log in before registration"
    assert passed.status == Status.ASSIGNED  # the incident stays open
    entry = passed.log.order_by("-id").first()
    assert (
        entry.kind == EntryKind.PROBLEM
        and not entry.is_public
        and problem.reference in entry.rendered
    )
    assert Notification.objects.filter(
        recipient=desk,
        incident=passed,
        event=Event.TECHNICIAN_UPDATE,
        subject__contains=problem.reference,
    ).exists()
    as_reporter = Client()
    as_reporter.force_login(reporter)
    assert problem.reference not in as_reporter.get(passed.get_absolute_url()).content.decode()


def test_escalate_into_an_existing_problem_with_a_reason_for_no_workaround(
    client, reporter, desk, technician, passed
):
    existing = workflow.problem_open(
        by=technician, title="File server overloaded", description="CPU at 100%"
    )
    client.force_login(technician)
    response = client.post(
        escalate_url(passed),
        {
            "into": "existing",
            "problem": existing.pk,
            "title": "",
            "workaround": "",
            "no_workaround_reason": "Nothing helps until the server is replaced",
            "version": passed.version,
        },
    )
    assert response.status_code == 302
    passed.refresh_from_db()
    assert passed.problem == existing
    assert "No workaround: Nothing helps" in passed.log.order_by("-id").first().rendered


def test_existing_means_choosing_one(client, technician, passed):
    client.force_login(technician)
    response = client.post(
        escalate_url(passed), {"into": "existing", "problem": "", "workaround": "Reboot"}
    )
    assert list(response.context["form"].errors) == ["problem"]


def test_a_resolved_problem_cannot_be_chosen(client, technician, passed):
    done = workflow.problem_open(by=technician, title="Old", description="Old")
    workflow.problem_resolve(
        version=workflow.current_version(done), problem=done, by=technician, resolution="Replaced"
    )
    client.force_login(technician)
    response = client.post(
        escalate_url(passed), {"into": "existing", "problem": done.pk, "workaround": "x"}
    )
    assert "problem" in response.context["form"].errors


def test_the_escalate_page_starts_from_the_incident(client, technician, passed):
    workflow.incident_record_cause(
        version=workflow.current_version(passed),
        incident=passed,
        by=technician,
        workaround="Use the other room",
    )
    client.force_login(technician)
    form = client.get(escalate_url(passed)).context["form"]
    assert form.initial["title"] == "Logins slow every morning"
    assert form.initial["workaround"] == "Use the other room"


# ---------------------------------------------------------------- proactive problems and the page


def test_a_technician_opens_a_problem_before_any_incident(client, technician):
    projector = EquipmentFactory(asset_tag="PJ-0042", name="Hall projector")
    client.force_login(technician)
    response = client.post(
        NEW,
        {
            "title": "Hall projector lamp near end of life",
            "description": "Lamp hours at 2,950 of 3,000",
            "equipment": "pj-0042",
            "workaround": "Use eco mode",
            "category": "",
        },
    )
    problem = Problem.objects.get()
    assert response.status_code == 302 and response["Location"] == problem.get_absolute_url()
    assert problem.proactive is True and problem.opened_by == technician
    assert problem.equipment == projector and problem.status == ProblemStatus.OPEN
    assert problem.incidents.count() == 0

    page = client.get(problem.get_absolute_url()).content.decode()
    assert "proactive" in page and "spotted before any came in" in page and "Use eco mode" in page


def test_unknown_asset_tag_is_refused_next_to_the_field(client, technician):
    client.force_login(technician)
    response = client.post(NEW, {"title": "T", "description": "D", "equipment": "NOPE-1"})
    assert "equipment" in response.context["form"].errors
    assert not Problem.objects.exists()


def test_the_problem_page_lists_incidents_root_cause_workaround_and_state(
    client, reporter, desk, technician, site
):
    problem = workflow.problem_open(
        by=technician, title="Wi-Fi drops", description="Block C", proactive=False
    )
    first = passed_incident(
        reporter, desk, technician=technician, site=site, summary="No Wi-Fi in C4"
    )
    second = passed_incident(
        reporter, desk, technician=technician, site=site, summary="Laptops disconnect in C2"
    )
    for incident in (first, second):
        workflow.problem_escalate(
            version=workflow.current_version(incident),
            incident=incident,
            by=technician,
            problem=problem,
            workaround="Use cable",
        )
    workflow.problem_update(
        version=workflow.current_version(problem),
        problem=problem,
        by=technician,
        root_cause="Access point firmware bug",
    )
    workflow.problem_investigate(
        version=workflow.current_version(problem), problem=problem, by=technician
    )
    client.force_login(desk)

    body = client.get(problem.get_absolute_url()).content.decode()
    linked = parse(body).testid("linked-incidents").text
    assert first.reference in linked and second.reference in linked
    assert "Access point firmware bug" in body and "Use cable" in body and "Investigating" in body


def test_edit_records_root_cause_and_refuses_a_stale_page(client, technician, desk):
    problem = workflow.problem_open(by=technician, title="Printer jams", description="Room 4")
    client.force_login(technician)
    stale = problem.version
    workflow.problem_update(
        version=workflow.current_version(problem),
        problem=problem,
        by=desk,
        description="Room 4 and 5",
    )
    response = client.post(
        problem_url("problem_edit", problem),
        {
            "version": stale,
            "title": "Printer jams",
            "description": "Room 4",
            "root_cause": "Worn roller",
            "workaround": "",
            "no_workaround_reason": "",
            "equipment": "",
            "category": "",
        },
    )
    assert response.status_code == 200 and "changed by someone else" in response.content.decode()
    problem.refresh_from_db()
    assert problem.root_cause == "" and problem.description == "Room 4 and 5"

    response = client.post(
        problem_url("problem_edit", problem),
        {
            "version": problem.version,
            "title": "Printer jams",
            "description": "Room 4 and 5",
            "root_cause": "Worn roller",
            "status": "closed",  # not on the form: the state changes only by a move
            "workaround": "Feed single sheets",
            "no_workaround_reason": "",
            "equipment": "",
            "category": "",
        },
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert (problem.root_cause, problem.status, problem.workaround) == (
        "Worn roller",
        ProblemStatus.OPEN,
        "Feed single sheets",
    )
    entry = problem.log.order_by("-id").first()
    assert entry.rendered == "Updated: workaround, root cause."


def test_publishing_a_known_error_makes_an_article_users_find_when_filing(client, technician):
    problem = workflow.problem_open(
        by=technician,
        title="Interactive whiteboard pen stops working",
        description="Pen does nothing",
        workaround="Recalibrate from the tray: hold both buttons for 5 s",
    )
    client.force_login(technician)
    response = client.post(
        problem_url("problem_publish", problem),
        {"symptoms": "The whiteboard pen does nothing", "version": problem.version},
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.is_known_error and problem.status == ProblemStatus.KNOWN_ERROR
    article = KnowledgeArticle.objects.get(problem=problem)
    assert article.kind == ArticleKind.KNOWN_ERROR and article.is_published
    assert article.body.startswith("Recalibrate")
    found = selectors.matching_articles(technician, text="my whiteboard pen is not working")
    assert article in found
    assert article.title in client.get(problem.get_absolute_url()).content.decode()


def test_publishing_needs_the_workaround(client, technician):
    problem = workflow.problem_open(by=technician, title="Mystery", description="?")
    client.force_login(technician)
    response = client.post(
        problem_url("problem_publish", problem),
        {"symptoms": "", "version": problem.version},
        follow=True,
    )
    assert "needs its workaround written down first" in response.content.decode()
    assert not KnowledgeArticle.objects.exists()


# ---------------------------------------------------------------- resolving a problem


def test_resolving_a_problem_resolves_the_chosen_incidents(
    client, reporter, other_reporter, desk, technician, site
):
    problem = workflow.problem_open(
        by=technician, title="Wi-Fi drops", description="Block C", proactive=False
    )
    chosen = passed_incident(
        reporter, desk, technician=technician, site=site, summary="No Wi-Fi in C4"
    )
    also = passed_incident(
        other_reporter, desk, technician=technician, site=site, summary="C2 drops"
    )
    left = passed_incident(reporter, desk, technician=technician, site=site, summary="C1 slow")
    for incident in (chosen, also, left):
        workflow.problem_escalate(
            version=workflow.current_version(incident),
            incident=incident,
            by=technician,
            problem=problem,
            workaround="Use cable",
        )
    client.force_login(technician)

    form = client.get(problem_url("problem_resolve", problem)).context["form"]
    assert {i.pk for i in form.fields["incidents"].queryset} == {chosen.pk, also.pk, left.pk}

    response = client.post(
        problem_url("problem_resolve", problem),
        {
            "version": form.initial["version"],
            "resolution": "Firmware 8.2 on every access point",
            "root_cause": "Firmware bug",
            "incidents": [chosen.pk, also.pk],
        },
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.RESOLVED and problem.root_cause == "Firmware bug"
    assert problem.resolved_at is not None
    for incident, person in ((chosen, reporter), (also, other_reporter)):
        incident.refresh_from_db()
        assert incident.status == Status.RESOLVED and incident.resolution_kind == ResolutionKind.FIX
        entry = incident.log.filter(kind=EntryKind.RESOLUTION).get()
        assert entry.is_public and problem.reference in entry.rendered
        told = Notification.objects.get(recipient=person, incident=incident, event=Event.RESOLVED)
        assert "Firmware 8.2" in told.body
    left.refresh_from_db()
    assert left.status == Status.ASSIGNED
    assert not left.log.filter(kind=EntryKind.RESOLUTION).exists()
    assert not Notification.objects.filter(incident=left, event=Event.RESOLVED).exists()


def test_resolving_needs_a_resolution(client, technician):
    problem = workflow.problem_open(by=technician, title="X", description="Y")
    client.force_login(technician)
    response = client.post(
        problem_url("problem_resolve", problem), {"version": problem.version, "resolution": " "}
    )
    assert "resolution" in response.context["form"].errors
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.OPEN


def test_a_resolved_problem_offers_no_form(client, technician):
    problem = workflow.problem_open(by=technician, title="X", description="Y")
    workflow.problem_resolve(
        version=workflow.current_version(problem), problem=problem, by=technician, resolution="Done"
    )
    client.force_login(technician)
    entries = CallLogEntry.objects.count()
    response = client.post(problem_url("problem_resolve", problem), {"resolution": "Again"})
    assert "is resolved" in response.content.decode()
    assert CallLogEntry.objects.count() == entries


# ---------------------------------------------------------------- the list


def test_the_list_filters_by_state_and_known_error(client, desk, technician):
    open_one = workflow.problem_open(by=technician, title="Open one", description="d")
    known = workflow.problem_open(by=technician, title="Known one", description="d", workaround="w")
    workflow.problem_publish_known_error(
        version=workflow.current_version(known), problem=known, by=technician
    )
    done = workflow.problem_open(by=technician, title="Done one", description="d")
    workflow.problem_resolve(
        version=workflow.current_version(done), problem=done, by=technician, resolution="r"
    )
    client.force_login(desk)

    def listed(query=""):
        return {p.pk for p in client.get(LIST + query).context["page"].object_list}

    assert listed() == {open_one.pk, known.pk, done.pk}
    assert listed("?status=active") == {open_one.pk, known.pk}
    assert listed("?status=resolved") == {done.pk}
    assert listed("?known_error=yes") == {known.pk}
    assert listed("?known_error=no") == {open_one.pk, done.pk}
    assert listed(f"?q={known.reference}") == {known.pk}
    assert listed("?q=Done") == {done.pk}
    assert listed("?status=%27or1=1") == set()


def test_the_list_runs_a_fixed_number_of_queries(
    client, reporter, desk, technician, site, django_assert_num_queries
):
    client.force_login(desk)
    problem = workflow.problem_open(
        by=technician, title="P0", description="d", equipment=EquipmentFactory()
    )
    workflow.problem_escalate(
        version=workflow.current_version(passed_incident(reporter, desk, site=site)),
        incident=passed_incident(reporter, desk, technician=technician, site=site),
        by=technician,
        problem=problem,
        workaround="w",
    )
    baseline, _ = queries_for(client, LIST)
    for index in range(30):
        problem = workflow.problem_open(
            by=UserFactory(roles=["Technician"]),
            title=f"P{index + 1}",
            description="d",
            equipment=EquipmentFactory(),
        )
        if index % 3 == 0:
            workflow.problem_escalate(
                version=workflow.current_version(passed_incident(reporter, desk, site=site)),
                incident=passed_incident(reporter, desk, technician=technician, site=site),
                by=technician,
                problem=problem,
                workaround="w",
            )
    with django_assert_num_queries(baseline):
        response = client.get(LIST)
    assert len(response.context["page"].object_list) == 31


# ---------------------------------------------------------------- who may


def test_problems_are_invisible_to_plain_users(client, reporter, technician, passed):
    problem = workflow.problem_escalate(
        version=workflow.current_version(passed),
        incident=passed,
        by=technician,
        workaround="w",
        title="Secret problem",
    )
    client.force_login(reporter)
    assert client.get(problem.get_absolute_url()).status_code == 404
    for name in ("problem_edit", "problem_resolve"):
        assert client.get(problem_url(name, problem)).status_code in (403, 404)
    assert client.post(problem_url("problem_publish", problem)).status_code in (403, 404)
    assert client.get(LIST).status_code == 403
    assert client.post(NEW, {"title": "t", "description": "d"}).status_code == 403
    assert Problem.objects.count() == 1
    assert "Secret problem" not in client.get(passed.get_absolute_url()).content.decode()


def test_an_unknown_problem_is_not_found(client, desk):
    client.force_login(desk)
    assert client.get(reverse("incidents:problem_detail", args=["PRB-999999"])).status_code == 404
    assert client.get(reverse("incidents:problem_detail", args=["nonsense"])).status_code == 404


def test_the_desk_manages_problems_too(client, desk):
    client.force_login(desk)
    client.post(NEW, {"title": "Desk spotted it", "description": "d"})
    assert Problem.objects.get().opened_by == desk


def test_incidents_keep_their_own_rows(reporter, desk, technician, site):
    """Sanity: problem_resolve never touches incidents of other problems."""
    mine = workflow.problem_open(by=technician, title="A", description="a")
    other = workflow.problem_open(by=technician, title="B", description="b")
    stranger = passed_incident(reporter, desk, technician=technician, site=site)
    workflow.problem_escalate(
        version=workflow.current_version(stranger),
        incident=stranger,
        by=technician,
        problem=other,
        workaround="w",
    )
    workflow.problem_resolve(
        version=workflow.current_version(mine),
        problem=mine,
        by=technician,
        resolution="r",
        resolve_incidents=[stranger],
    )
    assert Incident.objects.get(pk=stranger.pk).status == Status.ASSIGNED


# ---------------------------------------------------------------- the state, by moves only


def test_the_state_changes_by_its_buttons_and_each_change_is_in_the_history(client, technician):
    problem = workflow.problem_open(by=technician, title="Wi-Fi drops", description="Block C")
    client.force_login(technician)
    investigate = problem_url("problem_investigate", problem)
    close = problem_url("problem_close", problem)

    page = client.get(problem.get_absolute_url()).text
    assert f'action="{investigate}"' in page and f'action="{close}"' not in page
    client.post(investigate, {"version": problem.version})
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.INVESTIGATING

    workflow.problem_resolve(
        problem=problem, by=technician, resolution="New firmware", version=problem.version
    )
    problem.refresh_from_db()
    page = client.get(problem.get_absolute_url()).text
    assert f'action="{investigate}"' not in page and f'action="{close}"' in page
    client.post(close, {"version": problem.version})
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLOSED
    assert [(e.event, e.from_status, e.to_status) for e in problem.log.all()] == [
        ("opened", "", ""),
        ("investigating", ProblemStatus.OPEN, ProblemStatus.INVESTIGATING),
        ("resolved", ProblemStatus.INVESTIGATING, ProblemStatus.RESOLVED),
        ("closed", ProblemStatus.RESOLVED, ProblemStatus.CLOSED),
    ]
    history = client.get(problem.get_absolute_url()).text
    assert "Investigation started." in history and "Closed." in history


def test_the_edit_form_has_no_state_and_ignores_one_posted(client, technician):
    problem = workflow.problem_open(by=technician, title="Printer jams", description="Room 4")
    client.force_login(technician)
    url = problem_url("problem_edit", problem)
    assert 'name="status"' not in client.get(url).text

    client.post(
        url,
        {
            "version": problem.version,
            "title": "Printer jams",
            "description": "Room 4",
            "root_cause": "",
            "workaround": "",
            "no_workaround_reason": "",
            "status": "closed",
        },
    )

    problem.refresh_from_db()
    assert problem.status == ProblemStatus.OPEN
    assert not problem.log.filter(event="closed").exists()
    with pytest.raises(ValueError, match="not changed here"):
        workflow.problem_update(
            problem=problem, by=technician, status="closed", version=problem.version
        )
