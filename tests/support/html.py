"""Reading pages through an HTML parser rather than by slicing strings."""

from django.test.html import Element, parse_html


def _walk(element):
    for child in getattr(element, "children", []):
        if isinstance(child, Element):
            yield child
            yield from _walk(child)


def input_values(html: str, name: str) -> list[str]:
    """The values the page's form fields called `name` would post, in page order."""
    values = []
    for element in _walk(parse_html(html)):
        attributes = dict(element.attributes)
        if attributes.get("name") != name:
            continue
        if element.name == "input":
            values.append(attributes.get("value") or "")
        elif element.name == "textarea":
            values.append("".join(str(child) for child in element.children))
        elif element.name == "select":
            values.extend(
                dict(option.attributes).get("value") or ""
                for option in _walk(element)
                if option.name == "option" and "selected" in dict(option.attributes)
            )
    return values
