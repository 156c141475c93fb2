"""Requests no page can read are a 400 with a reason, not a 500; every response
carries a Permissions-Policy, and nothing a signed-in person sees is cached."""

import re

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from incidents.models import Attachment
from tests.conftest import PASSWORD
from tests.factories import file_incident
from tests.portal_helpers import image_bytes


@pytest.mark.parametrize(
    "url",
    [
        "/admin/incidents/incident/?status=%00",
        "/admin/incidents/incident/?status=open%00",
        "/admin/incidents/incident/?q=%00",
        "/admin/accounts/user/?is_staff__exact=%00",
        "/admin/incidents/incident/?%00=1",
    ],
)
def test_a_nul_byte_in_the_admin_is_a_bad_request(admin_user, reporter, site, url):
    file_incident(reporter, site=site, summary="Projector shows no signal")
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)

    response = client.get(url)

    assert response.status_code == 400
    assert "not allowed (NUL)" in response.text
    assert "Projector shows no signal" not in response.text


def _login_token(client) -> str:
    page = client.get(reverse("login"))
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


@pytest.mark.parametrize(
    "charset", ["latin-1", "iso-8859-1", "utf-16", "nonsense", "latin-1; x=y", "cp1252"]
)
def test_a_sign_in_form_sent_in_another_charset_is_a_bad_request(reporter, charset):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    token = _login_token(client)

    response = client.generic(
        "POST",
        reverse("login"),
        f"csrfmiddlewaretoken={token}&username=reporter&password={PASSWORD}".encode(),
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
    )

    assert response.status_code == 400
    assert "Forms must be sent as UTF-8" in response.text
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("charset", ["utf-8", "UTF-8"])
def test_a_sign_in_form_in_utf8_signs_in(reporter, charset):
    client = Client(enforce_csrf_checks=True)
    token = _login_token(client)

    response = client.generic(
        "POST",
        reverse("login"),
        f"csrfmiddlewaretoken={token}&username=reporter&password={PASSWORD}".encode(),
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(reporter.pk)


@pytest.fixture
def signed_in_pages(reporter, site):
    incident = file_incident(reporter, site=site)
    return [
        ("desk", reverse("incidents:desk_queue")),
        ("desk", reverse("incidents:desk_export")),
        ("desk", reverse("incidents:print", args=[incident.reference])),
        ("desk", reverse("incidents:service_report_csv")),
        ("reporter", incident.get_absolute_url()),
        ("reporter", reverse("incidents:my_incidents")),
        ("admin_user", "/admin/incidents/incident/"),
    ]


def test_signed_in_pages_downloads_and_exports_are_never_stored(
    request, client, signed_in_pages, desk, admin_user
):
    for person, url in signed_in_pages:
        client.force_login(request.getfixturevalue(person))
        response = client.get(url)
        assert response.status_code == 200, url
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives, url
        assert "public" not in directives and not any(d.startswith("max-age=") for d in directives)


@pytest.mark.parametrize("url", ["/accounts/login/", "/healthz", "/no-such-page/", "/desk/"])
def test_every_response_carries_a_permissions_policy(db, client, url):
    response = client.get(url)

    policy = response["Permissions-Policy"]
    assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy


def test_a_signed_in_attachment_download_is_never_stored(client_for, reporter, site):
    incident = file_incident(reporter, site=site)
    attachment = Attachment.objects.create(
        incident=incident,
        uploaded_by=reporter,
        file=ContentFile(image_bytes(), name="photo.png"),
        original_name="photo.png",
        content_type="image/png",
        size=100,
    )
    response = client_for(reporter).get(
        reverse("incidents:attachment", args=[incident.reference, attachment.pk])
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
