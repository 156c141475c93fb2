"""Reading pages as HTML rather than as strings: find an element by tag, attribute or
`data-testid` and look at its text, so a test does not depend on where a fragment
happens to sit in the markup.

    page = parse(response.content.decode())
    pool = page.testid("pool")
    assert "INC-000001" in pool.text
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Element | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The element's text with runs of white space made single spaces."""
        parts = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else f" {child.text} ")
        return " ".join("".join(parts).split())

    def iter(self):
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(self, *tags: str, attrs: dict[str, str] | None = None) -> list[Element]:
        """Descendants with one of `tags` (any tag if none) whose attributes match.

        A `class` given in `attrs` matches when the element has every class named."""
        found = []
        for element in self.iter():
            if tags and element.tag not in tags:
                continue
            if attrs and not all(_matches(element, k, v) for k, v in attrs.items()):
                continue
            found.append(element)
        return found

    def find(self, *tags: str, attrs: dict[str, str] | None = None) -> Element | None:
        found = self.find_all(*tags, attrs=attrs)
        return found[0] if found else None

    def testid(self, name: str) -> Element:
        """The one element marked `data-testid="name"`; fails the test if absent."""
        found = self.find_all(attrs={"data-testid": name})
        assert found, f'no element with data-testid="{name}"'
        return found[0]

    def hrefs(self) -> list[str]:
        """Where the element's links go."""
        return [link.attrs["href"] for link in self.find_all("a") if "href" in link.attrs]

    def testids(self, name: str) -> list[Element]:
        return self.find_all(attrs={"data-testid": name})


def _matches(element: Element, name: str, wanted: str) -> bool:
    value = element.attrs.get(name)
    if value is None:
        return False
    if name == "class":
        return set(wanted.split()) <= set(value.split())
    return value == wanted


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("document")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(html: str) -> Element:
    """The page as a tree of elements (tolerant of unclosed tags, like a browser)."""
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root
