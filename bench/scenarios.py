"""The pages the benchmark measures, shared by the load generator (bench/load.py)
and the query counter (bench/querycount.py), what filing a sheet posts, and how a
page is checked for real content (not only its status).

Paths come from the URL names, so a page that moves is still measured. Targets are
issue 17's, at a million incidents over 100 schools.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from html.parser import HTMLParser
from urllib.parse import quote

from django.urls import reverse

# Issue 17's targets, by kind of page.
LIST_TARGET = {"min_ratio": 0.10, "max_p95_ms": 50.0}  # queues and the incident page
SEARCH_TARGET = {"max_p95_ms": 100.0}
FILING_TARGET = {"max_p95_ms": 100.0}
REPORT_TARGET = {"max_p95_ms": 300.0}
# Flat growth: p95 at a million within this factor of p95 at 10 thousand.
GROWTH_FACTOR = 1.5


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    role: str  # "anonymous", "desk", "school_desk", "reporter" (see seed info "users")
    kind: str = "get"  # "get", or "file" (GET the form, then POST it)
    min_ratio: float | None = None
    max_p95_ms: float | None = None
    # Content check (querycount.py): "rows" (≥ min_rows queue rows), "school_rows"
    # (every row of the bench school), "text:<words>" (the page says them), "" (none).
    check: str = ""
    min_rows: int = 1


def last_month(today: date) -> tuple[date, date]:
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def scenarios() -> list[Scenario]:
    S = Scenario
    return [
        S("bare", "bare Django view (ceiling)", "anonymous"),
        S("queue", "desk queue, default (central desk)", "desk", **LIST_TARGET, check="rows"),
        S("queue_filtered", "desk queue, ?state=logged&priority=2", "desk", **LIST_TARGET,
          check="filtered_rows"),
        S("queue_school", "desk queue, ?school= one school (central desk)", "desk",
          **LIST_TARGET, check="school_rows"),
        S("queue_school_desk", "desk queue, a school's own desk", "school_desk", **LIST_TARGET,
          check="school_rows"),
        S("search_common", "search, common word", "desk", **SEARCH_TARGET, check="rows"),
        S("search_rare", "search, rare word", "desk", **SEARCH_TARGET, check="rows"),
        S("search_phrase", "search, phrase", "desk", **SEARCH_TARGET, check="rows"),
        S("search_prefix", "search, prefix as typed", "desk", **SEARCH_TARGET, check="rows"),
        S("search_reference", "search, reference INC-…", "desk", **SEARCH_TARGET,
          check="reference"),
        S("incident", "incident page (central desk)", "desk", **LIST_TARGET,
          check="text:Logged as priority"),
        S("my_incidents", "my incidents (teacher)", "reporter", check="my_rows"),
        S("file", "file a sheet (GET form + POST)", "reporter", kind="file", **FILING_TARGET),
        S("dashboard_school", "dashboard, one school", "desk", **REPORT_TARGET,
          check="text:{school}"),
        S("dashboard", "dashboard, whole trust", "desk", **REPORT_TARGET, check="text:{school}"),
        S("report_school", "service report, last month, one school", "desk", **REPORT_TARGET,
          check="text:{school}"),
        S("report", "service report, last month, whole trust", "desk", **REPORT_TARGET,
          check="text:{school}"),
    ]  # fmt: skip


def paths(scenario: Scenario, today: date, info: dict, incident_ids: list[int]) -> list[str]:
    """The path(s) a scenario requests, in rotation."""
    queue = reverse("incidents:desk_queue")
    school = info["school"]["id"]
    searches = info["searches"]
    start, end = last_month(today)
    report = reverse("incidents:service_report") + f"?start={start}&end={end}"
    fixed = {
        "bare": "/bench/bare/",
        "queue": queue,
        "queue_filtered": queue + "?state=logged&priority=2",
        "queue_school": queue + f"?school={school}",
        "queue_school_desk": queue,
        "my_incidents": reverse("incidents:my_incidents"),
        "file": reverse("incidents:report"),
        "dashboard_school": reverse("incidents:dashboard") + f"?school={school}",
        "dashboard": reverse("incidents:dashboard"),
        "report_school": report + f"&school={school}",
        "report": report,
    }
    if scenario.key in fixed:
        return [fixed[scenario.key]]
    if scenario.key.startswith("search_"):
        return [queue + "?q=" + quote(searches[scenario.key.removeprefix("search_")])]
    if scenario.key == "incident":
        return [reverse("incidents:detail", args=[f"INC-{pk:06d}"]) for pk in incident_ids]
    raise ValueError(scenario.key)


# ---------------------------------------------------------------- content


def queue_references(html: str) -> list[int]:
    """The incidents listed in a queue page's rows."""
    return [
        int(ref) for ref in re.findall(r'data-testid="queue-row" data-reference="INC-(\d+)"', html)
    ]


def list_references(html: str) -> list[int]:
    """The incidents linked from a list page (my incidents)."""
    return sorted({int(ref) for ref in re.findall(r'href="/[^"]*INC-(\d+)/"', html)})


# ---------------------------------------------------------------- the sheet


class FormFields(HTMLParser):
    """Names and current values of one form's fields (the first form whose action
    matches), enough to post it back the way a browser would."""

    def __init__(self, action: str):
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.done = False
        self.names: set[str] = set()
        self.hidden: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self.done:
            action = attrs.get("action") or ""
            self.inside = action in ("", self.action) or action.startswith(self.action + "?")
            return
        if not self.inside:
            return
        name = attrs.get("name")
        if tag in ("input", "select", "textarea") and name:
            self.names.add(name)
            if tag == "input" and attrs.get("type") == "hidden":
                self.hidden[name] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
            self.done = True


SHEET_VALUES = {
    "summary": "Projector shows no signal – bench test",
    "tried_to_repeat": "recurred",
    "expected": "The projector shows my laptop screen.",
    "happened": "It says No signal on every input, the class waited ten minutes.",
    "checked": "Checked the cable and tried another laptop.",
    "last_worked": "Yesterday afternoon",
    "had_before": "unknown",
}


def sheet_post(html: str, action: str, counter: int, equipment_tag: str) -> dict[str, str]:
    """What a person filing the sheet posts: the hidden fields as served (CSRF token,
    submission token), and the answers, under whatever prefix the form uses; the
    equipment by its asset tag (at the teacher's school: the site follows from it)."""
    parser = FormFields(action)
    parser.feed(html)
    data = dict(parser.hidden)
    values = {**SHEET_VALUES, "equipment_query": equipment_tag}
    for name in parser.names:
        bare = re.sub(r"^.*-", "", name)
        if bare in values and name not in parser.hidden:
            data[name] = values[bare]
            if bare == "summary":
                data[name] += f" {counter}"
    return data


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return match.group(1) if match else ""
