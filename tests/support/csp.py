"""Read a Content-Security-Policy header as directives. django-csp does not promise an order (the
same settings have given `script-src` first in one run and last in another), so tests compare
directive by directive, never the header's text."""

from __future__ import annotations


def directives(header: str) -> dict[str, str]:
    """`"default-src 'self'; script-src 'self' 'nonce-x'"` ->
    {"default-src": "'self'", "script-src": "'self' 'nonce-x'"}."""
    parsed: dict[str, str] = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        if name:
            parsed[name] = value.strip()
    return parsed
