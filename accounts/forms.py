from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    """The same answer for unknown and known accounts, and for a wrong password."""

    error_messages = {
        "invalid_login": "That username and password do not match. Check both and try again.",
        "inactive": "That username and password do not match. Check both and try again.",
    }
