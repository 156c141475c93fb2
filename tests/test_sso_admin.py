"""The school sign-ins in the admin (accounts.admin.SchoolIdentityAdmin): the client
secret is kept encrypted and never shown back, each provider's own field is
required, and only the organisation's admin sees and changes its schools' sign-ins."""

import html
import re

import pytest
from django.urls import reverse

from accounts.models import SchoolIdentity
from accounts.roles import Role
from accounts.sso.secrets import client_secret, encrypt_secret
from tests.factories import OrganisationFactory, SchoolFactory, UserFactory
from tests.sso_helpers import two_schools

SECRET = "north-client-secret-Zq8v"


@pytest.fixture
def trusts(db):
    """Northfield Trust (two schools, an admin) and the council next door, whose
    school has a sign-in of its own."""
    north, river = two_schools()
    council = OrganisationFactory(name="Eastshire Council")
    east = SchoolFactory(organisation=council, name="Eastshire Academy", code="eas")
    east_sign_in = SchoolIdentity.objects.create(
        school=east,
        provider="microsoft",
        tenant_id="tenant-east",
        client_id="helpdesk-east-client",
        secret_encrypted=encrypt_secret("east-secret"),
    )
    admin = UserFactory(
        username="trust_admin", roles=[Role.ADMIN], roles__organisation=north.organisation
    )
    return {
        "north": north,
        "river": river,
        "east": east,
        "east_sign_in": east_sign_in,
        "admin": admin,
    }


def _form(school, **fields):
    return {
        "school": school.pk,
        "provider": "microsoft",
        "tenant_id": "tenant-north",
        "workspace_domains": "",
        "client_id": "helpdesk-tenant-north",
        "client_secret": SECRET,
        "secret_env": "",
        "enabled": "on",
        **fields,
    }


ADD = reverse("admin:accounts_schoolidentity_add")


def _change_url(identity):
    return reverse("admin:accounts_schoolidentity_change", args=[identity.pk])


def _field_errors(page: str, field: str) -> str:
    """The text of the admin's error list beside one field."""
    found = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', page, re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))) if found else ""


def test_the_secret_is_kept_encrypted_and_never_shown_back(client_for, trusts):
    client = client_for(trusts["admin"])
    response = client.post(ADD, _form(trusts["north"]))
    assert response.status_code == 302
    identity = SchoolIdentity.objects.get(school=trusts["north"])
    assert identity.secret_encrypted and SECRET not in identity.secret_encrypted
    assert client_secret(identity) == SECRET

    change = client.get(_change_url(identity)).text
    assert "helpdesk-tenant-north" in change  # the page is the sign-in's own
    assert SECRET not in change
    assert identity.secret_encrypted not in change
    assert 'name="client_secret"' in change and "Kept encrypted and never shown again" in change
    listed = client.get(reverse("admin:accounts_schoolidentity_changelist")).text
    assert "Northfield Primary" in listed
    assert SECRET not in listed and identity.secret_encrypted not in listed


def test_saving_without_typing_the_secret_keeps_it_and_typing_one_replaces_it(client_for, trusts):
    client = client_for(trusts["admin"])
    client.post(ADD, _form(trusts["north"]))
    identity = SchoolIdentity.objects.get(school=trusts["north"])

    client.post(_change_url(identity), _form(trusts["north"], client_secret="", client_id="new-id"))
    identity.refresh_from_db()
    assert (identity.client_id, client_secret(identity)) == ("new-id", SECRET)

    client.post(_change_url(identity), _form(trusts["north"], client_secret="rotated-secret"))
    identity.refresh_from_db()
    assert client_secret(identity) == "rotated-secret"
    assert "rotated-secret" not in client.get(_change_url(identity)).text


def test_a_form_sent_back_with_an_error_does_not_show_the_typed_secret(client_for, trusts):
    page = client_for(trusts["admin"]).post(ADD, _form(trusts["north"], tenant_id="")).text
    assert "Microsoft sign-in needs the school" in _field_errors(page, "tenant_id")
    assert SECRET not in page
    assert not SchoolIdentity.objects.filter(school=trusts["north"]).exists()


def test_a_microsoft_sign_in_needs_its_tenant_id(client_for, trusts):
    response = client_for(trusts["admin"]).post(ADD, _form(trusts["north"], tenant_id=""))
    assert "Microsoft sign-in needs the school's tenant ID." in _field_errors(
        response.text, "tenant_id"
    )
    assert _field_errors(response.text, "workspace_domains") == ""
    assert not SchoolIdentity.objects.filter(school=trusts["north"]).exists()


def test_a_google_sign_in_needs_its_workspace_domain(client_for, trusts):
    response = client_for(trusts["admin"]).post(
        ADD,
        _form(trusts["north"], provider="google", tenant_id="", workspace_domains="  "),
    )
    assert "Google sign-in needs the Workspace domain." in _field_errors(
        response.text, "workspace_domains"
    )
    assert _field_errors(response.text, "tenant_id") == ""
    assert not SchoolIdentity.objects.filter(school=trusts["north"]).exists()


def test_a_sign_in_needs_a_secret_or_the_variable_holding_it(client_for, trusts):
    client = client_for(trusts["admin"])
    response = client.post(ADD, _form(trusts["north"], client_secret=""))
    assert "Type the client secret, or name its variable." in _field_errors(
        response.text, "client_secret"
    )
    assert not SchoolIdentity.objects.filter(school=trusts["north"]).exists()
    client.post(ADD, _form(trusts["north"], client_secret="", secret_env="NORTH_SSO_SECRET"))
    saved = SchoolIdentity.objects.get(school=trusts["north"])
    assert (saved.secret_env, saved.secret_encrypted) == ("NORTH_SSO_SECRET", "")


def test_another_organisations_sign_ins_are_neither_listed_nor_changed(client_for, trusts):
    client = client_for(trusts["admin"])
    east = trusts["east_sign_in"]
    listed = client.get(reverse("admin:accounts_schoolidentity_changelist")).text
    assert "Eastshire" not in listed and "helpdesk-east-client" not in listed

    change = client.get(_change_url(east), follow=True)
    assert change.redirect_chain[-1][0] == reverse("admin:index")
    assert "Perhaps it was deleted?" in change.text
    assert "helpdesk-east-client" not in change.text

    client.post(_change_url(east), _form(trusts["east"], client_id="taken-over"))
    client.post(reverse("admin:accounts_schoolidentity_delete", args=[east.pk]), {"post": "yes"})
    east.refresh_from_db()
    assert (east.client_id, east.tenant_id) == ("helpdesk-east-client", "tenant-east")
    assert client_secret(east) == "east-secret"


def test_the_add_form_offers_only_the_organisations_schools(client_for, trusts):
    client = client_for(trusts["admin"])
    add = client.get(ADD).text
    assert "Northfield Primary" in add and "Riverside Secondary" in add
    assert "Eastshire Academy" not in add
    response = client.post(ADD, _form(trusts["east"], tenant_id="tenant-mine"))
    assert "Select a valid choice" in _field_errors(response.text, "school")
    assert list(SchoolIdentity.objects.values_list("school__code", flat=True)) == ["eas"]


def test_a_school_admin_cannot_open_the_school_sign_ins(client_for, trusts):
    school_admin = UserFactory(
        username="school_admin", roles=[Role.SCHOOL_ADMIN], roles__school=trusts["north"]
    )
    client = client_for(school_admin)
    response = client.get(reverse("admin:accounts_schoolidentity_changelist"))
    assert response.status_code == 403
    assert "helpdesk-east-client" not in response.text
    client.post(ADD, _form(trusts["north"]))
    assert not SchoolIdentity.objects.filter(school=trusts["north"]).exists()
