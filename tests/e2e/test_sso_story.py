"""In real Chromium: the school sign-in's side of the sign-in page."""

from django.urls import reverse

from accounts.roles import Role
from tests.factories import UserFactory
from tests.sso_helpers import two_schools


def test_school_accounts_only_refuses_the_password_form_in_the_browser(chromium, live_server, sso):
    north, _ = two_schools()
    north.school_accounts_only = True
    north.save()
    UserFactory(username="teacher", roles=[Role.USER], roles__school=north)
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto(live_server.url + reverse("login"))
        page.get_by_label("Username").fill("teacher")
        page.get_by_label("Password").fill("pass-word-123")
        page.get_by_role("button", name="Sign in", exact=True).click()
        page.wait_for_load_state()
        assert "People of Northfield Primary sign in with their school account" in (page.content())
        assert page.get_by_label("Username").input_value() == "teacher"
        assert page.url.startswith(live_server.url + reverse("login"))
    finally:
        context.close()
