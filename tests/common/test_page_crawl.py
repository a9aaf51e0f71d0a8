"""A crawl of every page of the site with bad query strings: each route of the URL map (its ids filled
with real objects of the user's team), every admin list and change page, and the API's documentation,
each asked with the query parameters any page reads set to NUL characters, digits that are not ASCII,
far-future dates, huge numbers and noise. The answer is never a 500 (PostgreSQL: a NUL in a query is a
DataError that SQLite never shows). tests/common/test_query_fuzz.py explores the values of the lists'
own parameters further; this one makes sure no page is left out."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

BAD = ["²", "٣", "\x00", "1\x00", "9999-12-31", "9" * 40, "\r\nX-Injected: 1", "a" * 3000]
# Every query parameter a page, a list or the admin reads (and a few a page might read one day).
NAMES = ["flow", "team", "limit", "page", "page_size", "q", "search", "number", "status", "date", "version",
         "compare", "credential", "campaign", "ids", "since", "until", "created_after", "created_before",
         "answered", "reached", "pressed", "o", "p", "e", "all", "next", "lang", "id__exact",
         "idempotency_key", "archived", "step", "entry", "action", "_changelist_filters"]
SKIPPED = ("api/", "hooks/", "accounts/logout/", "accounts/password/reset/<uidb64>")  # not pages / need a token
PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def routes(resolver=None, prefix: str = "") -> list[str]:
    """Every page route of the URL map (admin aside), as a pattern with <converter:name> parts."""
    found: list[str] = []
    for entry in (resolver or get_resolver()).url_patterns:
        pattern = prefix + str(entry.pattern)
        if pattern.startswith(("admin/", "^admin/")) or pattern.startswith(SKIPPED):
            continue
        if isinstance(entry, URLResolver):
            found += routes(entry, pattern)
        elif isinstance(entry, URLPattern) and not pattern.startswith("^"):
            found.append(pattern)
    return found


def page_paths(site: dict) -> list[str]:
    paths = []
    for pattern in routes():
        names = [name for _, name in PARAM.findall(pattern)]
        if all(name in site for name in names):
            paths.append("/" + PARAM.sub(lambda m: str(site[m.group(2)]), pattern))
    for model, _ in admin.site._registry.items():
        meta = model._meta
        paths.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            paths.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk]))
    return paths + ["/admin/", "/api/docs/", "/api/schema/"]


def test_no_bad_query_string_makes_any_page_answer_500(owner_client, site):
    paths = page_paths(site)
    assert {"/flows/", "/calls/", f"/campaigns/{site['campaign_id']}/", "/do-not-call/", "/calls/export.csv",
            f"/flows/{site['flow_id']}/edit", "/sandbox/requests/", "/admin/calls/call/"} <= set(paths)
    failures, shown = [], 0
    for value in BAD:
        query = "&".join(f"{name}={quote(value)}" for name in NAMES)
        for path in paths:
            with transaction.atomic():  # a database error must not poison the rest of the crawl
                status = owner_client.get(f"{path}?{query}").status_code
            shown += status == 200
            if status >= 500:
                failures.append(f"GET {path} with every parameter {value[:20]!r} -> {status}")
    assert not failures, "\n".join(failures)
    # The crawl reached the pages themselves (their forms showing the problems), not only redirects
    # and refusals: POST-only routes answer 405, the rest mostly 200.
    assert shown >= len(BAD) * len(paths) * 2 // 3, (shown, len(paths))


class Forms(HTMLParser):
    """The POST forms of a page: their action and the names of their fields (with a value to keep for
    hidden fields, radio buttons and select options, so the form's own switches such as ``action`` stay)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.inside = False

    def handle_endtag(self, tag: str) -> None:
        self.inside = self.inside and tag != "form"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.inside = (a.get("method") or "").lower() == "post"
            if self.inside:
                self.forms.append({"action": a.get("action") or "", "fields": {}})
        elif self.inside and tag in ("input", "select", "textarea") and a.get("name"):
            kind = (a.get("type") or "").lower()
            if kind not in ("submit", "button", "file") and a["name"] != "csrfmiddlewaretoken":
                keep = a.get("value") if kind == "hidden" and a["name"] in ("action", "verb") else None
                self.forms[-1]["fields"].setdefault(a["name"], keep)


def test_no_bad_form_value_makes_any_page_answer_500(owner_client, site):
    """Every POST form found on the site's pages, sent with each bad value in every field (the form's own
    ``action`` kept), never answers 500: one typed layer (Django forms) refuses what does not fit."""
    forms: dict[tuple[str, str], dict] = {}
    for path in page_paths(site):
        if path.startswith(("/admin/", "/api/")):
            continue
        response = owner_client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = Forms()
        parser.feed(response.content.decode())
        for form in parser.forms:
            action = form["action"] or path
            if any(word in action for word in ("delete", "logout", "remove", "cancel")):
                continue  # would take away what the rest of the crawl needs
            forms.setdefault((action, ",".join(sorted(form["fields"]))), form)
    assert len(forms) >= 10, sorted(forms)
    failures = []
    for value in BAD + ["-1", "0", "2999-12-31T25:61", "{{contact.x}}"]:
        for (action, _), form in forms.items():
            data = {name: keep if keep is not None else value for name, keep in form["fields"].items()}
            with transaction.atomic():
                status = owner_client.post(action, data).status_code
            if status >= 500:
                failures.append(f"POST {action} {sorted(data)} = {value[:20]!r} -> {status}")
    assert not failures, "\n".join(failures)
