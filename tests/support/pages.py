"""Reading a rendered form field back out of a page, for the page tests of every area.

A field rendered by templates/partials/_field.html is an input (or select, textarea) with an id, a
``<label for=id>``, and, when refused, the ``is-invalid`` class, ``aria-describedby`` naming
``<id>_error``, and an element with that id holding every error of the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    selected: list[str] = field(default_factory=list)  # a select's selected option values

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.by_id: dict[str, Element] = {}
        self.labels: dict[str, Element] = {}
        self.alerts: list[Element] = []
        self.open: list[Element] = []
        self.select: Element | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        if "id" in element.attrs:
            self.by_id.setdefault(element.attrs["id"], element)
        if tag == "label" and "for" in element.attrs:
            self.labels.setdefault(element.attrs["for"], element)
        if "data-form-errors" in element.attrs:
            self.alerts.append(element)
        if tag == "select":
            self.select = element
        if tag == "option" and self.select is not None and "selected" in element.attrs:
            self.select.selected.append(element.attrs.get("value", ""))
        if tag not in VOID:
            self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i].tag == tag:
                del self.open[i:]
                break
        if tag == "select":
            self.select = None

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element.text += data


@dataclass
class RenderedField:
    input: Element
    label: str
    errors: str

    @property
    def value(self) -> str | list[str]:
        if self.input.tag == "textarea":
            return self.input.text.strip("\n")
        if self.input.tag == "select":
            return self.input.selected
        return self.input.attrs.get("value", "")

    @property
    def invalid(self) -> bool:
        """Marked refused the way templates/partials/_field.html does it."""
        described = self.input.attrs.get("aria-describedby", "").split()
        return (
            "is-invalid" in self.input.classes
            and self.input.attrs.get("aria-invalid") == "true"
            and f"{self.input.attrs['id']}_error" in described
        )


def rendered_field(html: str, field_id: str) -> RenderedField:
    """The input with ``id=field_id``, its label's words and the words of its errors ("" if none)."""
    page = _Collector()
    page.feed(html)
    page.close()
    element = page.by_id.get(field_id)
    assert element is not None, f"no element with id={field_id!r} on the page"
    label = page.labels.get(field_id)
    errors = page.by_id.get(f"{field_id}_error")
    return RenderedField(
        input=element,
        label=" ".join(label.text.split()) if label else "",
        errors=" ".join(errors.text.split()) if errors else "",
    )


def form_errors(html: str) -> list[str]:
    """The words of each templates/partials/_form_errors.html alert on the page."""
    page = _Collector()
    page.feed(html)
    page.close()
    return [" ".join(alert.text.split()) for alert in page.alerts]


def shows_internal_name(html: str, *names: str) -> bool:
    """Whether the page shows a problem prefixed by an internal field name ("number_column: Choose…")."""
    return any(re.search(rf"(^|[>\"'(.;:])\s*{re.escape(name)}:", html, re.MULTILINE) for name in names)


def refused(response, prefix: str, *names: str) -> tuple:
    """A form the page refused (400) and showed again: ``(html, field, ...)`` for ``prefix + name``."""
    assert response.status_code == 400, response.status_code
    html = response.content.decode()
    return (html, *(rendered_field(html, f"{prefix}{name}") for name in names))
