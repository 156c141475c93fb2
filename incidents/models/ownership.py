"""Records shared by every school of an organisation, or kept by one school."""

from django.db import models

from accounts.models import Organisation, School, default_organisation_id


class SharedOrSchoolOwned(models.Model):
    """Belongs to one school, or (no school) is shared by its organisation's schools.

    The organisation always follows the school when one is set."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", default=default_organisation_id
    )
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: shared by every school of the organisation.",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.school_id:
            self.organisation_id = self.school.organisation_id
        super().save(*args, **kwargs)
