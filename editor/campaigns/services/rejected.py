"""The rejected rows of an import (of contacts or of do-not-call numbers) as a CSV download: every one
of them, streamed, whatever the report kept (services/imports.py and services/dnc_imports.py store
them in RejectedRow as they read the file)."""

from __future__ import annotations

from collections.abc import Iterator

from editor.campaigns.models import ContactImport, DncImport
from editor.common.csvsafe import SafeCsvWriter

CHUNK = 2000


def rejected_rows_csv(item: ContactImport | DncImport) -> Iterator[str]:
    """Every rejected row of an import as CSV text, streamed (line, value, reason), through
    editor/common/csvsafe.py like every CSV the site writes."""
    writer = SafeCsvWriter(["line", "value", "reason"])
    yield writer.header_row()
    for line, value, reason in item.rejections.order_by("line").values_list("line", "value", "reason").iterator(
            chunk_size=CHUNK):
        yield writer.row([line, value, reason])
