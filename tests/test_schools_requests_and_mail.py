"""Requests and e-mail in a service for many schools: a school's catalogue and
mailbox serve that school (or, shared, its organisation's schools) and nobody else."""

import pytest
from django.urls import reverse

from accounts.models import default_school
from accounts.roles import Role
from incidents import workflow
from incidents.mail import addresses, intake
from incidents.models import CallKind, InboundStatus, Incident, Mailbox, Notification
from tests.factories import (
    OrganisationFactory,
    SchoolFactory,
    SiteFactory,
    UserFactory,
    file_request,
    request_type,
)
from tests.inbound_helpers import message

pytestmark = pytest.mark.django_db


@pytest.fixture
def schools():
    """School A (the first organisation's), school B of the same organisation, and
    school C of another organisation, each with a site, a teacher and its own desk."""
    a = default_school()
    b = SchoolFactory(organisation=a.organisation, name="Beech School", code="beech")
    c = SchoolFactory(organisation=OrganisationFactory(name="Other council"), code="cedar")
    found = {}
    for key, school in (("a", a), ("b", b), ("c", c)):
        found[key] = {
            "school": school,
            "site": SiteFactory(school=school, name=f"{school.name} main", code=f"{key}-main"),
            "teacher": UserFactory(
                username=f"teacher-{key}", roles=[Role.USER], roles__school=school
            ),
            "desk": UserFactory(username=f"desk-{key}", roles=[Role.DESK], roles__school=school),
        }
    return found


def _mailbox(school=None, *, organisation=None, address):
    return Mailbox.objects.create(
        name=address,
        address=address,
        host="127.0.0.1",
        username="ict",
        school=school,
        organisation=organisation or school.organisation,
    )


def test_the_catalogue_shows_a_school_its_own_and_its_organisations_request_types(client, schools):
    shared = request_type(name="Software install", organisation=schools["a"]["school"].organisation)
    own_b = request_type(name="Minibus booking", school=schools["b"]["school"])
    other = request_type(name="Council form", school=schools["c"]["school"])

    client.force_login(schools["a"]["teacher"])
    page = client.get(reverse("incidents:request_catalogue")).content.decode()
    assert shared.name in page
    assert own_b.name not in page and other.name not in page
    assert client.get(reverse("incidents:request_new", args=[own_b.pk])).status_code == 404

    client.force_login(schools["c"]["teacher"])
    page = client.get(reverse("incidents:request_catalogue")).content.decode()
    assert other.name in page
    assert shared.name not in page
    assert client.get(reverse("incidents:request_new", args=[shared.pk])).status_code == 404


def test_a_request_belongs_to_its_sites_school_and_only_that_schools_desk_hears(schools):
    kind = request_type(name="Room set-up", school=schools["b"]["school"], questions=[])

    made = file_request(schools["b"]["teacher"], kind, site=schools["b"]["site"], values=[])

    assert made.kind == CallKind.REQUEST
    assert made.school == schools["b"]["school"]
    told = set(
        Notification.objects.filter(incident=made).values_list("recipient__username", flat=True)
    )
    assert "desk-b" in told
    assert not told & {"desk-a", "desk-c"}


def test_a_request_is_refused_at_a_school_that_does_not_offer_it(schools):
    kind = request_type(name="Room set-up", school=schools["b"]["school"], questions=[])

    with pytest.raises(workflow.InvalidInput, match="not offered"):
        file_request(schools["a"]["teacher"], kind, site=schools["a"]["site"], values=[])
    assert not Incident.objects.filter(request_type=kind).exists()


def test_the_request_form_offers_only_the_persons_own_sites(client, schools):
    kind = request_type(name="Software install", organisation=schools["a"]["school"].organisation)
    client.force_login(schools["a"]["teacher"])

    page = client.get(reverse("incidents:request_new", args=[kind.pk])).content.decode()

    assert schools["a"]["site"].name in page
    assert schools["b"]["site"].name not in page
    assert schools["c"]["site"].name not in page


def test_mail_to_a_schools_mailbox_files_at_that_school_and_only_from_its_people(schools):
    box = _mailbox(schools["b"]["school"], address="ict@beech.example")

    filed = intake.receive(message(sender="teacher-b@school.example"), mailbox=box)
    stranger = intake.receive(
        message(sender="teacher-c@school.example", subject="Hello"), mailbox=box
    )

    assert filed.status == InboundStatus.FILED
    assert filed.incident.school == schools["b"]["school"]
    assert filed.incident.site == schools["b"]["site"]
    # Someone of another organisation is nobody this mailbox knows.
    assert stranger.status == InboundStatus.UNRECOGNISED
    assert stranger.incident is None


def test_the_unrecognised_mail_list_shows_each_desk_its_own_mailboxes(client, schools):
    box_b = _mailbox(schools["b"]["school"], address="ict@beech.example")
    trust_box = _mailbox(
        organisation=schools["a"]["school"].organisation, address="ict@trust.example"
    )
    intake.receive(message(sender="who@home.example", subject="For Beech"), mailbox=box_b)
    intake.receive(message(sender="who@home.example", subject="For the trust"), mailbox=trust_box)
    central = UserFactory(
        username="central",
        roles=[Role.DESK],
        roles__organisation=schools["a"]["school"].organisation,
    )

    def seen_by(person):
        client.force_login(person)
        return client.get(reverse("incidents:desk_mail")).content.decode()

    page_b = seen_by(schools["b"]["desk"])
    assert "For Beech" in page_b and "For the trust" not in page_b
    page_a = seen_by(schools["a"]["desk"])
    assert "For Beech" not in page_a and "For the trust" not in page_a
    page_central = seen_by(central)
    assert "For Beech" in page_central and "For the trust" in page_central
    page_c = seen_by(schools["c"]["desk"])
    assert "For Beech" not in page_c and "For the trust" not in page_c


def test_the_desk_attaches_mail_only_to_people_the_mailbox_serves(client, schools):
    box_b = _mailbox(schools["b"]["school"], address="ict@beech.example")
    record = intake.receive(message(sender="who@home.example"), mailbox=box_b)
    client.force_login(schools["b"]["desk"])

    response = client.post(
        reverse("incidents:desk_mail_attach", args=[record.pk]),
        {f"m{record.pk}-person": schools["a"]["teacher"].pk},
    )

    assert response.status_code == 400
    record.refresh_from_db()
    assert record.status == InboundStatus.UNRECOGNISED and record.incident is None
    response = client.post(
        reverse("incidents:desk_mail_attach", args=[record.pk]),
        {f"m{record.pk}-person": schools["b"]["teacher"].pk},
    )
    record.refresh_from_db()
    assert record.incident.school == schools["b"]["school"]
    assert record.incident.reporter == schools["b"]["teacher"]


def test_replies_go_to_the_mailbox_of_the_calls_school(schools):
    _mailbox(schools["a"]["school"], address="ict@first.example")
    _mailbox(organisation=schools["a"]["school"].organisation, address="ict@trust.example")
    _mailbox(schools["b"]["school"], address="ict@beech.example")

    assert addresses.reply_address(7, 3, schools["b"]["school"].pk).endswith("@beech.example")
    assert addresses.reply_address(7, 3, schools["b"]["school"].pk).startswith("ict+")
    other = SchoolFactory(organisation=schools["a"]["school"].organisation, code="oak")
    assert addresses.reply_address(7, 3, other.pk).startswith("ict+")
    assert addresses.reply_address(7, 3, other.pk).endswith("@trust.example")
