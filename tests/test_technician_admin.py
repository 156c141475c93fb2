"""The support admin's records in the Django admin: escalation groups with their
contacts inline, equipment, categories, sites and rooms, priority targets,
knowledge articles and problems — with search and filters. Nobody else gets in."""

import pytest
from django.urls import reverse

from incidents.models import SupportContact, SupportGroup
from tests.factories import EquipmentFactory, SupportContactFactory, SupportGroupFactory

pytestmark = pytest.mark.django_db

MODELS = [
    "supportgroup",
    "supportcontact",
    "equipment",
    "category",
    "site",
    "room",
    "prioritytarget",
    "knowledgearticle",
    "problem",
    "consultation",
]


@pytest.mark.parametrize("model", MODELS)
def test_the_support_admin_lists_and_adds_each_record(client, admin_user, model):
    SupportContactFactory()
    EquipmentFactory()
    client.force_login(admin_user)
    assert client.get(reverse(f"admin:incidents_{model}_changelist") + "?q=a").status_code == 200
    if model != "consultation":
        assert client.get(reverse(f"admin:incidents_{model}_add")).status_code == 200


def test_a_group_is_saved_with_its_contacts_inline(client, admin_user):
    client.force_login(admin_user)
    prefix = "contacts"
    response = client.post(
        reverse("admin:incidents_supportgroup_add"),
        {
            "name": "Boards R Us",
            "line": "third",
            "kind": "supplier",
            "description": "",
            "website": "",
            "is_active": "on",
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
            f"{prefix}-0-name": "Bea Board",
            f"{prefix}-0-role": "Engineer",
            f"{prefix}-0-phone": "0161 496 0999",
            f"{prefix}-0-email": "bea@boards.example",
            f"{prefix}-0-hours": "Mon–Fri 9–5",
            f"{prefix}-0-account_reference": "ACC-42",
            f"{prefix}-0-notes": "",
        },
    )
    assert response.status_code == 302
    group = SupportGroup.objects.get(name="Boards R Us")
    contact = SupportContact.objects.get(group=group)
    assert (contact.name, contact.phone, contact.account_reference) == (
        "Bea Board",
        "0161 496 0999",
        "ACC-42",
    )
    page = client.get(
        reverse("admin:incidents_supportgroup_change", args=[group.pk])
    ).content.decode()
    assert "Bea Board" in page and "ACC-42" in page


def test_groups_are_found_by_their_contacts(client, admin_user):
    contact = SupportContactFactory(name="Zed Zebra", group=SupportGroupFactory(name="Stripes Ltd"))
    SupportGroupFactory(name="Other Ltd")
    client.force_login(admin_user)
    response = client.get(reverse("admin:incidents_supportgroup_changelist") + "?q=zebra")
    assert [g.pk for g in response.context["cl"].result_list] == [contact.group_id]


@pytest.mark.parametrize("who", ["reporter", "desk", "technician"])
def test_nobody_else_gets_into_the_admin(client, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("admin:incidents_supportgroup_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
