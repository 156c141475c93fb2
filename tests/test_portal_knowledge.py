"""Help articles: users read and search the published ones; support staff see drafts."""

import pytest
from django.urls import reverse

from incidents.models import KnowledgeArticle

LIST = reverse("incidents:article_list")


@pytest.fixture
def articles(desk):
    make = KnowledgeArticle.objects.create
    return {
        "projector": make(
            title="Projector shows No signal",
            symptoms="The lamp is on but the screen says No signal.",
            body="Press Source until HDMI 1 is chosen.\nThen wait ten seconds.",
            keywords="beamer hdmi",
            kind="known_error",
            created_by=desk,
        ),
        "printer": make(
            title="Printer prints blank pages",
            symptoms="Pages come out empty.",
            body="Shake the toner cartridge.",
            created_by=desk,
        ),
        "draft": make(
            title="Draft about the projector network",
            symptoms="Not ready",
            body="Unfinished",
            created_by=desk,
            is_published=False,
        ),
    }


def titles(response) -> list[str]:
    return [a.title for a in response.context["page"].object_list]


def test_users_see_published_articles_only(client_for, reporter, articles):
    response = client_for(reporter).get(LIST)

    assert titles(response) == ["Printer prints blank pages", "Projector shows No signal"]
    assert "Draft" not in response.content.decode()


def test_support_staff_see_unpublished_articles_too(client_for, desk, articles):
    response = client_for(desk).get(LIST)

    assert "Draft about the projector network" in titles(response)
    assert "Not published" in response.content.decode()


def test_the_search_box_matches_title_symptoms_keywords_and_body(client_for, reporter, articles):
    client = client_for(reporter)

    assert titles(client.get(LIST, {"q": "beamer"})) == ["Projector shows No signal"]
    assert titles(client.get(LIST, {"q": "empty"})) == ["Printer prints blank pages"]
    assert titles(client.get(LIST, {"q": "toner"})) == ["Printer prints blank pages"]
    assert titles(client.get(LIST, {"q": "projector network"})) == []  # the draft stays hidden


@pytest.mark.parametrize("q", ["x" * 500, "%", "_", "' or 1=1 --", "<script>alert(1)</script>"])
def test_junk_searches_are_an_empty_or_plain_result(client_for, reporter, articles, q):
    response = client_for(reporter).get(LIST, {"q": q})

    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_an_article_reads_as_plain_text(client_for, reporter, articles, desk):
    article = KnowledgeArticle.objects.create(
        title="Careful", symptoms="s", body="<img src=x onerror=alert(1)> step one", created_by=desk
    )

    page = (
        client_for(reporter)
        .get(reverse("incidents:article_detail", args=[article.pk]))
        .content.decode()
    )

    assert "&lt;img src=x onerror=alert(1)&gt; step one" in page
    assert "Solved it?" in page


def test_an_unpublished_article_is_not_found_for_users(client_for, reporter, desk, articles):
    url = reverse("incidents:article_detail", args=[articles["draft"].pk])

    assert client_for(reporter).get(url).status_code == 404
    assert client_for(desk).get(url).status_code == 200


def test_an_unknown_article_is_not_found(client_for, reporter):
    assert (
        client_for(reporter).get(reverse("incidents:article_detail", args=[999])).status_code == 404
    )


def test_the_list_runs_a_fixed_number_of_queries(
    client_for, reporter, desk, django_assert_num_queries
):
    client = client_for(reporter)
    client.get(LIST)

    def count_queries():
        with django_assert_num_queries(6):  # session, user, roles, page count, rows, unread
            assert client.get(LIST).status_code == 200

    KnowledgeArticle.objects.create(title="One", symptoms="s", body="b", created_by=desk)
    count_queries()
    KnowledgeArticle.objects.bulk_create(
        KnowledgeArticle(title=f"Article {n}", symptoms="s", body="b", created_by=desk)
        for n in range(40)
    )
    count_queries()
