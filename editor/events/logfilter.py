"""A logging filter that hides the token of events addresses (/hooks/samespace/<token>/) in any log
line, such as the development server's request log. Installed on the console handler in
flowstudio/settings.py."""

from __future__ import annotations

import logging
import re

HOOK_PATH = re.compile(r"/hooks/samespace/[^/\s\"']+")


class RedactHookTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is left to the handler
            return True
        if "/hooks/samespace/" in message:
            record.msg, record.args = HOOK_PATH.sub("/hooks/samespace/REDACTED", message), ()
        return True
