from django import forms
from django.contrib.auth.forms import AuthenticationForm

from .models import School, User


class SignInForm(AuthenticationForm):
    """The same answer for unknown and known accounts, and for a wrong password."""

    error_messages = {
        "invalid_login": "That username and password do not match. Check both and try again.",
        "inactive": "That username and password do not match. Check both and try again.",
    }

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        # Only said after the right password, so it tells a stranger nothing.
        school = school_accounts_only_school(user)
        if school is not None:
            raise forms.ValidationError(
                f"People of {school.name} sign in with their school account: type your "
                'school e-mail address under "Use your school account".',
                code="school_accounts_only",
            )


def school_accounts_only_school(user) -> School | None:
    """A school of the person's that refuses password sign-in (None for a superuser,
    so an installation can never lock its own administrator out)."""
    if user.is_superuser:
        return None
    return School.objects.filter(memberships__person=user, school_accounts_only=True).first()


class MailPreferencesForm(forms.ModelForm):
    """Which notification e-mails a person gets. Everyone may turn them off; support
    staff may also choose only their own calls, or one daily digest."""

    class Meta:
        model = User
        fields = ["notify_by_email", "email_choice"]
        labels = {"notify_by_email": "Send me notifications by e-mail"}
        widgets = {"email_choice": forms.RadioSelect}

    def __init__(self, *args, staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not staff:
            del self.fields["email_choice"]
