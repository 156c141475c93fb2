"""The pages the benchmark measures, shared by the load generator (bench/load.py)
and the query counter (bench/querycount.py), and what filing a sheet posts.

Paths come from the URL names, so a page that moves is still measured.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from html.parser import HTMLParser

from django.urls import reverse


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    role: str  # "anonymous", "desk", "reporter"
    kind: str = "get"  # "get", or "file" (GET the form, then POST it)
    # Targets from issue 7 (None: no target).
    min_ratio: float | None = None
    max_p95_ms: float | None = None


def last_month(today: date) -> tuple[date, date]:
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def scenarios() -> list[Scenario]:
    return [
        Scenario("bare", "bare Django view (ceiling)", "anonymous"),
        Scenario("queue", "desk queue, default view", "desk", min_ratio=0.20, max_p95_ms=50),
        Scenario("queue_filtered", "desk queue, ?state=logged&priority=2", "desk"),
        Scenario("search", "desk queue, search ?q=projector", "desk", max_p95_ms=100),
        Scenario("incident", "incident page (desk)", "desk", min_ratio=0.20, max_p95_ms=50),
        Scenario("my_incidents", "my incidents (reporter)", "reporter"),
        Scenario("file", "file a sheet (GET form + POST)", "reporter", kind="file"),
        Scenario("dashboard", "dashboard", "desk", max_p95_ms=300),
        Scenario("report", "service report, last month", "desk", max_p95_ms=300),
    ]


def paths(scenario: Scenario, today: date, incident_ids: list[int]) -> list[str]:
    """The path(s) a scenario requests, in rotation."""
    if scenario.key == "bare":
        return ["/bench/bare/"]
    if scenario.key == "queue":
        return [reverse("incidents:desk_queue")]
    if scenario.key == "queue_filtered":
        return [reverse("incidents:desk_queue") + "?state=logged&priority=2"]
    if scenario.key == "search":
        return [reverse("incidents:desk_queue") + "?q=projector"]
    if scenario.key == "incident":
        return [reverse("incidents:detail", args=[f"INC-{pk:06d}"]) for pk in incident_ids]
    if scenario.key == "my_incidents":
        return [reverse("incidents:my_incidents")]
    if scenario.key == "file":
        return [reverse("incidents:report")]
    if scenario.key == "dashboard":
        return [reverse("incidents:dashboard")]
    if scenario.key == "report":
        start, end = last_month(today)
        return [reverse("incidents:service_report") + f"?start={start}&end={end}"]
    raise ValueError(scenario.key)


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
    "equipment_query": "AT-00007",
    "tried_to_repeat": "recurred",
    "expected": "The projector shows my laptop screen.",
    "happened": "It says No signal on every input, the class waited ten minutes.",
    "checked": "Checked the cable and tried another laptop.",
    "last_worked": "Yesterday afternoon",
    "had_before": "unknown",
}


def sheet_post(html: str, action: str, counter: int) -> dict[str, str]:
    """What a person filing the sheet posts: the hidden fields as served (CSRF token,
    submission token), and the answers, under whatever prefix the form uses."""
    parser = FormFields(action)
    parser.feed(html)
    data = dict(parser.hidden)
    for name in parser.names:
        bare = re.sub(r"^.*-", "", name)
        if bare in SHEET_VALUES and name not in parser.hidden:
            data[name] = SHEET_VALUES[bare]
            if bare == "summary":
                data[name] += f" {counter}"
    return data


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return match.group(1) if match else ""
