"""Factories for the test cast and the domain. Incidents are filed through the
workflow, so every test incident has its sheet and its first call-log entry."""

import factory
from django.contrib.auth import get_user_model

from accounts.models import Organisation, School, default_school
from accounts.roles import Role, grant
from incidents import workflow
from incidents.models import (
    Category,
    Equipment,
    EquipmentKind,
    Room,
    Site,
    SupportContact,
    SupportGroup,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@school.example")
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """`roles=[...]`: at every school of the first organisation, or at
        `roles__school=` / `roles__organisation=` when given. A person made without
        roles is a user (a member of staff at the first organisation's schools);
        `roles=[]` makes one without any."""
        self.save()
        if extracted is None:
            extracted = [Role.USER]
        if create and extracted:
            grant(
                self,
                *extracted,
                school=kwargs.get("school"),
                organisation=kwargs.get("organisation"),
            )


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Trust {n}")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School
        django_get_or_create = ["code"]

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"School {n}")
    code = factory.Sequence(lambda n: f"sch{n}")


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site
        django_get_or_create = ["code"]

    school = factory.LazyFunction(default_school)
    name = factory.Sequence(lambda n: f"Site {n}")
    code = factory.Sequence(lambda n: f"S{n}")


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    site = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: f"Room {n}")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Category {n}")


class SupportGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportGroup

    name = factory.Sequence(lambda n: f"Supplier {n}")
    line = "second"
    kind = "supplier"


class SupportContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportContact

    group = factory.SubFactory(SupportGroupFactory)
    name = factory.Faker("name")
    phone = "0161 496 0000"
    email = factory.Sequence(lambda n: f"support{n}@supplier.example")
    hours = "Mon–Fri 8:00–17:00"
    account_reference = factory.Sequence(lambda n: f"ACC-{n:05d}")


class EquipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Equipment

    asset_tag = factory.Sequence(lambda n: f"AT{n:05d}")
    name = factory.Sequence(lambda n: f"Printer {n}")
    kind = EquipmentKind.PRINTER
    site = factory.SubFactory(SiteFactory)
    room = factory.SubFactory(RoomFactory, site=factory.SelfAttribute("..site"))


SHEET = {
    "tried_to_repeat": "recurred",
    "expected": "The printer to print my worksheet.",
    "happened": "The power light was on but a blank page came out.",
    "checked": "There is paper in the tray.",
    "last_worked": "Yesterday afternoon",
    "had_before": "no",
    "further_info": "",
    "available_to_discuss": True,
    "availability": "Period 3",
}


def file_incident(reporter, *, site=None, by=None, summary="Printer prints blank pages", **extra):
    """File an incident through the workflow, as the reporter (or the desk for them)."""
    site = site or SiteFactory()
    sheet = {**SHEET, **extra.pop("sheet", {})}
    incident, _ = workflow.incident_file(
        by=by or reporter, reporter=reporter, summary=summary, site=site, sheet=sheet, **extra
    )
    return incident


def request_type(*, name="New account", approver=None, questions=None, **extra):
    """A request type of the catalogue with its questions (label, kind, options, required)."""
    from incidents.models import RequestType

    made = RequestType.objects.create(
        name=name,
        description=extra.pop("description", f"{name}, from the catalogue."),
        response_minutes=extra.pop("response_minutes", 60),
        resolution_minutes=extra.pop("resolution_minutes", 8 * 60),
        hours=extra.pop("hours", "all"),
        needs_approval=approver is not None,
        approver=approver,
        **extra,
    )
    questions = (
        [
            ("Full name of the new person", "short", "", True),
            ("Access needed", "choice", "Teaching staff\nSupport staff", True),
            ("Needs a laptop too?", "yes_no", "", True),
            ("Anything else?", "long", "", False),
        ]
        if questions is None
        else questions
    )
    for order, (label, kind, options, required) in enumerate(questions):
        made.questions.create(
            label=label, kind=kind, options=options, required=required, order=order
        )
    return made


def file_request(reporter, kind, *, site=None, summary="Account for Sam Okafor", values=None):
    """Ask for something through the workflow, answering every question."""
    questions = list(kind.questions.order_by("order"))
    values = values or ["Sam Okafor", "Support staff", "Yes", ""][: len(questions)]
    made, _ = workflow.request_file(
        by=reporter,
        request_type=kind,
        summary=summary,
        site=site or SiteFactory(),
        answers=list(zip(questions, values, strict=True)),
    )
    return made


__all__ = ["Role"]
