"""The dashboard's school and site form is kept as markup in the shared cache, per
address and set of schools: each address shows its own choice, what was typed
comes back with its message, and a new site is offered on the next page."""

from tests.factories import SiteFactory
from tests.html import parse

DASHBOARD = "/reports/"


def _sites(page: str) -> dict[str, bool]:
    """The site list's labels, and whether each is the one chosen."""
    select = parse(page).find("select", attrs={"name": "site"})
    assert select is not None
    return {o.text: "selected" in o.attrs for o in select.find_all("option")}


def test_a_new_site_is_offered_on_the_next_dashboard(client_for, desk, site, shared_cache):
    client = client_for(desk)
    assert "Library block" not in _sites(client.get(DASHBOARD).text)

    SiteFactory(school=site.school, name="Library block", code="LIB")

    assert "Library block" in _sites(client.get(DASHBOARD).text)


def test_each_address_shows_its_own_choice(client_for, desk, site, shared_cache):
    annex = SiteFactory(school=site.school, name="Annex", code="ANNEX")
    client = client_for(desk)
    for _ in range(2):  # built, then read from the cache
        assert _sites(client.get(DASHBOARD, {"site": site.pk}).text)[site.name] is True
        assert _sites(client.get(DASHBOARD, {"site": annex.pk}).text)["Annex"] is True
        assert _sites(client.get(DASHBOARD).text) == {
            "All sites": True,
            "Annex": False,
            site.name: False,
        }


def test_an_unreadable_site_is_a_message_each_time(client_for, desk, site, shared_cache):
    client = client_for(desk)
    for _ in range(2):
        page = client.get(DASHBOARD, {"site": "nine"}).text
        assert "Select a valid choice" in page
        assert _sites(page)[site.name] is False
