"""The data from before schools is carried over by accounts 0004 and incidents 0012-0014:
it all lands in one organisation and one school, and the role groups become
memberships (the support admin's across the organisation, the others at the school)."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts import roles
from accounts.models import Membership, Organisation, School, User
from accounts.roles import Role
from incidents.models import Incident, KnowledgeArticle, Problem, Site, SupportGroup

BEFORE = [("incidents", "0011_service_requests"), ("accounts", "0003_mail_preferences")]


def _migrate(executor, targets):
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _to_latest(executor):
    _migrate(MigrationExecutor(connection), executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_data_moves_into_one_school_and_groups_become_memberships():
    executor = MigrationExecutor(connection)
    old = _migrate(executor, BEFORE)
    try:
        users = old.get_model("accounts", "User")
        groups = old.get_model("auth", "Group")
        people = {}
        for name, group in [
            ("teacher", "User"),
            ("desk", "Service desk"),
            ("tech", "Technician"),
            ("manager", "Support admin"),
        ]:
            people[name] = users.objects.create(username=name)
            people[name].groups.add(groups.objects.get_or_create(name=group)[0])
        sites = old.get_model("incidents", "Site")
        main = sites.objects.create(name="Main building", code="main")
        annexe = sites.objects.create(name="Annexe", code="annexe")
        incidents = old.get_model("incidents", "Incident")
        first = incidents.objects.create(
            summary="Printer", reporter=people["teacher"], entered_by=people["teacher"], site=main
        )
        second = incidents.objects.create(
            summary="Wi-Fi", reporter=people["teacher"], entered_by=people["desk"], site=annexe
        )
        group = old.get_model("incidents", "SupportGroup").objects.create(
            name="Printer supplier", line="second", kind="supplier"
        )
        problem = old.get_model("incidents", "Problem").objects.create(
            title="Toner smears", description="d", opened_by=people["tech"]
        )
        article = old.get_model("incidents", "KnowledgeArticle").objects.create(
            title="Clear the jam", symptoms="s", body="b", created_by=people["tech"]
        )
    finally:
        _to_latest(executor)

    assert Organisation.objects.count() == 1
    school = School.objects.get()
    assert school.organisation == Organisation.objects.get()
    assert set(
        Site.objects.filter(pk__in=[main.pk, annexe.pk]).values_list("school", flat=True)
    ) == {school.pk}
    assert {i.school_id for i in Incident.objects.filter(pk__in=[first.pk, second.pk])} == {
        school.pk
    }
    assert SupportGroup.objects.get(pk=group.pk).organisation == school.organisation
    assert SupportGroup.objects.get(pk=group.pk).school is None
    for model, pk in [(Problem, problem.pk), (KnowledgeArticle, article.pk)]:
        moved = model.objects.get(pk=pk)
        assert (moved.organisation_id, moved.school_id) == (school.organisation_id, None)

    memberships = {
        (m.person.username, m.role): m.school_id
        for m in Membership.objects.select_related("person")
    }
    assert memberships == {
        ("teacher", Role.USER): school.pk,
        ("desk", Role.DESK): school.pk,
        ("tech", Role.TECHNICIAN): school.pk,
        ("manager", Role.ADMIN): None,
    }
    # Only the group that carries admin permissions stays.
    assert not Group.objects.filter(name__in=["User", "Service desk", "Technician"]).exists()
    manager = User.objects.get(username="manager")
    assert manager.groups.filter(name=Role.ADMIN).exists()
    assert roles.schools_where(manager, Role.DESK) == {school.pk}
    desk = User.objects.get(username="desk")
    assert roles.has_role(desk, Role.DESK, school)
    assert not roles.is_technician(desk)
    teacher = User.objects.get(username="teacher")
    assert roles.roles_of(teacher) == {Role.USER}
    assert not roles.is_support_staff(teacher)


@pytest.mark.django_db(transaction=True)
def test_an_empty_database_gets_no_school_from_the_migration():
    executor = MigrationExecutor(connection)
    _migrate(executor, BEFORE)
    _to_latest(executor)
    assert not Organisation.objects.exists()
    assert not School.objects.exists()
