from django.urls import path

from . import views

urlpatterns = [
    path("accounts/sso/<slug:provider_id>/login/", views.login, name="sso_login"),
    path("accounts/sso/<slug:provider_id>/login/callback/", views.callback, name="sso_callback"),
]
