from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A member of staff: teacher, office staff, service desk, technician or ICT manager.

    What a person may do comes from their roles (groups), see `accounts.roles`.
    """

    job_title = models.CharField(max_length=120, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    notify_by_email = models.BooleanField(
        default=True, help_text="Send notifications by e-mail as well as in the app."
    )

    class Meta:
        ordering = ["first_name", "last_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username
