"""A JSON parser that enforces the body size limit on read and refuses values the database cannot store.

The size check in ``RequestSizeLimitMiddleware`` trusts Content-Length; this one counts the bytes
actually read, so a body without an honest length is caught too. After decoding, one iterative
pass rejects what PostgreSQL's jsonb and text columns refuse (NUL characters, lone surrogates,
Infinity/NaN) and absurd nesting, so such input is a 400 instead of a database error.
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

from .errors import RequestTooLarge, too_large_message

MAX_DEPTH = 64
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not allowed in JSON")


def check_json_value(data: Any, *, max_depth: int = MAX_DEPTH) -> None:
    """Raise ParseError if ``data`` holds something that cannot be stored or is nested too deep."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if _UNSTORABLE.search(value):
                raise ParseError("Text in the request contains a NUL character or an invalid Unicode character.")
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise ParseError("A number in the request is too large.")
        elif isinstance(value, dict | list):
            if depth > max_depth:
                raise ParseError(f"The JSON is nested too deeply (more than {max_depth} levels).")
            if isinstance(value, dict):
                for key, item in value.items():
                    if _UNSTORABLE.search(key):
                        raise ParseError(
                            "A key in the request contains a NUL character or an invalid Unicode character."
                        )
                    stack.append((item, depth + 1))
            else:
                stack.extend((item, depth + 1) for item in value)


class LimitedJSONParser(BaseParser):
    media_type = "application/json"
    renderer_class = JSONRenderer

    def parse(self, stream, media_type=None, parser_context=None):
        if stream is None:
            return {}
        limit = settings.API_MAX_JSON_BYTES
        raw = stream.read(limit + 1)
        if len(raw) > limit:
            raise RequestTooLarge(too_large_message(limit, upload=False))
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.decode(raw, encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError(f"The request body is not valid {encoding} text.") from exc
        try:
            data = json.loads(text, parse_constant=_reject_constant)
        except RecursionError as exc:
            raise ParseError(f"The JSON is nested too deeply (more than {MAX_DEPTH} levels).") from exc
        except ValueError as exc:
            detail = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
            raise ParseError(f"The request body is not valid JSON: {detail}.") from exc
        check_json_value(data)
        return data
