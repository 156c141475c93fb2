"""Reports are for the service desk and the support admin only: a user or a
technician gets a 403 and never sees the link; nobody signed in is sent to sign in."""

import pytest
from django.urls import reverse

from tests.factories import file_incident

REPORT_URLS = ["incidents:dashboard", "incidents:service_report", "incidents:service_report_csv"]


@pytest.mark.parametrize("name", REPORT_URLS)
@pytest.mark.parametrize("person", ["reporter", "technician"])
def test_users_and_technicians_are_refused(client_for, request, person, name, site, reporter):
    file_incident(reporter, site=site, summary="Secret summary of a call")
    response = client_for(request.getfixturevalue(person)).get(reverse(name))
    assert response.status_code == 403
    assert b"Secret summary" not in response.content


@pytest.mark.parametrize("name", REPORT_URLS)
def test_nobody_signed_in_is_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", REPORT_URLS)
@pytest.mark.parametrize("person", ["desk", "admin_user"])
def test_the_desk_and_the_support_admin_see_reports(client_for, request, person, name):
    response = client_for(request.getfixturevalue(person)).get(reverse(name))
    assert response.status_code == 200
    if name == "incidents:service_report_csv":
        assert response["Content-Type"].startswith("text/csv")
    else:
        assert b"<h1" in response.content


@pytest.mark.parametrize("name", REPORT_URLS)
def test_reports_answer_only_get(client_for, desk, name):
    response = client_for(desk).post(reverse(name))
    assert response.status_code == 405


@pytest.mark.parametrize(
    ("person", "sees_link"),
    [("reporter", False), ("technician", False), ("desk", True), ("admin_user", True)],
)
def test_only_the_desk_and_the_support_admin_have_the_reports_link(
    client_for, request, person, sees_link
):
    page = client_for(request.getfixturevalue(person)).get(reverse("password_change"))
    assert page.status_code == 200
    link = f'href="{reverse("incidents:dashboard")}"'.encode()
    assert (link in page.content) is sees_link
