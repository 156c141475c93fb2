"""axe-core in a Playwright page: the pinned copy npm installed into node_modules/.

`make install` (and .ci/run) run `npm ci`; nothing is fetched while the tests run.
"""

import os
from pathlib import Path

import pytest

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")
WIDTHS = (375, 1280)

# The page's own scripts are held to the Content-Security-Policy; axe is injected
# by the test, so its context is opened with `bypass_csp`.
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
    count: v.nodes.length,
  }));
}"""


def axe_source() -> str:
    if not AXE_JS.exists():
        message = f"axe-core is not installed at {AXE_JS}: run `make install` (needs npm)"
        if os.environ.get("HELPDESK_REQUIRE_AXE"):
            pytest.fail(message)
        pytest.skip(message)
    return AXE_JS.read_text()


def serious_violations(page, source: str) -> list[dict]:
    """The serious and critical violations on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=source)
    return [v for v in page.evaluate(RUN_AXE) if v["impact"] in SERIOUS]


def describe(url: str, width: int, violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(
            f"{url} @ {width}px: {v['id']} ({v['impact']}, {v['count']} nodes) {v['help']}"
        )
        lines.extend(f"    {n['target']}: {n['summary'][:300]}" for n in v["nodes"])
    return "\n".join(lines)
