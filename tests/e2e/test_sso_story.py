"""In real Chromium: signing in with the school's own account, through the local
OpenID Connect provider (tests/support/oidc_provider.mjs) and its own login form.

A new teacher at Northfield Primary types their school e-mail address on the sign-in
page, presses "Sign in with Microsoft", signs in at the provider and lands on My
incidents as a new person with the role User at Northfield; a teacher at Riverside
Secondary names their school by its code, signs in at Riverside's tenant and lands
in Riverside, seeing nothing of Northfield. The "school accounts only" setting
refuses the password form.
"""

import contextlib
import re
from urllib.parse import urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Membership
from accounts.roles import Role
from tests.e2e.conftest import SCREENSHOTS
from tests.factories import SiteFactory, UserFactory, file_incident
from tests.sso_helpers import school_sign_in, two_schools

pytestmark = pytest.mark.django_db(transaction=True)

User = get_user_model()


@pytest.fixture
def schools(sso):
    """Northfield and Riverside, each signing in with its own Microsoft-style tenant,
    each with a site; a Northfield teacher has already reported something."""
    north, river = two_schools()
    school_sign_in(north, tenant="tenant-north")
    school_sign_in(river, tenant="tenant-river")
    north_site = SiteFactory(school=north, code="NPS-MAIN", name="Northfield main building")
    SiteFactory(school=river, code="RSS-MAIN", name="Riverside main building")
    colleague = UserFactory(username="colleague", roles=[Role.USER], roles__school=north)
    reported = file_incident(colleague, site=north_site, summary="Northfield hall projector")
    return {"north": north, "river": river, "north_incident": reported}


@pytest.fixture
def browser_page(chromium, live_server, sso, request):
    """`browser_page()` → a page in a fresh browser that reaches only the live server
    and the local provider; `browser_page.csp_refusals` gathers what the Content
    Security Policy blocked in any of them."""
    allowed = {urlsplit(live_server.url).netloc, urlsplit(sso.url).netloc}
    contexts = []
    refusals: list[str] = []

    def keep_refusal(message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            refusals.append(message.text)

    def open_page():
        context = chromium.new_context()
        context.set_default_timeout(10_000)
        # The provider's login page asks for a web font; nothing leaves the machine.
        context.route(
            re.compile(r"^https?://"),
            lambda route: (
                route.continue_()
                if urlsplit(route.request.url).netloc in allowed
                else route.abort()
            ),
        )
        contexts.append(context)
        page = context.new_page()
        page.on("console", keep_refusal)
        return page

    open_page.csp_refusals = refusals
    yield open_page
    if request.node.stash.get("failed", False):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for index, context in enumerate(contexts):
            for page in context.pages:
                with contextlib.suppress(Exception):
                    page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}-{index}.png"))
    for context in contexts:
        context.close()


def find_school(page, live_server, typed: str) -> None:
    """The sign-in page, with the school named by an e-mail address or its code."""
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Your school e-mail address or school code").fill(typed)
    page.get_by_role("button", name="Find my school").click()


def sign_in_with_microsoft(page, live_server, sso, *, login: str) -> None:
    """The school's button, then the provider's own login form; back on My incidents."""
    page.get_by_role("button", name="Sign in with Microsoft").click()
    page.wait_for_url(re.compile("^" + re.escape(sso.url) + r"/tenant-\w+/v2\.0/"))
    expect(page.get_by_role("heading", name="Sign-in")).to_be_visible()
    page.get_by_placeholder("Enter any login").fill(login)
    page.get_by_placeholder("and password").fill("any password")
    page.get_by_role("button", name="Sign-in").click()
    page.wait_for_url(live_server.url + reverse("incidents:my_incidents"))


def roles_of(person) -> list[tuple[str, str]]:
    return list(
        Membership.objects.filter(person=person).values_list("school__code", "role").order_by()
    )


def test_new_teachers_sign_in_with_their_schools_microsoft_accounts(
    browser_page, live_server, sso, schools
):
    # --- A new teacher at Northfield names their school by their e-mail address.
    page = browser_page()
    find_school(page, live_server, "amira.khan@northfield.sch.uk")
    expect(page.get_by_text("Northfield Primary", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Sign in with Microsoft")).to_have_count(1)
    expect(page.get_by_text("Riverside Secondary")).to_have_count(0)
    sign_in_with_microsoft(page, live_server, sso, login="amira.khan@northfield.sch.uk")

    expect(page.get_by_role("heading", name="My incidents")).to_be_visible()
    expect(page.get_by_role("button", name="Amira Khan")).to_be_visible()
    expect(page.get_by_text("You have not reported anything yet.")).to_be_visible()
    amira = User.objects.get(email="amira.khan@northfield.sch.uk")
    assert (amira.first_name, amira.last_name, amira.is_active) == ("Amira", "Khan", True)
    assert not amira.has_usable_password()
    assert roles_of(amira) == [("nps", Role.USER)]
    assert list(SocialAccount.objects.filter(user=amira).values_list("provider", flat=True)) == [
        "nps-microsoft"
    ]
    assert browser_page.csp_refusals == []

    # --- A new teacher at Riverside names their school by its code, in another browser.
    page = browser_page()
    find_school(page, live_server, "RSS")
    expect(page.get_by_text("Riverside Secondary", exact=True)).to_be_visible()
    sign_in_with_microsoft(page, live_server, sso, login="ruth.okafor@riverside.sch.uk")

    expect(page.get_by_role("heading", name="My incidents")).to_be_visible()
    expect(page.get_by_role("button", name="Ruth Okafor")).to_be_visible()
    expect(page.get_by_text("You have not reported anything yet.")).to_be_visible()
    ruth = User.objects.get(email="ruth.okafor@riverside.sch.uk")
    assert roles_of(ruth) == [("rss", Role.USER)]
    assert list(SocialAccount.objects.filter(user=ruth).values_list("provider", flat=True)) == [
        "rss-microsoft"
    ]
    assert browser_page.csp_refusals == []

    # Nothing of Northfield: not on the page, its sites not offered, its incident a 404.
    assert "Northfield" not in page.content()
    page.goto(live_server.url + reverse("incidents:report"))
    sites = " ".join(page.get_by_label("Site").locator("option").all_inner_texts())
    assert "Riverside main building" in sites
    assert "Northfield" not in sites
    response = page.goto(live_server.url + schools["north_incident"].get_absolute_url())
    assert response is not None and response.status == 404
    assert "Northfield hall projector" not in page.content()


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
