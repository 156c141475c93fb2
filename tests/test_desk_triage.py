"""Triage of a new sheet: ask the user, accept and log it, update details, check the knowledge base."""

from datetime import timedelta

import pytest

from incidents import targets
from incidents.models import ArticleKind, EntryKind, Event, KnowledgeArticle, Status
from tests.desk_helpers import fresh, last_entry, logged, notifications_for, post
from tests.factories import (
    CategoryFactory,
    EquipmentFactory,
    RoomFactory,
    SiteFactory,
    file_incident,
)

# ---------------------------------------------------------------- the sheet checked


def test_page_flags_missing_and_thin_answers(client_for, desk, reporter, site):
    incident = file_incident(
        reporter,
        site=site,
        sheet={"expected": "print", "happened": "", "checked": "", "tried_to_repeat": "not_tried"},
    )

    page = client_for(desk).get(incident.get_absolute_url()).text

    assert "4 answers need attention" in page
    assert 'data-flag="expected"' in page and "Too thin to act on." in page
    assert 'data-flag="happened"' in page and "Missing." in page
    assert 'data-flag="checked"' in page and "Nothing checked." in page
    assert 'data-flag="tried_to_repeat"' in page
    # The question to the user is written for the desk already.
    assert "What exactly happened" in page


def test_complete_sheet_is_not_flagged(client_for, desk, incident):
    page = client_for(desk).get(incident.get_absolute_url()).text
    assert 'data-testid="sheet-complete"' in page
    assert "data-flag=" not in page


# ---------------------------------------------------------------- return to the user


def test_desk_returns_the_sheet_with_a_question(client_for, desk, reporter, incident):
    response = post(
        client_for(desk), incident, "return_to_user", "question", question="Which room is it in?"
    )

    assert response.status_code == 302
    assert response["Location"] == incident.get_absolute_url()
    incident = fresh(incident)
    assert incident.status == Status.AWAITING_USER
    assert incident.owner == desk
    assert incident.paused_since is not None
    entry = last_entry(incident)
    assert entry.kind == EntryKind.STATUS and entry.is_public
    assert entry.rendered == "More information needed: Which room is it in?"
    assert notifications_for(reporter, incident, Event.MORE_INFO_NEEDED).count() == 1


def test_empty_question_is_refused_next_to_the_field(client_for, desk, incident):
    response = post(client_for(desk), incident, "return_to_user", "question", question="   ")

    assert response.status_code == 400
    assert "This field is required." in response.text
    assert fresh(incident).status == Status.SUBMITTED


# ---------------------------------------------------------------- accept and log


@pytest.fixture
def place(site):
    room = RoomFactory(site=site, name="Room 12")
    return {
        "room": room,
        "printer": EquipmentFactory(asset_tag="PRN-0012", site=site, room=room),
        "category": CategoryFactory(name="Printers"),
    }


def test_desk_accepts_and_logs_the_sheet(client_for, desk, reporter, site, incident, place):
    response = post(
        client_for(desk),
        incident,
        "accept",
        "accept",
        category=place["category"].pk,
        impact=1,
        urgency=2,
        site=site.pk,
        room=place["room"].pk,
        equipment="prn-0012",
        channel="phone",
    )

    assert response.status_code == 302
    incident = fresh(incident)
    assert incident.status == Status.LOGGED
    assert incident.priority == 2
    assert incident.category == place["category"]
    assert incident.room == place["room"]
    assert incident.equipment == place["printer"]
    assert incident.channel == "phone"
    assert incident.owner == desk and incident.received_by == desk
    assert incident.logged_at is not None
    # Priority 2: eight hours of the site's school time (the default calendar).
    clock = targets.clock_for(incident)
    assert incident.resolution_due_at == clock.add(incident.created_at, timedelta(hours=8))
    assert clock.measure(incident.created_at, incident.resolution_due_at) == timedelta(hours=8)
    entry = last_entry(incident)
    assert entry.to_status == Status.LOGGED
    assert entry.rendered == "Logged as priority 2 – High, Printers. Owner: Dee Desk."
    assert notifications_for(reporter, incident, Event.LOGGED).count() == 1


def test_accept_refuses_a_room_at_another_site(client_for, desk, site, incident, place):
    elsewhere = RoomFactory(site=SiteFactory(name="Annexe"), name="Hall")

    response = post(
        client_for(desk),
        incident,
        "accept",
        "accept",
        category=place["category"].pk,
        impact=1,
        urgency=2,
        site=site.pk,
        room=elsewhere.pk,
        equipment="NOPE-1",
        channel="web",
    )

    assert response.status_code == 400
    assert "Hall is not at Main building." in response.text
    assert "No equipment has the asset tag NOPE-1." in response.text
    assert 'value="NOPE-1"' in response.text  # what was typed is kept
    assert fresh(incident).status == Status.SUBMITTED


def test_accept_shows_the_priority_and_its_targets(client_for, desk, incident):
    page = client_for(desk).get(incident.get_absolute_url()).text
    assert "How priority and targets are set" in page
    assert "P1 · 30 min · 4 h" in page
    assert "respond within 30 min, resolve within 4 h" in page  # the live preview's labels


# ---------------------------------------------------------------- details


def test_desk_updates_details_and_priority(client_for, desk, site, incident, place):
    incident = logged(incident, desk)

    post(
        client_for(desk),
        incident,
        "update_details",
        "details",
        summary="Printer in room 12 prints blank pages",
        category=place["category"].pk,
        impact=1,
        urgency=1,
        site=site.pk,
        room=place["room"].pk,
        equipment="",
        channel="web",
    )

    incident = fresh(incident)
    assert incident.summary == "Printer in room 12 prints blank pages"
    assert incident.priority == 1
    entry = last_entry(incident)
    assert entry.kind == EntryKind.DETAILS and not entry.is_public
    assert "priority: 1 – critical" in entry.rendered.lower()


# ---------------------------------------------------------------- knowledge base


@pytest.fixture
def article(desk):
    return KnowledgeArticle.objects.create(
        title="Blank pages from the laser printers",
        kind=ArticleKind.RESOLUTION,
        symptoms="The printer prints blank pages",
        body="Shake the toner cartridge and put it back.",
        keywords="blank printer toner",
        created_by=desk,
    )


def test_page_suggests_matching_articles_and_searches(client_for, desk, incident, article):
    client = client_for(desk)

    suggested = client.get(incident.get_absolute_url()).text
    searched = client.get(incident.get_absolute_url(), {"kb": "toner"}).text
    nothing = client.get(incident.get_absolute_url(), {"kb": "zebra"}).text

    assert "Blank pages from the laser printers" in suggested
    assert "Found for “toner”" in searched and article.title in searched
    assert "Nothing found for “zebra”" in nothing


def test_desk_links_an_article_and_records_the_known_fix(client_for, desk, incident, article):
    response = client_for(desk).post(
        f"/incidents/{incident.reference}/knowledge/",
        {
            "knowledge-article": article.pk,
            "knowledge-fix_applied": "on",
            "version": incident.version,
        },
    )

    assert response.status_code == 302
    incident = fresh(incident)
    assert list(incident.knowledge_articles.all()) == [article]
    assert incident.known_fix_applied
    entry = last_entry(incident)
    assert entry.kind == EntryKind.KNOWLEDGE and not entry.is_public
    assert entry.rendered == f"Knowledge base: {article.title}. Known fix applied."


def test_unpublished_article_cannot_be_linked(client_for, desk, incident, article):
    article.is_published = False
    article.save()

    client_for(desk).post(
        f"/incidents/{incident.reference}/knowledge/",
        {"knowledge-article": article.pk, "version": incident.version},
    )

    assert not fresh(incident).knowledge_articles.exists()


# ---------------------------------------------------------------- only the desk


ACTIONS = [
    ("return_to_user", "question", {"question": "Which room?"}),
    ("accept", "accept", {"impact": 1, "urgency": 1, "channel": "web"}),
    ("update_details", "details", {"summary": "x", "impact": 1, "urgency": 1, "channel": "web"}),
]


@pytest.mark.parametrize(("url_name", "prefix", "fields"), ACTIONS)
@pytest.mark.parametrize("who", ["reporter", "technician"])
def test_only_the_desk_may_triage(
    request, client_for, site, incident, url_name, prefix, fields, who
):
    person = request.getfixturevalue(who)
    before = fresh(incident)

    response = post(client_for(person), incident, url_name, prefix, site=site.pk, **fields)

    assert response.status_code == 403
    after = fresh(incident)
    assert (after.status, after.version) == (before.status, before.version)


def test_support_admin_may_triage(client_for, admin_user, incident):
    response = post(
        client_for(admin_user), incident, "return_to_user", "question", question="Which room?"
    )
    assert response.status_code == 302
    assert fresh(incident).status == Status.AWAITING_USER


def test_get_is_not_allowed_on_actions(client_for, desk, incident):
    assert client_for(desk).get(f"/incidents/{incident.reference}/accept/").status_code == 405


def test_unknown_reference_is_404(client_for, desk):
    response = client_for(desk).post("/incidents/INC-999999/accept/", {})
    assert response.status_code == 404


# ---------------------------------------------------------------- initial diagnostics


def test_desk_records_initial_diagnostics_from_the_page(client_for, desk, reporter, incident):
    client = client_for(desk)
    page = client.get(incident.get_absolute_url()).text
    assert f'action="/incidents/{incident.reference}/diagnostics/"' in page

    response = client.post(
        f"/incidents/{incident.reference}/diagnostics/",
        {
            "action_taken": "Talked the user through a restart",
            "result": "Still blank",
            "version": incident.version,
        },
    )

    assert response.status_code == 302
    entry = incident.diagnostics.get()
    assert entry.author == desk and entry.result == "Still blank"
    log = last_entry(incident)
    assert log.kind == EntryKind.DIAGNOSTIC and not log.is_public
    assert fresh(incident).responded_at is not None  # the desk's first action answers the call
    reporter_page = client_for(reporter).get(incident.get_absolute_url()).text
    assert "Talked the user through a restart" not in reporter_page
