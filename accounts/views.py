from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.device_cookie import set_device_cookie
from accounts.forms import MailPreferencesForm, SignInForm
from accounts.roles import home_url_name, is_support_staff


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


@require_http_methods(["GET", "POST"])
@login_required
def mail_preferences(request):
    """Which e-mails the person gets (their own choice, never someone else's)."""
    staff = is_support_staff(request.user)
    form = MailPreferencesForm(
        request.POST if request.method == "POST" else None, instance=request.user, staff=staff
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your e-mail settings are saved.")
        return redirect("mail_preferences")
    return render(request, "registration/mail_preferences.html", {"form": form, "staff": staff})
