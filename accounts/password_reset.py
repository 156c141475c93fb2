"""Password reset: the request only queues a task, whatever the address.

Known and unknown addresses take the same path and the same time: the page
queues `send_password_reset` and answers "sent". The worker (`manage.py
db_worker`) looks the address up, sends the e-mail and, when the mail server
fails, tries again later like the notifications do. Requests are counted in the
task queue itself, so the limits hold across every web process: a few per
address and some more per client address in an hour; over either, nothing is
sent.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.mail import EmailMultiAlternatives
from django.http import HttpResponse
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.client_address import client_ip

logger = logging.getLogger(__name__)
WINDOW = timedelta(hours=1)


def _requests_since(**kwargs) -> int:
    """First attempts of reset e-mails queued in the last hour matching kwargs."""
    lookups = {f"args_kwargs__kwargs__{name}": value for name, value in kwargs.items()}
    return DBTaskResult.objects.filter(
        task_path=f"{__name__}.send_password_reset",
        enqueued_at__gte=timezone.now() - WINDOW,
        args_kwargs__kwargs__attempt=1,
        **lookups,
    ).count()


class _ResetMail(PasswordResetForm):
    """Django's reset e-mail, but a mail server failure is raised, not logged and lost.

    Besides people with a password, it reaches people imported from their school's
    staff list who have never signed in (they have no password yet): this is how
    they choose their first one. Nobody inactive ever gets one (leavers).
    """

    def get_users(self, email):
        yield from super().get_users(email)
        yield from (
            get_user_model()
            .objects.filter(
                email__iexact=email,
                is_active=True,
                last_login__isnull=True,
                staff_records__isnull=False,
            )
            .filter(password__startswith=UNUSABLE_PASSWORD_PREFIX)
            .distinct()
        )

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):  # fmt: skip
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        EmailMultiAlternatives(subject, body, from_email, [to_email]).send()


@task
def send_password_reset(*, email: str, client: str, attempt: int = 1) -> str:
    """Send the reset link to the active accounts with this address, if any."""
    form = _ResetMail({"email": email})
    if not form.is_valid():
        return "not an address"
    site = settings.SITE_URL
    try:
        form.save(
            domain_override=site.split("://", 1)[-1],
            use_https=site.startswith("https://"),
            from_email=settings.DEFAULT_FROM_EMAIL,
        )
    except Exception as error:  # any failure of the mail server: try again later
        if attempt >= settings.NOTIFY_MAX_ATTEMPTS:
            logger.error("Password reset e-mail failed for good: %s", error)
            return "failed"
        delay = settings.NOTIFY_RETRY_BASE_SECONDS * 2 ** (attempt - 1)
        send_password_reset.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(
            email=email, client=client, attempt=attempt + 1
        )
        return "will retry"
    return "done"


class RateLimitedResetForm(PasswordResetForm):
    """Queues the e-mail instead of sending it; looks nobody up."""

    def save(self, *, request, **kwargs) -> None:  # type: ignore[override]
        email = self.cleaned_data["email"].strip().lower()
        client = client_ip(request) or "unknown"
        if _requests_since(email=email) >= settings.PASSWORD_RESET_PER_ADDRESS:
            return
        send_password_reset.enqueue(email=email, client=client, attempt=1)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = RateLimitedResetForm

    def post(self, request, *args, **kwargs):
        client = client_ip(request) or "unknown"
        if _requests_since(client=client) >= settings.PASSWORD_RESET_PER_CLIENT:
            body = render_to_string("registration/password_reset_limited.html", request=request)
            return HttpResponse(body, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        form.save(request=self.request)
        return super(auth_views.PasswordResetView, self).form_valid(form)
