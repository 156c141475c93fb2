"""Search over incidents: one document per incident, one index.

Each incident carries `search_document`. On PostgreSQL it is a `tsvector` of its
summary (weight A), its sheet's answers (B), the call log's public text (C) and its
internal text (D), under one GIN index (`incident_search_document`, migration
0016); on other databases (SQLite) it is the same text, plain, matched word by word:
correct and deterministic, not fast.

The workflow rewrites an incident's document in the same transaction as whatever
changes its words (`refresh_search_document`: filing, the desk's edits, every
call-log entry with typed text, answers to a returned sheet).
`rebuild_search_documents` rewrites every document at once, set-based: migration
0016 and the benchmark's seed call it.

What the desk types is never SQL nor tsquery syntax: it is cut into words and
quoted phrases here, each sent quoted, as one bound parameter, to `to_tsquery`.
"""

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchQuery
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property

from incidents.models import Equipment, Incident, parse_reference
from incidents.models.incident import newest_first_walk
from incidents.prepared import any_of

CONFIG = "english"
INDEX_NAME = "incident_search_document"
MAX_TERMS = 8
# A prefix of one or two letters matches most of the vocabulary: it waits for a third.
MIN_PREFIX = 3

_TOKEN = re.compile(r'-?"[^"]*"?|\S+')
_WORD = re.compile(r"\w")


# ---------------------------------------------------------------- the documents

# An incident's words, per incident, in one SELECT (`{only}` narrows it to one id).
# Call-log text comes in the order it was written, public apart from internal.
_PG_DOCUMENTS = """
SELECT i.id,
       setweight(to_tsvector('{config}', i.summary), 'A')
    || setweight(to_tsvector('{config}', concat_ws(' ',
           s.expected, s.happened, s.checked, s.further_info)), 'B')
    || setweight(to_tsvector('{config}', coalesce(l.public_text, '')), 'C')
    || setweight(to_tsvector('{config}', coalesce(l.internal_text, '')), 'D') AS document
  FROM incidents_incident i
  LEFT JOIN incidents_incidentsheet s ON s.incident_id = i.id
  LEFT JOIN (
        SELECT incident_id,
               string_agg(text, ' ' ORDER BY at, id) FILTER (WHERE is_public) AS public_text,
               string_agg(text, ' ' ORDER BY at, id) FILTER (WHERE NOT is_public)
                   AS internal_text
          FROM incidents_calllogentry
         WHERE text <> '' {only_entries}
         GROUP BY incident_id
       ) l ON l.incident_id = i.id
 {only}
"""
_PG_UPDATE = """
UPDATE incidents_incident AS target SET search_document = d.document
  FROM ({documents}) AS d
 WHERE target.id = d.id
"""
_SQLITE_UPDATE = """
UPDATE incidents_incident SET search_document = summary
    || ' ' || coalesce((
        SELECT expected || ' ' || happened || ' ' || checked || ' ' || further_info
          FROM incidents_incidentsheet s WHERE s.incident_id = incidents_incident.id), '')
    || ' ' || coalesce((
        SELECT group_concat(text, ' ') FROM (
            SELECT text FROM incidents_calllogentry c
             WHERE c.incident_id = incidents_incident.id AND c.text <> ''
             ORDER BY c.at, c.id)), '')
 {only}
"""


def _update_sql(vendor: str, *, one: bool) -> str:
    if vendor == "postgresql":
        documents = _PG_DOCUMENTS.format(
            config=CONFIG,
            only_entries="AND incident_id = %s" if one else "",
            only="WHERE i.id = %s" if one else "",
        )
        return _PG_UPDATE.format(documents=documents)
    return _SQLITE_UPDATE.format(only="WHERE id = %s" if one else "")


def refresh_search_document(incident_id: int, *, using: str = "default") -> None:
    """Rewrite one incident's document from its summary, sheet and call log (one query).

    Called inside the transaction that changed them, so the document never shows
    words the incident does not have, nor misses words it has."""
    connection = connections[using]
    params = [incident_id, incident_id] if connection.vendor == "postgresql" else [incident_id]
    with connection.cursor() as cursor:
        cursor.execute(_update_sql(connection.vendor, one=True), params)


# A call just filed: its summary and sheet, and a call log with no typed text yet.
# The same words and weights as `_PG_DOCUMENTS` gives it, written by the INSERT.
_PG_NEW_DOCUMENT = f"""
setweight(to_tsvector('{CONFIG}', %s::text), 'A')
 || setweight(to_tsvector('{CONFIG}', concat_ws(' ', %s::text, %s::text, %s::text, %s::text)), 'B')
 || setweight(to_tsvector('{CONFIG}', ''), 'C')
 || setweight(to_tsvector('{CONFIG}', ''), 'D')
"""
SHEET_WORDS = ("expected", "happened", "checked", "further_info")


def new_document(summary: str, sheet: Any, *, vendor: str) -> Any:
    """What `refresh_search_document` writes for a call just filed with this summary
    and sheet (an unsaved `IncidentSheet` will do) and no call-log text: a value for
    the call's INSERT, so filing writes its document without an UPDATE after it."""
    words = [getattr(sheet, name) for name in SHEET_WORDS]
    if vendor == "postgresql":
        return RawSQL(_PG_NEW_DOCUMENT, [summary, *words])  # noqa: S611 - fixed SQL, bound values
    # As `_SQLITE_UPDATE`: the summary, the sheet's words, then the (empty) call log.
    return f"{summary} {' '.join(words)} "


def fill_search_documents(cursor: Any, vendor: str = "postgresql") -> None:
    """Write every incident's document in one statement, and nothing else: for a
    loader that has dropped the indexes and builds them itself afterwards (the
    benchmark's seed)."""
    cursor.execute(_update_sql(vendor, one=False))


def rebuild_search_documents(connection: BaseDatabaseWrapper) -> None:
    """Rewrite every incident's document in one statement, then (PostgreSQL) build
    the GIN index and refresh the planner's statistics.

    For a freshly seeded or migrated database: the index is dropped first, since
    building it once afterwards is far cheaper than updating it for every row.
    Outside a transaction it also vacuums, so the table does not keep the rows'
    old versions. Safe to call again; the documents are the same each time.
    """
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor != "postgresql":
            fill_search_documents(cursor, vendor)
            return
        if connection.in_atomic_block:
            # Rows written earlier in this transaction leave their (deferred) foreign
            # key checks pending, and PostgreSQL builds no index over pending checks.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")
        cursor.execute("SET work_mem = '256MB'")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        try:
            fill_search_documents(cursor, vendor)
            cursor.execute(
                f"CREATE INDEX {INDEX_NAME} ON incidents_incident USING gin (search_document)"
            )
        finally:
            cursor.execute("RESET work_mem")
            cursor.execute("RESET maintenance_work_mem")
        if connection.get_autocommit() and not connection.in_atomic_block:
            cursor.execute("VACUUM (ANALYZE) incidents_incident")
        else:
            cursor.execute("ANALYZE incidents_incident")


# ---------------------------------------------------------------- what was typed


@dataclass(frozen=True)
class Term:
    """A word or a quoted phrase, as typed; `exclude` for a leading minus, `either`
    when joined to the term before by "or", `prefix` for the word being typed."""

    text: str
    phrase: bool = False
    exclude: bool = False
    either: bool = False
    prefix: bool = False


def parse_terms(text: str) -> list[Term]:
    """The terms of a search, like a web search box: words (all of them must match),
    "quoted phrases", -excluded words, `or` between two terms. The last word, still
    being typed, also matches longer words it starts."""
    terms: list[Term] = []
    either = False
    for token in _TOKEN.findall(text):
        if token.lower() == "or" and terms:
            either = True
            continue
        exclude = token.startswith("-") and len(token) > 1
        body = token[1:] if exclude else token
        phrase = body.startswith('"')
        body = body.strip('"').strip()
        if not _WORD.search(body):
            continue
        terms.append(Term(body, phrase=phrase, exclude=exclude, either=either and bool(terms)))
        either = False
        if len(terms) == MAX_TERMS:
            break
    if terms and not text[-1:].isspace():
        last = terms[-1]
        if not (last.phrase or last.exclude) and len(_WORD.findall(last.text)) >= MIN_PREFIX:
            terms[-1] = Term(last.text, either=last.either, prefix=True)
    return terms


def tsquery_text(terms: list[Term], *, any_term: bool = False) -> str:
    """The terms as `to_tsquery` input: each one quoted (PostgreSQL's own parser then
    splits and stems it as it did the documents, a phrase into `<->`), joined by
    `&` (or `|` with `any_term`). Nothing typed can be read as an operator."""
    parts: list[str] = []
    for term in terms:
        quoted = "'" + term.text.replace("\\", "\\\\").replace("'", "''") + "'"
        part = ("!" if term.exclude else "") + quoted + (":*" if term.prefix else "")
        if parts:
            parts.append("|" if term.either or any_term else "&")
        parts.append(part)
    return " ".join(parts)


def search_query(terms: list[Term], *, any_term: bool = False) -> SearchQuery:
    """The PostgreSQL query for these terms (also the knowledge articles' ranking)."""
    return SearchQuery(tsquery_text(terms, any_term=any_term), config=CONFIG, search_type="raw")


# ---------------------------------------------------------------- matching


def search_incidents(qs: QuerySet[Incident], text: str) -> QuerySet[Incident]:
    """The incidents of `qs` whose document matches the text, or whose reference
    (INC-000123 or 123) or equipment's asset tag it is.

    The whole document is searched, internal text included: only staff who may see
    the incident's internal text search this way (the desk's queue, scoped to the
    schools they serve)."""
    text = text.strip()
    if not text:
        return qs
    terms = parse_terms(text)
    matches = _document_matches(qs.db, terms) if terms else Q(pk__in=[])
    pk = parse_reference("INC", text)
    if pk is not None:
        matches |= Q(pk=pk)
    tagged = _equipment_tagged(qs.db, text)
    if tagged:
        matches |= Q(equipment_id__in=tagged)
    return qs.filter(matches)


def _document_matches(db: str, terms: list[Term]) -> Q:
    if connections[db].vendor == "postgresql":
        return Q(search_document=search_query(terms))
    # Elsewhere: every word of a term somewhere in the plain document.
    matches = Q()
    for index, term in enumerate(terms):
        words = [term.text] if term.phrase else re.findall(r"\w+", term.text)
        found = Q()
        for word in words:
            found &= Q(search_document__icontains=word)
        if term.exclude:
            found = ~found
        matches = (matches | found) if index and term.either else (matches & found)
    return matches


def _equipment_tagged(db: str, text: str) -> list[int]:
    """The equipment whose asset tag is the text, when it could be one (a single
    token with a digit): read first, so the search stays one index lookup per part."""
    if (
        len(text.split()) != 1
        or not any(character.isdigit() for character in text)
        or len(text) > 60
    ):
        return []
    return list(
        Equipment.objects.using(db).filter(asset_tag__iexact=text).values_list("pk", flat=True)
    )


# ---------------------------------------------------------------- counting


# A search matching up to this many times the cap is paged through its matching
# ids: a word in 0.1–0.2% of a million calls, more than the count shows, but far
# fewer than the newest-first walk would read to find a page of them. A larger
# list costs common words more to read than the walk saves the rarer ones (at 5×,
# 5,001 ids of a common word took 100 ms to read).
ID_LIST_FACTOR = 2


def count_cap() -> int:
    """How many results a search counts before it says "more than" (setting
    `SEARCH_COUNT_CAP`): counting every match of a common word costs more than
    finding the page."""
    return int(getattr(settings, "SEARCH_COUNT_CAP", 1000))


class CappedPaginator(Paginator):
    """Pages of a search, newest first, counted up to `cap` + 1 rows; `capped` says
    there are more than `cap` (the last page offered is then the cap's).

    The count reads the matching ids, in no order, through the GIN index: that is
    cheap however common the words. When there are no more than `id_limit` of them
    (`ID_LIST_FACTOR` times the cap), the page is then fetched by those ids, so a
    search the planner wrongly takes for a common one (a word or phrase it has no
    statistics for) never walks the whole table newest first looking for matches
    that are not there. More than that means the matches are common enough for the
    newest-first walk to stop soon, and that walk is what the page then does.
    """

    def __init__(self, rows: QuerySet, per_page: int, *, cap: int | None = None) -> None:
        super().__init__(rows, per_page)
        self.rows = rows
        self.cap = count_cap() if cap is None else cap
        self.id_limit = self.cap * ID_LIST_FACTOR

    @cached_property
    def matching_ids(self) -> list[int]:
        return list(self.rows.order_by().values_list("pk", flat=True)[: self.id_limit + 1])

    @cached_property
    def count(self) -> int:
        return min(len(self.matching_ids), self.cap + 1)

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    def page(self, number: Any) -> Page:
        """As `Paginator.page`, but a page is never cut short at the capped count."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if len(self.matching_ids) <= self.id_limit:
            rows = self.rows.filter(any_of(Incident, "id", self.matching_ids, self.rows.db))
            return Page(rows[bottom : bottom + self.per_page], number, self)
        return Page(self._newest_first(bottom), number, self)

    def _newest_first(self, bottom: int) -> list[Any]:
        """More matches than the id list holds: walk the incidents newest first and
        stop at the page. PostgreSQL, misled by words that go together (a phrase it
        takes for rare because each word is), would rather collect all of them
        through the index and sort: tens of thousands of rows for one page. The walk
        is one statement, so a search runs the same queries on either path."""
        with newest_first_walk():
            return list(self.rows[bottom : bottom + self.per_page])
