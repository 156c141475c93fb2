"""The report's parameters come from the address bar: junk is a message next to
the field (and a 400), never a 500; what was typed is kept."""

import pytest
from django.utils import timezone

from incidents.reporting import Period

JUNK = [
    {"start": "yesterday"},
    {"start": "2026-02-30"},
    {"end": "31/31/2026"},
    {"start": "2026-03-01", "end": "2026-02-01"},
    {"start": "1900-01-01", "end": "1900-01-31"},
    {"start": "9999-12-31", "end": "9999-12-31"},
    {"start": "2020-01-01", "end": "2026-01-01"},
    {"site": "abc"},
    {"site": "99999999999999999999999"},
    {"site": "-1"},
    {"site": "1e3"},
    {"site": "<script>alert(1)</script>"},
    {"start": "2026-01-01\x00", "end": "2026-01-31"},
    {"start": "' OR 1=1 --"},
    {"start": "2026-01-01", "end": "2026-01-31", "site": ["1", "2"]},
]


@pytest.mark.parametrize("params", JUNK)
@pytest.mark.parametrize("url", ["/reports/service/", "/reports/service.csv"])
def test_junk_parameters_never_break_the_report(client_for, desk, site, url, params):
    response = client_for(desk).get(url, params)
    assert response.status_code in (200, 400)
    if response.status_code == 400 and url.endswith("/"):
        assert b"invalid-feedback" in response.content
    assert b"<script>alert" not in response.content


@pytest.mark.parametrize("params", [{"site": "abc"}, {"site": "-1"}, {"site": "9" * 30}])
def test_junk_site_on_the_dashboard_shows_all_sites_and_says_so(client_for, desk, params):
    response = client_for(desk).get("/reports/", params)
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content


def test_a_period_ending_before_it_starts_is_refused_next_to_the_field(client_for, desk):
    response = client_for(desk).get(
        "/reports/service/", {"start": "2026-03-01", "end": "2026-02-01"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The end of the period must not be before its start." in page
    assert 'value="2026-03-01"' in page  # what was typed is kept
    assert response.context["report"] is None


def test_a_period_of_more_than_800_days_is_refused(client_for, desk):
    response = client_for(desk).get(
        "/reports/service/", {"start": "2020-01-01", "end": "2026-01-01"}
    )
    assert response.status_code == 400
    assert "A report covers at most 800 days" in response.content.decode()


def test_no_parameters_mean_last_month_at_every_site(client_for, desk):
    response = client_for(desk).get("/reports/service/")
    assert response.status_code == 200
    period = response.context["report"].period
    last_month = Period.last_month(timezone.localdate())
    assert (period.start, period.end) == (last_month.start, last_month.end)
    assert period.site is None and period.school is None


def test_only_a_start_runs_to_today(client_for, desk):
    response = client_for(desk).get("/reports/service/", {"start": "2026-01-05"})
    period = response.context["report"].period
    assert (period.start.isoformat(), period.end) == ("2026-01-05", timezone.localdate())


def test_a_site_limits_the_report_and_its_links(client_for, desk, site):
    response = client_for(desk).get(
        "/reports/service/", {"start": "2026-01-01", "end": "2026-01-31", "site": site.pk}
    )
    assert response.context["report"].period.site == site
    page = response.content.decode()
    assert f"/reports/service.csv?start=2026-01-01&amp;end=2026-01-31&amp;site={site.pk}" in page
    assert "Main building" in page
