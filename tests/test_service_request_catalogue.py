"""The catalogue the support admin keeps: request types with their questions inline in
the admin, the demo's small catalogue, the approver's page at a fixed number of
queries, and the user's words."""

import pytest
from django.test import override_settings
from django.urls import reverse

from incidents.models import (
    CallKind,
    Incident,
    QuestionKind,
    RequestType,
    Status,
)
from tests.factories import UserFactory, file_request, request_type

ADD = "/admin/incidents/requesttype/add/"


def _admin_form(**fields):
    data = {
        "name": "Equipment move",
        "description": "Moving a computer or a printer to another room.",
        "order": 1,
        "is_active": "on",
        "response_minutes": 240,
        "resolution_minutes": 2400,
        "hours": "school",
        "approver": "",
        "questions-TOTAL_FORMS": 2,
        "questions-INITIAL_FORMS": 0,
        "questions-MIN_NUM_FORMS": 0,
        "questions-MAX_NUM_FORMS": 1000,
        "questions-0-order": 0,
        "questions-0-label": "What is to be moved?",
        "questions-0-help_text": "Asset tags if you know them.",
        "questions-0-kind": "long",
        "questions-0-options": "",
        "questions-0-required": "on",
        "questions-1-order": 1,
        "questions-1-label": "When?",
        "questions-1-help_text": "",
        "questions-1-kind": "choice",
        "questions-1-options": "Before school\nAfter school",
        "questions-1-required": "",
    }
    data.update(fields)
    return data


def test_the_support_admin_keeps_request_types_with_their_questions_inline(client_for, admin_user):
    client = client_for(admin_user)
    assert client.get(ADD).status_code == 200
    response = client.post(ADD, _admin_form())
    assert response.status_code == 302, response.text
    kind = RequestType.objects.get(name="Equipment move")
    assert (kind.response_minutes, kind.resolution_minutes, kind.hours, kind.is_active) == (
        240,
        2400,
        "school",
        True,
    )
    questions = list(kind.questions.values_list("label", "kind", "required"))
    assert questions == [
        ("What is to be moved?", QuestionKind.LONG, True),
        ("When?", QuestionKind.CHOICE, False),
    ]
    assert kind.questions.get(label="When?").option_list == ["Before school", "After school"]


def test_the_admin_says_what_is_missing_and_keeps_what_was_typed(client_for, admin_user):
    response = client_for(admin_user).post(
        ADD,
        _admin_form(
            needs_approval="on",
            **{"questions-1-options": "Only one option"},
        ),
    )
    assert response.status_code == 200
    page = response.text
    assert "Name the person who approves it." in page
    assert "A choice needs at least two options, one a line." in page
    assert "Moving a computer or a printer to another room." in page
    assert not RequestType.objects.exists()


def test_a_type_that_was_asked_for_is_taken_out_of_the_catalogue_not_deleted(
    client_for, admin_user, reporter, site
):
    kind = request_type(name="Software install", questions=[])
    file_request(reporter, kind, site=site, values=[])
    page = client_for(admin_user).get(f"/admin/incidents/requesttype/{kind.pk}/delete/")
    assert page.status_code == 403
    assert RequestType.objects.filter(pk=kind.pk).exists()


@override_settings(DEBUG=True)
def test_the_demo_has_a_small_catalogue_and_a_few_requests(db):
    from django.core.management import call_command

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    names = list(RequestType.objects.values_list("name", flat=True))
    assert {"New account", "Software install", "Equipment move", "Room set-up"} <= set(names)
    account = RequestType.objects.get(name="New account")
    assert account.needs_approval and account.approver.username == "head"
    assert account.questions.count() >= 3
    requests = Incident.objects.filter(kind=CallKind.REQUEST)
    assert requests.count() >= 3
    assert requests.filter(status=Status.AWAITING_APPROVAL, approver__username="head").exists()
    assert requests.filter(status=Status.CLOSED).exists()
    assert requests.filter(approval="approved", status=Status.LOGGED).exists()
    assert all(r.request_answers.exists() for r in requests)


def test_the_approvers_page_runs_the_same_queries_for_two_and_six_requests(
    client_for, reporter, other_reporter, site, django_assert_num_queries
):
    kind = request_type(name="New account", approver=other_reporter)
    for _ in range(2):
        file_request(reporter, kind, site=site)
    client = client_for(other_reporter)
    url = reverse("incidents:approvals")
    client.get(url)  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as two:
        client.get(url)
    for _ in range(4):
        file_request(reporter, kind, site=site)
    with django_assert_num_queries(len(two.captured_queries)):
        page = client.get(url).text
    assert page.count('data-testid="approval"') == 6


def test_the_users_entry_words_for_a_request(client_for, reporter):
    client = client_for(reporter)
    kind = request_type(name="Room set-up", questions=[])
    for url in (
        reverse("incidents:request_catalogue"),
        reverse("incidents:request_new", args=[kind.pk]),
    ):
        page = client.get(url).text
        assert "Ask for something" in page and "Report an incident" in page
        assert "Report a problem" not in page and "report a problem" not in page


def test_someone_with_nothing_to_approve_sees_nothing(client_for, reporter, other_reporter, site):
    kind = request_type(name="New account", approver=other_reporter)
    file_request(reporter, kind, site=site)
    stranger = UserFactory(username="stranger")
    page = client_for(stranger).get(reverse("incidents:approvals")).text
    assert "Nothing is waiting for your approval" in page
    assert "Sam Okafor" not in page


@pytest.mark.parametrize("kind", ["short", "long", "yes_no", "choice"])
def test_each_kind_of_question_is_asked_and_kept_as_written(client_for, reporter, site, kind):
    import uuid

    options = "Morning\nAfternoon" if kind == "choice" else ""
    made = request_type(name=f"Type {kind}", questions=[("The question", kind, options, True)])
    question = made.questions.get()
    answer = {"short": "A line", "long": "Two\nlines", "yes_no": "No", "choice": "Afternoon"}[kind]
    client_for(reporter).post(
        reverse("incidents:request_new", args=[made.pk]),
        {
            "submission_token": str(uuid.uuid4()),
            "summary": "Something",
            "site": site.pk,
            f"question_{question.pk}": answer,
        },
    )
    saved = Incident.objects.get(kind=CallKind.REQUEST).request_answers.get()
    assert (saved.label, saved.value, saved.question_id) == ("The question", answer, question.pk)


def test_the_catalogues_words_are_shown_as_text_once_escaped(client_for, reporter):
    kind = request_type(
        name="Tom & Jerry <b>set-up</b>",
        questions=[("Sound & <i>light</i>?", "choice", "Yes & more\n<u>No</u>", True)],
    )
    kind.questions.update(help_text="Say <em>which</em> & when")
    page = client_for(reporter).get(reverse("incidents:request_new", args=[kind.pk])).text
    assert "Sound &amp; &lt;i&gt;light&lt;/i&gt;?" in page
    assert "Say &lt;em&gt;which&lt;/em&gt; &amp; when" in page
    assert "Yes &amp; more" in page and "&lt;u&gt;No&lt;/u&gt;" in page
    assert "Tom &amp; Jerry &lt;b&gt;set-up&lt;/b&gt;" in page
    assert "<i>" not in page and "<em>" not in page and "<u>" not in page
    assert "&amp;amp;" not in page
