from django.contrib.auth.models import AbstractUser
from django.db import models


class EmailChoice(models.TextChoices):
    """Which notification e-mails support staff get (users only turn e-mail on or off)."""

    ALL = "all", "Every notification"
    MINE = "mine", "Only about calls I own, work on or reported"
    DIGEST = "digest", "One daily digest"


class User(AbstractUser):
    """A member of staff: teacher, office staff, service desk, technician or ICT manager.

    What a person may do comes from their roles (groups), see `accounts.roles`.
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
        return self.get_full_name() or self.username


class DeviceCookieFailure(models.Model):
    """Wrong passwords typed in one browser that holds a device cookie (accounts.device_cookie).

    Kept in the database so every web process sees the same count.
    """

    device = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.device}: {self.failures}"
