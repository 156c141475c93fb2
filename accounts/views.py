from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from accounts.device_cookie import set_device_cookie
from accounts.forms import SignInForm
from accounts.roles import home_url_name


@login_required
def home(request):
    """Each role lands on its own home page."""
    return redirect(home_url_name(request.user))


class SignInView(auth_views.LoginView):
    """Django's sign-in, leaving a device cookie so a lock others cause spares this browser."""

    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        set_device_cookie(response, form.get_user().get_username())
        return response
