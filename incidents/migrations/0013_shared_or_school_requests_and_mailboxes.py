import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import accounts.models


def into_the_first_organisation(apps, schema_editor):
    """Request types and mailboxes made before they belonged anywhere are shared by
    the first organisation (the one the data from before schools moved into)."""
    Organisation = apps.get_model("accounts", "Organisation")
    kinds = [apps.get_model("incidents", name) for name in ("RequestType", "Mailbox")]
    if not any(kind.objects.exists() for kind in kinds):
        return
    organisation = Organisation.objects.order_by("pk").first()
    if organisation is None:
        organisation = Organisation.objects.create(name="Our organisation")
    for kind in kinds:
        kind.objects.update(organisation=organisation)


def _organisation(model_name):
    """Organisation required, with the app's default in the state only: the schema
    editor would otherwise call it (and make an organisation) while migrating."""
    field = dict(
        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="accounts.organisation"
    )
    return migrations.SeparateDatabaseAndState(
        database_operations=[
            migrations.AlterField(
                model_name=model_name, name="organisation", field=models.ForeignKey(**field)
            ),
        ],
        state_operations=[
            migrations.AlterField(
                model_name=model_name,
                name="organisation",
                field=models.ForeignKey(default=accounts.models.default_organisation_id, **field),
            ),
        ],
    )


def _school():
    return models.ForeignKey(
        blank=True,
        help_text="Empty: shared by every school of the organisation.",
        null=True,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="accounts.school",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_schools"),
        ("incidents", "0012_schools"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        *[
            operation
            for model_name in ("mailbox", "requesttype")
            for operation in (
                migrations.AddField(
                    model_name=model_name,
                    name="organisation",
                    field=models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.organisation",
                    ),
                ),
                migrations.AddField(model_name=model_name, name="school", field=_school()),
            )
        ],
        migrations.RunPython(into_the_first_organisation, migrations.RunPython.noop),
        _organisation("mailbox"),
        _organisation("requesttype"),
        migrations.AlterField(
            model_name="requesttype",
            name="name",
            field=models.CharField(max_length=120),
        ),
        migrations.AddConstraint(
            model_name="requesttype",
            constraint=models.UniqueConstraint(
                condition=models.Q(school__isnull=True),
                fields=("organisation", "name"),
                name="request_type_name_unique_per_organisation",
                violation_error_message="The organisation already offers a request of that name.",
            ),
        ),
        migrations.AddConstraint(
            model_name="requesttype",
            constraint=models.UniqueConstraint(
                condition=models.Q(school__isnull=False),
                fields=("school", "name"),
                name="request_type_name_unique_per_school",
                violation_error_message="The school already offers a request of that name.",
            ),
        ),
    ]
