"""The desk's search: words, phrases, prefixes, references and asset tags, within the
schools the person serves; counted up to a cap, never per state; the same number
of queries however many calls match."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from accounts.roles import Role
from incidents import workflow
from incidents.models import CallLogEntry, Incident
from incidents.search import parse_terms, rebuild_search_documents, tsquery_text
from tests.desk_helpers import many_incidents
from tests.factories import (
    EquipmentFactory,
    OrganisationFactory,
    SchoolFactory,
    SiteFactory,
    UserFactory,
    file_incident,
)

QUEUE = reverse("incidents:desk_queue")


def listed(response) -> list[str]:
    return re.findall(r'data-testid="queue-row" data-reference="(INC-\d+)"', response.text)


def result_count(response) -> str:
    found = re.search(r'data-testid="result-count">([^<]*)<', response.text)
    assert found, response.text
    return " ".join(found.group(1).split())


@pytest.fixture
def desk_client(client_for, desk):
    return client_for(desk)


def test_a_phrase_matches_its_words_together_only(desk_client, reporter, site):
    together = file_incident(reporter, site=site, summary="Projector lamp flickers")
    apart = file_incident(reporter, site=site, summary="Lamp fine, the projector flickers")

    assert listed(desk_client.get(QUEUE, {"q": '"lamp flickers"'})) == [together.reference]
    both = listed(desk_client.get(QUEUE, {"q": "flickers lamp"}))
    assert set(both) == {together.reference, apart.reference}


def test_the_word_being_typed_matches_as_a_prefix(desk_client, reporter, site):
    projector = file_incident(reporter, site=site, summary="Projector flickers")
    file_incident(reporter, site=site, summary="Printer jams")

    assert listed(desk_client.get(QUEUE, {"q": "projec"})) == [projector.reference]
    assert listed(desk_client.get(QUEUE, {"q": "flickers proj"})) == [projector.reference]


def test_excluded_words_and_either_word(desk_client, reporter, site):
    kettle = file_incident(reporter, site=site, summary="Kettle jams")
    toaster = file_incident(reporter, site=site, summary="Toaster jams")

    assert listed(desk_client.get(QUEUE, {"q": "jams -kettle"})) == [toaster.reference]
    either = listed(desk_client.get(QUEUE, {"q": "kettle or toaster"}))
    assert either == [toaster.reference, kettle.reference]  # newest first


def test_a_reference_finds_its_call_with_or_without_the_prefix(desk_client, reporter, site):
    first = file_incident(reporter, site=site)
    file_incident(reporter, site=site)

    for typed in (first.reference, str(first.pk), f"inc-{first.pk}"):
        assert listed(desk_client.get(QUEUE, {"q": typed})) == [first.reference], typed


def test_an_asset_tag_finds_the_calls_about_that_equipment(desk_client, reporter, site):
    projector = EquipmentFactory(site=site, asset_tag="PRJ-0042", name="Hall projector")
    about = file_incident(reporter, site=site, summary="Lamp is dim", equipment=projector)
    file_incident(reporter, site=site, summary="Lamp is dim")

    assert listed(desk_client.get(QUEUE, {"q": "prj-0042"})) == [about.reference]


@pytest.fixture
def two_schools(db):
    trust = OrganisationFactory(name="Elm Trust")
    ash = SiteFactory(school=SchoolFactory(code="ash", organisation=trust), code="ash-main")
    birch = SiteFactory(school=SchoolFactory(code="birch", organisation=trust), code="birch-main")
    central = UserFactory(username="central", roles=[Role.DESK], roles__organisation=trust)
    desk_ash = UserFactory(username="desk_ash", roles=[Role.DESK], roles__school=ash.school)
    teacher = UserFactory(username="teacher_birch", roles=[Role.USER], roles__school=birch.school)
    teacher_ash = UserFactory(username="teacher_ash", roles=[Role.USER], roles__school=ash.school)
    return {
        "ash": ash,
        "birch": birch,
        "central": central,
        "desk_ash": desk_ash,
        "teacher": teacher,
        "teacher_ash": teacher_ash,
    }


def test_the_school_filter_narrows_a_search(client_for, two_schools):
    at_ash = file_incident(two_schools["teacher_ash"], site=two_schools["ash"])
    at_birch = file_incident(two_schools["teacher"], site=two_schools["birch"])
    client = client_for(two_schools["central"])

    assert listed(client.get(QUEUE, {"q": "printer"})) == [at_birch.reference, at_ash.reference]
    birch = two_schools["birch"].school_id
    assert listed(client.get(QUEUE, {"q": "printer", "school": birch})) == [at_birch.reference]


def test_internal_text_never_matches_for_someone_who_may_not_see_the_call(
    client_for, two_schools, reporter, technician
):
    call = file_incident(two_schools["teacher"], site=two_schools["birch"])
    workflow.incident_add_note(
        incident=call,
        by=two_schools["central"],
        version=workflow.current_version(call),
        text="Password written on a sticky note",
    )
    search = {"q": "sticky note"}

    assert listed(client_for(two_schools["central"]).get(QUEUE, search)) == [call.reference]
    # The desk of another school does not find it, not even as a count.
    other = client_for(two_schools["desk_ash"]).get(QUEUE, search)
    assert listed(other) == [] and result_count(other) == "0 calls"
    # The search is the desk's: reporters and technicians are refused it.
    assert client_for(two_schools["teacher"]).get(QUEUE, search).status_code == 403
    assert client_for(technician).get(QUEUE, search).status_code == 403


def test_many_matches_are_counted_up_to_the_cap(desk_client, reporter, site, settings):
    settings.SEARCH_COUNT_CAP = 5
    many_incidents(7, reporter=reporter, site=site)
    rebuild_search_documents(connection)

    response = desk_client.get(QUEUE, {"q": "bulk"})

    assert result_count(response) == "more than 5 calls"
    assert len(listed(response)) == 7
    # No counts per state over a search.
    assert 'data-testid="state-counts"' not in response.text
    exactly = desk_client.get(QUEUE, {"q": "bulk number 3"})
    assert result_count(exactly) == "1 call"


def test_the_cap_is_said_with_its_thousands(desk_client, reporter, site):
    many_incidents(1001, reporter=reporter, site=site)
    rebuild_search_documents(connection)

    response = desk_client.get(QUEUE, {"q": "bulk"})

    assert result_count(response) == "more than 1,000 calls · page 1"
    assert len(listed(response)) == 50


JUNK = [
    "'",
    '"',
    "\\",
    "&|!",
    "a:*b",
    "):* & !(",
    "-",
    "or",
    '""',
    "'; DROP TABLE incidents_incident; --",
    "<->",
    "printer <2> toner",
    "the and of",
    "é" * 150,
    "-" * 200,
]


@pytest.mark.parametrize("typed", JUNK)
def test_junk_finds_nothing_or_something_and_never_fails(desk_client, reporter, site, typed):
    file_incident(reporter, site=site, summary="Printer prints blank pages")

    response = desk_client.get(QUEUE, {"q": typed})

    assert response.status_code == 200
    assert listed(response) in ([], [Incident.objects.get().reference])


def test_what_is_typed_reaches_the_query_only_quoted():
    terms = parse_terms("it's a \\ back\\slash printer:* & -toner or \"no sig")

    assert tsquery_text(terms) == (
        "'it''s' & 'a' & 'back\\\\slash' & 'printer:*' & !'toner' | 'no sig'"
    )


# ---------------------------------------------------------------- queries

# Session, user, roles, the page's ids, its rows by id and their latest entries,
# its capped count, and the choices of the
# filter and bulk forms (categories, sites, rooms, owners, technicians ×2) and the
# unread-notification badge: the open calls' counts per state are not run.
QUERIES_SEARCH = 14
# A single token with a digit may be an asset tag: the equipment is looked up first.
QUERIES_SEARCH_TAG = QUERIES_SEARCH + 1


def _many(count, reporter, site):
    printer = EquipmentFactory(site=site, asset_tag="PRN-1")
    made = many_incidents(count, reporter=reporter, site=site, equipment=printer)
    CallLogEntry.objects.bulk_create(
        CallLogEntry(incident=incident, kind="note", text=f"Toner {incident.pk}")
        for incident in made
    )
    rebuild_search_documents(connection)


@pytest.mark.parametrize("count", [10, 200])
@pytest.mark.parametrize(
    ("typed", "queries"),
    [("toner", QUERIES_SEARCH), ('"bulk incident"', QUERIES_SEARCH), ("PRN-1", QUERIES_SEARCH_TAG)],
)
def test_search_queries_do_not_grow(
    client_for, desk, reporter, site, count, typed, queries, django_assert_num_queries
):
    _many(count, reporter, site)
    client = client_for(desk)
    client.get(QUEUE)  # warm the session

    with django_assert_num_queries(queries):
        response = client.get(QUEUE, {"q": typed})

    assert len(listed(response)) == min(count, 50)


def test_a_search_over_the_cap_but_within_the_id_list_is_paged_newest_first(
    desk_client, reporter, site, settings
):
    settings.SEARCH_COUNT_CAP = 5  # the id list then reads up to 10 matches
    made = many_incidents(8, reporter=reporter, site=site)
    rebuild_search_documents(connection)

    response = desk_client.get(QUEUE, {"q": "bulk"})

    assert result_count(response) == "more than 5 calls"
    newest_first = sorted(made, key=lambda i: (i.created_at, i.pk), reverse=True)
    assert listed(response) == [incident.reference for incident in newest_first]


def test_a_search_past_the_id_list_walks_newest_first_in_the_same_queries(
    client_for, desk, reporter, site, settings, django_assert_num_queries
):
    settings.SEARCH_COUNT_CAP = 3  # the id list then holds 6 matches: 9 take the walk
    made = many_incidents(9, reporter=reporter, site=site)
    rebuild_search_documents(connection)
    client = client_for(desk)
    client.get(QUEUE)  # warm the session

    with django_assert_num_queries(QUERIES_SEARCH):
        response = client.get(QUEUE, {"q": "bulk"})

    assert result_count(response) == "more than 3 calls"
    newest_first = sorted(made, key=lambda i: (i.created_at, i.pk), reverse=True)
    assert listed(response) == [incident.reference for incident in newest_first]
