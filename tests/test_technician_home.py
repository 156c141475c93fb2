"""The technician's home: calls passed to me and the pool, by site and priority,
with time to target, and what others changed since I last looked."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents import workflow
from incidents.models import Incident
from incidents.views.technician.home import SEEN_KEY, time_to_target
from tests.factories import SiteFactory, UserFactory
from tests.html import parse
from tests.technician_helpers import passed_incident, queries_for

pytestmark = pytest.mark.django_db
HOME = reverse("incidents:tech_home")


def test_home_lists_my_calls_and_the_pool_but_not_others(
    client_for, reporter, desk, technician, site
):
    other_tech = UserFactory(username="other-tech", roles=["Technician"])
    mine = passed_incident(
        reporter, desk, technician=technician, site=site, summary="Projector dead in B12"
    )
    pooled = passed_incident(reporter, desk, site=site, summary="Whiteboard pen not working")
    theirs = passed_incident(
        reporter, desk, technician=other_tech, site=site, summary="Not mine at all"
    )

    response = client_for(technician).get(HOME)

    assert response.status_code == 200
    body = response.content.decode()
    page = parse(body)
    mine_section, pool_section = page.testid("my-work"), page.testid("pool")
    assert mine.reference in mine_section.text and "Projector dead in B12" in mine_section.text
    assert pooled.reference in pool_section.text and pooled.reference not in mine_section.text
    take = reverse("incidents:take", args=[pooled.reference])
    assert take in [form.attrs.get("action") for form in pool_section.find_all("form")]
    assert theirs.reference not in body
    assert [i.pk for i in response.context["mine"]] == [mine.pk]
    assert [i.pk for i in response.context["pool"]] == [pooled.pk]


def test_home_sorts_by_priority_site_or_time_to_target(client_for, reporter, desk, technician):
    zed = SiteFactory(name="Zed annexe", code="ZED")
    abbey = SiteFactory(name="Abbey site", code="ABB")
    low = passed_incident(reporter, desk, technician=technician, site=abbey, summary="Low one")
    high = passed_incident(reporter, desk, technician=technician, site=zed, summary="High one")
    workflow.incident_update_details(
        version=workflow.current_version(high), incident=high, by=desk, impact=1, urgency=1
    )

    client = client_for(technician)
    by_priority = [i.pk for i in client.get(HOME).context["mine"]]
    by_site = client.get(HOME + "?order=site")
    by_due = [i.pk for i in client.get(HOME + "?order=due").context["mine"]]
    junk = client.get(HOME + "?order=%27%3Bdrop")

    assert by_priority == [high.pk, low.pk]
    assert [i.pk for i in by_site.context["mine"]] == [low.pk, high.pk]
    assert "Abbey site (1)" in by_site.content.decode()
    assert by_due == [high.pk, low.pk]  # priority 1 has the nearest resolution target
    assert junk.status_code == 200 and junk.context["order"] == "priority"


def test_time_to_target_says_left_at_risk_breached_or_paused(reporter, desk, technician, site):
    incident = passed_incident(reporter, desk, technician=technician, site=site)
    due = incident.resolution_due_at
    assert time_to_target(incident, due - timedelta(days=2)).state == "ok"
    soon = time_to_target(incident, due - timedelta(minutes=30))
    assert (soon.state, soon.text) == ("at_risk", "30 min left")
    assert time_to_target(incident, due + timedelta(hours=2)).text == "breached 2 h ago"
    incident.paused_since = due - timedelta(hours=5)
    paused = time_to_target(incident, due + timedelta(days=9))
    assert (paused.state, paused.text) == ("paused", "paused (5 h left)")


def test_home_shows_time_to_target(client_for, reporter, desk, technician, site):
    passed_incident(reporter, desk, technician=technician, site=site)
    body = client_for(technician).get(HOME).content.decode()
    assert 'data-target-state="ok"' in body
    assert " left</span>" in body


def test_what_changed_lists_others_entries_on_my_calls_until_marked_seen(
    client, reporter, desk, technician, site
):
    incident = passed_incident(reporter, desk, technician=technician, site=site)
    workflow.incident_diagnose(
        version=workflow.current_version(incident),
        incident=incident,
        by=technician,
        action_taken="My own entry",
    )
    workflow.incident_message_reporter(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        text="Desk says the room is free after 2",
    )
    client.force_login(technician)

    changes = client.get(HOME).context["changes"]
    texts = [entry.rendered for entry in changes]
    assert "Desk says the room is free after 2" in texts
    assert "My own entry" not in " ".join(texts)

    response = client.post(HOME)
    assert response.status_code == 302
    seen_at = client.session[SEEN_KEY]
    assert client.get(HOME).context["changes"] == []

    workflow.incident_reporter_reply(
        version=workflow.current_version(incident),
        incident=incident,
        by=reporter,
        text="It is making a noise now",
    )
    later = client.get(HOME)
    assert [entry.rendered for entry in later.context["changes"]] == ["It is making a noise now"]
    assert later.context["since_marked"] is True
    assert client.session[SEEN_KEY] == seen_at  # looking does not move the mark


def test_a_get_never_moves_the_seen_mark(client, technician):
    client.force_login(technician)
    client.get(HOME)
    assert SEEN_KEY not in client.session


def test_home_runs_a_fixed_number_of_queries(
    client, reporter, desk, technician, django_assert_num_queries
):
    client.force_login(technician)
    sites = [SiteFactory() for _ in range(3)]
    passed_incident(reporter, desk, technician=technician, site=sites[0])
    passed_incident(reporter, desk, site=sites[1])
    baseline, _ = queries_for(client, HOME)

    for index in range(30):
        incident = passed_incident(
            reporter, desk, technician=technician if index % 2 else None, site=sites[index % 3]
        )
        if index % 2:
            workflow.incident_message_reporter(
                version=workflow.current_version(incident),
                incident=incident,
                by=desk,
                text=f"Update {index}",
            )
    assert Incident.objects.count() == 32
    with django_assert_num_queries(baseline):
        response = client.get(HOME + "?order=site")
    assert len(response.context["mine"]) == 16 and len(response.context["pool"]) == 16
    assert len(response.context["changes"]) >= 15


@pytest.mark.parametrize("who", ["reporter", "desk"])
def test_home_is_for_technicians_only(client_for, who, request):
    response = client_for(request.getfixturevalue(who)).get(HOME)
    assert response.status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(HOME)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_seen_mark_in_the_future_is_ignored(client, technician):
    client.force_login(technician)
    session = client.session
    session[SEEN_KEY] = (timezone.now() + timedelta(days=3)).isoformat()
    session.save()
    assert client.get(HOME).context["since_marked"] is False
