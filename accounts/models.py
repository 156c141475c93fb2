from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from .roles import Role

# The organisation and school that records made without one belong to: an
# installation holding one school never has to name it.
DEFAULT_ORGANISATION_NAME = "Our organisation"
DEFAULT_SCHOOL_NAME = "Our school"
DEFAULT_SCHOOL_CODE = "SCHOOL"


class EmailChoice(models.TextChoices):
    """Which notification e-mails support staff get (users only turn e-mail on or off)."""

    ALL = "all", "Every notification"
    MINE = "mine", "Only about calls I own, work on or reported"
    DIGEST = "digest", "One daily digest"


def display_name(first_name: str, last_name: str, username: str) -> str:
    """How a person is named on every page: their full name, else their username
    (for lists that read the three columns rather than the person)."""
    return f"{first_name} {last_name}".strip() or username


class User(AbstractUser):
    """A member of staff: teacher, office staff, service desk, technician or ICT manager.

    What a person may do comes from their memberships (a role at one school, or at
    every school of an organisation), see `accounts.roles`.
    """

    job_title = models.CharField(max_length=120, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    notify_by_email = models.BooleanField(
        default=True, help_text="Send notifications by e-mail as well as in the app."
    )
    email_choice = models.CharField(
        "which e-mails",
        max_length=8,
        choices=EmailChoice.choices,
        default=EmailChoice.ALL,
        db_default=EmailChoice.ALL,
        help_text="For support staff: every notification, only their own calls, or a digest.",
    )
    digest_sent_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["first_name", "last_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        return display_name(self.first_name, self.last_name, self.username)


class DeviceCookieFailure(models.Model):
    """Wrong passwords typed in one browser that holds a device cookie (accounts.device_cookie).

    Kept in the database so every web process sees the same count.
    """

    device = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.device}: {self.failures}"


class Organisation(models.Model):
    """A trust, a local authority or a support company: it holds schools."""

    name = models.CharField(max_length=120, unique=True)
    require_second_factor = models.BooleanField(
        "require a second factor for support staff",
        default=False,
        # In the database too: rows written without the ORM (loaders, older
        # migrations' states) get it.
        db_default=False,
        help_text=(
            "Service desk, technicians and admins who sign in with a password must also "
            "give a code from an authenticator app (they set one up at their next sign-in)."
        ),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    """One school of an organisation: its sites, rooms, equipment, calendar and people."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="schools")
    name = models.CharField(max_length=120)
    code = models.SlugField(
        max_length=20, unique=True, help_text="Short code shown in lists, e.g. NPS."
    )
    email_domains = models.TextField(
        "e-mail domains",
        blank=True,
        help_text="The school's e-mail domains, one a line (e.g. northfield.sch.uk).",
    )
    school_accounts_only = models.BooleanField(
        "school accounts only",
        default=False,
        db_default=False,
        help_text=(
            "The school's people sign in with the school's Microsoft or Google account; "
            "the password form refuses them."
        ),
    )

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="school_name_unique_per_organisation"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def domains(self) -> list[str]:
        """The school's e-mail domains, lower case."""
        return split_domains(self.email_domains)


def split_domains(text: str) -> list[str]:
    """Domains typed one a line (or separated by commas or spaces), lower case."""
    return [part.strip().lower().lstrip("@") for part in text.replace(",", " ").split() if part]


class IdentityProvider(models.TextChoices):
    MICROSOFT = "microsoft", "Microsoft 365 (Entra ID)"
    GOOGLE = "google", "Google Workspace"


class SchoolIdentity(models.Model):
    """How one school's people sign in with the school's own accounts: the identity
    provider, the Microsoft tenant or the Google Workspace domains that vouch for
    them, and the app registered there. The secret is read from an environment
    variable or kept encrypted (accounts.sso.secrets); it is never shown back."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="identities")
    provider = models.CharField(max_length=20, choices=IdentityProvider.choices)
    tenant_id = models.CharField(
        "Microsoft tenant ID",
        max_length=64,
        blank=True,
        help_text="Microsoft: the directory (tenant) ID of the school's Entra ID.",
    )
    workspace_domains = models.TextField(
        "Google Workspace domains",
        blank=True,
        help_text="Google: the school's Workspace domains, one a line.",
    )
    client_id = models.CharField("client ID", max_length=200)
    secret_env = models.CharField(
        "secret from environment variable",
        max_length=100,
        blank=True,
        help_text="The name of an environment variable holding the client secret.",
    )
    secret_encrypted = models.TextField(blank=True, editable=False)
    enabled = models.BooleanField(default=True)

    class Meta:
        verbose_name = "school sign-in"
        ordering = ["school__name", "provider"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "provider"], name="school_identity_unique_provider"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} · {self.get_provider_display()}"

    @property
    def provider_id(self) -> str:
        """The name of this sign-in in its URLs (/accounts/sso/<provider_id>/login/)."""
        return f"{self.school.code}-{self.provider}"

    def vouching_domains(self) -> list[str]:
        """Google: the Workspace domains; the school's e-mail domains when none are set."""
        return split_domains(self.workspace_domains) or self.school.domains()


class Membership(models.Model):
    """A person's role at one school, or at every school of the organisation
    (an empty school: the central desk, a trust ICT manager)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    school = models.ForeignKey(
        School,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        help_text="Empty: every school of the organisation.",
    )
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["organisation__name", "school__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "school", "role"],
                condition=Q(school__isnull=False),
                name="membership_unique_per_school",
            ),
            models.UniqueConstraint(
                fields=["person", "organisation", "role"],
                condition=Q(school__isnull=True),
                name="membership_unique_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        where = self.school or f"every school of {self.organisation}"
        return f"{self.person} · {self.role} · {where}"

    def save(self, *args, **kwargs):
        if self.school_id and not self.organisation_id:
            self.organisation_id = self.school.organisation_id
        super().save(*args, **kwargs)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if (
            self.school_id
            and self.organisation_id
            and self.school.organisation_id != self.organisation_id
        ):
            raise ValidationError({"school": "Choose a school of the membership's organisation."})


def default_organisation() -> Organisation:
    """The installation's first organisation (made on first use)."""
    organisation = Organisation.objects.order_by("pk").first()
    if organisation is None:
        organisation = Organisation.objects.create(name=DEFAULT_ORGANISATION_NAME)
    return organisation


def default_school() -> School:
    """The first school of the first organisation (made on first use)."""
    organisation = default_organisation()
    school = organisation.schools.order_by("pk").first()
    if school is None:
        school = School.objects.create(
            organisation=organisation, name=DEFAULT_SCHOOL_NAME, code=DEFAULT_SCHOOL_CODE
        )
    return school


def default_organisation_id() -> int:
    return default_organisation().pk


def default_school_id() -> int:
    return default_school().pk


class StaffRecord(models.Model):
    """A person as the school's management information system lists them
    (`accounts.directory`): their staff role there and their leaving date.

    Kept after they leave, so the school still knows who left and when; the person's
    account is never deleted (their incidents and call-log entries keep their name).
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="staff_records")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff_records"
    )
    staff_role = models.CharField(max_length=120, blank=True)
    leaves_on = models.DateField("leaving date", null=True, blank=True)
    left_on = models.DateField(
        null=True, blank=True, help_text="When their leaving took effect here."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["school__name", "person__last_name", "person__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "person"], name="staff_record_once_per_school"
            ),
        ]
        indexes = [models.Index(fields=["leaves_on", "left_on"], name="staff_record_due")]

    def __str__(self) -> str:
        return f"{self.person} at {self.school}"
