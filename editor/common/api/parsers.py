"""A JSON parser that enforces the body size limit on read and refuses values the database cannot store.

The size check in ``RequestSizeLimitMiddleware`` trusts Content-Length; this one counts the bytes
actually read, so a body without an honest length is caught too. Decoding also refuses what
PostgreSQL's jsonb and text columns cannot hold (NUL characters, lone surrogates, NaN/Infinity and
numbers too large for a float) and absurd nesting, so such input is a 400, not a database error.
The checks stay cheap for big flows: a pass per nesting level over objects and arrays only, and a
walk over every string only when the raw text has an escape that could hide a NUL or a surrogate.
"""

from __future__ import annotations

import codecs
import json
import math
import re
from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser
from rest_framework.renderers import JSONRenderer

from editor.common.api.errors import RequestTooLarge, too_large_message
from editor.common.api.middleware import body_limit

MAX_DEPTH = 64
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# In decoded JSON text a NUL or a lone surrogate can only come from a backslash-u escape (raw
# control characters are a parse error, and strict decoding refuses encoded surrogates).
_SUSPICIOUS_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not allowed in JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:40]} is too large")
    return value


def check_unstorable_text(data: Any) -> None:
    """Raise ParseError if any string or key in ``data`` holds a NUL or a lone surrogate."""
    stack: list[Any] = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if _UNSTORABLE.search(value):
                raise ParseError("Text in the request contains a NUL character or an invalid Unicode character.")
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


def check_depth(data: Any, *, max_depth: int = MAX_DEPTH) -> None:
    """Raise ParseError if objects and arrays nest deeper than ``max_depth`` (one pass per level)."""
    level = [data] if type(data) in (dict, list) else []
    depth = 0
    while level:
        depth += 1
        if depth > max_depth:
            raise ParseError(f"The JSON is nested too deeply (more than {max_depth} levels).")
        below: list[Any] = []
        for container in level:
            items = container.values() if type(container) is dict else container
            below.extend([item for item in items if type(item) is dict or type(item) is list])
        level = below


class LimitedJSONParser(BaseParser):
    media_type = "application/json"
    renderer_class = JSONRenderer

    def parse(self, stream, media_type=None, parser_context=None):
        if stream is None:
            return {}
        request = (parser_context or {}).get("request")
        limit = body_limit(request)[0] if request is not None else settings.API_MAX_JSON_BYTES
        raw = stream.read(limit + 1)
        if len(raw) > limit:
            raise RequestTooLarge(too_large_message(limit, upload=False))
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.decode(raw, encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError(f"The request body is not valid {encoding} text.") from exc
        try:
            data = json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)
        except RecursionError as exc:
            raise ParseError(f"The JSON is nested too deeply (more than {MAX_DEPTH} levels).") from exc
        except ValueError as exc:
            detail = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
            raise ParseError(f"The request body is not valid JSON: {detail}.") from exc
        # Cheap checks first: the costly walk over every string runs only when the text has an
        # escape that could have produced a NUL or a lone surrogate.
        check_depth(data)
        if _SUSPICIOUS_ESCAPE.search(text):
            check_unstorable_text(data)
        return data
