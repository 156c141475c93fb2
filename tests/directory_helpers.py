"""The staff directory tests' schools and their upload, check and confirm steps.

Northfield lists its e-mail domains, Riverside (the same organisation) lists none,
and Cedar belongs to another organisation.
"""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import default_organisation
from accounts.roles import Role
from tests.factories import OrganisationFactory, SchoolFactory, UserFactory

HEADER = "First name,Surname,Email,Staff role,Leaving date"


def make_north():
    return SchoolFactory(
        organisation=default_organisation(),
        name="Northfield Primary",
        code="north",
        email_domains="northfield.sch.uk\nnps.example",
    )


def make_river(north):
    return SchoolFactory(organisation=north.organisation, name="Riverside Secondary", code="river")


def make_cedar():
    return SchoolFactory(
        organisation=OrganisationFactory(name="Other council"), name="Cedar School", code="cedar"
    )


def make_school_admin(school):
    return UserFactory(username="bursar", roles=[Role.SCHOOL_ADMIN], roles__school=school)


def url(school):
    return reverse("staff_import", args=[school.code])


def check(client, school, *lines, name="staff.csv", encoding="utf-8", raw=None):
    """Upload a staff list: the dry run."""
    data = raw if raw is not None else ("\n".join(lines) + "\n").encode(encoding)
    upload = SimpleUploadedFile(name, data, content_type="text/csv")
    return client.post(url(school), {"file": upload})


def confirm(client, school, checked):
    """Confirm the import the dry run offered."""
    token = checked.context["token"]
    assert token, "the dry run offered no confirmation"
    return client.post(url(school), {"confirm": token})


def rows_of(checked, kind) -> list[int]:
    return [step.row.number for step in checked.context["plan"].of(kind)]


def errors_of(checked) -> dict[int, str]:
    return {error.number: error.message for error in checked.context["plan"].errors}
