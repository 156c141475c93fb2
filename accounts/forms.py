from django import forms
from django.contrib.auth.forms import AuthenticationForm

from .models import User


class SignInForm(AuthenticationForm):
    """The same answer for unknown and known accounts, and for a wrong password."""

    error_messages = {
        "invalid_login": "That username and password do not match. Check both and try again.",
        "inactive": "That username and password do not match. Check both and try again.",
    }


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
