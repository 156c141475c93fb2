"""Suggestions while filing: the demo's articles ranked by the database's text
search (PostgreSQL) or by matching words (SQLite), the same list for the same words."""

import pytest
from django.urls import reverse

from incidents import selectors
from incidents.demo.equipment import ARTICLES
from incidents.models import KnowledgeArticle

PRINTER = "Printer prints blank pages"
PROJECTOR = "Projector shows 'No signal'"


@pytest.fixture
def demo_articles(desk):
    """The demo catalogue's articles, word for word."""
    for title, kind, equipment_kind, _category, symptoms, body, keywords in ARTICLES:
        KnowledgeArticle.objects.create(
            title=title,
            kind=kind,
            equipment_kind=equipment_kind,
            symptoms=symptoms,
            body=body,
            keywords=keywords,
            created_by=desk,
        )


def titles(articles) -> list[str]:
    return [article.title for article in articles]


def test_a_printer_printing_blank_pages_gets_the_printer_article_and_no_projector(
    demo_articles,
    desk,
):
    found = titles(selectors.matching_articles(desk, text="printer prints blank pages"))

    assert found[0] == PRINTER
    assert not any("Projector" in title for title in found)


def test_the_help_panel_offers_the_printer_article_to_the_teacher(
    client_for, reporter, demo_articles
):
    page = (
        client_for(reporter)
        .get(
            reverse("incidents:report_help"),
            {"summary": "Printer prints blank pages", "happened": "The pages come out blank."},
            HTTP_HX_REQUEST="true",
        )
        .content.decode()
    )

    assert PRINTER in page
    assert "No signal" not in page


def test_a_projector_with_a_blue_screen_gets_the_projector_article(demo_articles, desk):
    found = titles(selectors.matching_articles(desk, text="The projector shows a blue screen"))

    assert found[0] == PROJECTOR
    assert PRINTER not in found


def test_the_same_words_give_the_same_list_in_the_same_order(desk):
    for title in ("Screen flickers", "Another screen fault", "Screen stays dark"):
        KnowledgeArticle.objects.create(
            title=title, symptoms="The screen", body="Restart it.", created_by=desk
        )

    first = titles(selectors.matching_articles(desk, text="screen"))
    again = titles(selectors.matching_articles(desk, text="screen"))

    assert first == again
    # equal ranks fall back to the title, alphabetically
    assert first == ["Another screen fault", "Screen flickers", "Screen stays dark"]


def test_a_word_in_the_title_ranks_above_the_same_word_in_the_steps(desk):
    KnowledgeArticle.objects.create(
        title="Cleaning the rollers",
        symptoms="Paper creases.",
        body="If the toner smears, clean the rollers.",
        created_by=desk,
    )
    KnowledgeArticle.objects.create(
        title="Toner smears on the page",
        symptoms="Grey streaks.",
        body="Replace the cartridge.",
        created_by=desk,
    )

    found = titles(selectors.matching_articles(desk, text="toner smears"))

    assert found == ["Toner smears on the page", "Cleaning the rollers"]


def test_articles_for_the_same_kind_of_equipment_come_after_the_matching_words(
    demo_articles,
    desk,
):
    found = titles(
        selectors.matching_articles(desk, text="toner empty", equipment_kind="projector")
    )

    assert found == [PRINTER, PROJECTOR]


def test_common_words_alone_suggest_nothing(demo_articles, desk):
    assert selectors.matching_articles(desk, text="it does not work with the") == []


def test_search_words_keep_the_typed_order_once_each():
    assert selectors.search_words("Blank pages, blank PAGES; toner!") == [
        "blank",
        "pages",
        "toner",
    ]


def test_what_the_teacher_types_is_never_read_as_query_syntax(demo_articles, desk):
    found = titles(selectors.matching_articles(desk, text="printer's 'blank' pages: & | ! <->"))

    assert found[0] == PRINTER
