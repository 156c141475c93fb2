"""Who imports a school's staff list: the organisation's admin at any of its schools, a
school admin at their own only; any other school is a 404, and nobody else imports."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.directory_helpers import (
    check,
    url,
)
from tests.html import parse

pytestmark = pytest.mark.django_db


def test_a_school_admin_imports_only_into_their_own_school(
    client_for, school_admin, north, river, cedar
):
    client = client_for(school_admin)
    assert client.get(reverse("staff_directory")).url == url(north)
    assert client.get(url(north)).status_code == 200
    for elsewhere in (river, cedar):
        assert client.get(url(elsewhere)).status_code == 404
        response = check(client, elsewhere, "Name,Email", "A B,ab@northfield.sch.uk")
        assert response.status_code == 404
    assert not User.objects.filter(email="ab@northfield.sch.uk").exists()


def test_the_organisations_admin_imports_into_any_of_its_schools_only(
    client_for, admin_user, north, river, cedar
):
    client = client_for(admin_user)
    listing = parse(client.get(reverse("staff_directory")).content.decode())
    schools = listing.testid("directory-schools").text
    assert "Northfield Primary" in schools and "Riverside Secondary" in schools
    assert "Cedar" not in schools
    assert client.get(url(river)).status_code == 200
    assert client.get(url(cedar)).status_code == 404


@pytest.mark.parametrize("who", ["reporter", "desk", "technician"])
def test_other_roles_do_not_import(client_for, request, north, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("staff_directory")).status_code == 403
    assert check(client, north, "Name,Email", "A B,ab@northfield.sch.uk").status_code == 404
    assert not User.objects.filter(email="ab@northfield.sch.uk").exists()
    assert "Staff directory" not in client.get(reverse("incidents:my_incidents")).content.decode()


def test_a_confirmation_checked_for_one_school_is_refused_at_another(
    client_for, admin_user, north, river
):
    client = client_for(admin_user)
    checked = check(client, north, "Name,Email", "A B,ab@northfield.sch.uk")
    response = client.post(url(river), {"confirm": checked.context["token"]}, follow=True)
    assert "That check has expired or was made for another school" in response.content.decode()
    tampered = client.post(url(north), {"confirm": checked.context["token"] + "x"}, follow=True)
    assert "That check has expired" in tampered.content.decode()
    assert not User.objects.filter(email="ab@northfield.sch.uk").exists()


def test_the_menu_offers_the_directory_to_those_who_import(client_for, school_admin, north):
    page = parse(client_for(school_admin).get(reverse("incidents:my_incidents")).content.decode())
    assert reverse("staff_directory") in page.hrefs()
