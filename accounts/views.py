from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts import second_factor
from accounts.device_cookie import set_device_cookie
from accounts.forms import MailPreferencesForm, SignInForm
from accounts.roles import home_url_name, is_support_staff
from accounts.sso.picker import BUTTON_WORDS, SchoolPickForm, sign_ins_of


@login_required
def home(request):
    """Each role lands on its own home page."""
    return redirect(home_url_name(request.user))


class SignInView(auth_views.LoginView):
    """Django's sign-in, leaving a device cookie so a lock others cause spares this browser.

    Beside the password form, `?school=` (an e-mail address or a school code) shows
    that school's "Sign in with Microsoft/Google" buttons (accounts.sso.picker)."""

    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        typed = self.request.GET.get("school")
        pick = SchoolPickForm({"school": typed} if typed is not None else None)
        context["school_form"] = pick
        if pick.is_bound and pick.is_valid():
            school = pick.cleaned_data["school"]
            context["school"] = school
            context["sign_ins"] = [
                (identity, BUTTON_WORDS[identity.provider]) for identity in sign_ins_of(school)
            ]
        return context

    def form_valid(self, form):
        user = form.get_user()
        if second_factor.needed(user):
            response = second_factor.begin(self.request, user, self.get_success_url())
        else:
            response = super().form_valid(form)
        set_device_cookie(response, user.get_username())
        return response


@require_POST
def sign_out(request):
    """Ends the session here (the school's own account stays signed in at Microsoft
    or Google) and says so."""
    auth_logout(request)
    messages.success(request, "You are signed out of the helpdesk.")
    return redirect("login")


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
