"""The articles the incident page suggests for a call, kept in the shared cache for
its words at its school: read once, and never stale after an article is added,
edited, unpublished or deleted."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents.models import ArticleKind, KnowledgeArticle
from tests.desk_helpers import logged
from tests.html import parse

pytestmark = pytest.mark.django_db


def article(desk, title="Blank pages from the laser printers", **extra) -> KnowledgeArticle:
    fields = {
        "kind": ArticleKind.RESOLUTION,
        "symptoms": "The printer prints blank pages",
        "body": "Shake the toner cartridge and put it back.",
        "keywords": "blank printer toner",
        **extra,
    }
    return KnowledgeArticle.objects.create(title=title, created_by=desk, **fields)


def suggested(client, incident) -> list[str]:
    page = client.get(incident.get_absolute_url()).text
    found = parse(page).find(attrs={"data-testid": "suggested-articles"})
    if found is None:
        return []
    return [item.find("a").text.strip() for item in found.find_all("li")]


@pytest.fixture
def call(desk, incident, shared_cache):
    return logged(incident, desk)


def test_the_suggestions_are_read_once_then_kept(client_for, desk, call):
    article(desk)
    client = client_for(desk)
    assert suggested(client, call) == ["Blank pages from the laser printers"]
    with CaptureQueriesContext(connection) as again:
        assert suggested(client, call) == ["Blank pages from the laser printers"]
    read = [q["sql"] for q in again.captured_queries if "incidents_knowledgearticle" in q["sql"]]
    # Only the articles linked to the call are read again.
    assert len(read) == 1
    assert "knowledge_articles" in read[0]


def test_a_new_article_is_suggested_on_the_next_page(client_for, desk, call):
    client = client_for(desk)
    assert suggested(client, call) == []
    article(desk)
    assert suggested(client, call) == ["Blank pages from the laser printers"]


def test_an_edited_unpublished_or_deleted_article_shows_on_the_next_page(client_for, desk, call):
    kept = article(desk)
    client = client_for(desk)
    assert suggested(client, call) == ["Blank pages from the laser printers"]
    kept.title = "Blank pages: the toner"
    kept.save()
    assert suggested(client, call) == ["Blank pages: the toner"]
    kept.is_published = False
    kept.save()
    assert suggested(client, call) == []
    kept.is_published = True
    kept.save()
    assert suggested(client, call) == ["Blank pages: the toner"]
    kept.delete()
    assert suggested(client, call) == []


def test_a_call_with_other_words_gets_its_own_suggestions(
    client_for, desk, reporter, site, shared_cache
):
    from tests.factories import file_incident

    article(desk)
    article(
        desk,
        title="The projector shows no picture",
        symptoms="No picture",
        body="Check the input.",
        keywords="",
    )
    printer = logged(file_incident(reporter, site=site), desk)
    projector = logged(
        file_incident(reporter, site=site, summary="Projector shows no picture"), desk
    )
    client = client_for(desk)
    assert suggested(client, printer) == ["Blank pages from the laser printers"]
    assert suggested(client, projector)[0] == "The projector shows no picture"
