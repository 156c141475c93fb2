from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy

from . import second_factor, views
from .directory import views as directory
from .password_reset import PasswordResetView

urlpatterns = [
    path("", include("accounts.sso.urls")),
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        views.SignInView.as_view(),
        name="login",
    ),
    path("accounts/login/code/", second_factor.second_factor_view, name="second_factor"),
    path("accounts/email/", views.mail_preferences, name="mail_preferences"),
    # The staff directory: a school's staff list from its management information system.
    path("staff/", directory.choose_school, name="staff_directory"),
    path("staff/<slug:code>/import/", directory.import_staff, name="staff_import"),
    path("accounts/logout/", views.sign_out, name="logout"),
    path(
        "accounts/password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/password/reset/", PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
