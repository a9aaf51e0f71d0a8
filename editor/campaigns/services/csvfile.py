"""Uploaded CSV files: kept in the database in chunks between the request and the worker that reads
them, read back as a stream (one chunk in memory at a time), and parsed row by row with the
spreadsheet line of each row.

The database holds the file (rather than a disk folder) so the web processes and the workers need
nothing shared but PostgreSQL (SQLite for ``make run``). A row the ``csv`` module cannot read (a value
over ``FIELD_LIMIT`` characters) becomes a ``Row`` with a ``problem`` in plain words: the import
reports it with its line and goes on with the next row.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from editor.accounts.models import Team
from editor.campaigns.models import CsvUpload, CsvUploadChunk
from editor.campaigns.services.numbers import looks_like_number
from editor.common.errors import InvalidFields, ServiceError

CHUNK_BYTES = 1024 * 1024
FIELD_LIMIT = 1024 * 1024  # characters in one value; the csv module refuses a longer one
SNIFF_BYTES = 64 * 1024

csv.field_size_limit(FIELD_LIMIT)


class BadFile(ServiceError):
    code = "bad_csv"


class HeaderUnclear(InvalidFields):
    """The first line looks like data: the person says whether it holds the column names."""

    code = "header_unclear"


# --- the stored file ----------------------------------------------------------------------------------


def binary(upload: Any) -> IO[bytes]:
    raw = getattr(upload, "file", upload)  # Django's UploadedFile wraps a BytesIO or a temporary file
    raw.seek(0)
    return raw


def store_upload(*, team: Team, upload: Any, filename: str = "") -> CsvUpload:
    """Copy the uploaded file into the database, CHUNK_BYTES at a time (call inside a transaction)."""
    raw = binary(upload)
    item = CsvUpload.objects.create(team=team, filename=filename[:255])
    index = size = 0
    while True:
        data = raw.read(CHUNK_BYTES)
        while data and len(data) < CHUNK_BYTES:  # every chunk but the last is full: ChunkStream.seek counts on it
            more = raw.read(CHUNK_BYTES - len(data))
            if not more:
                break
            data += more
        if not data:
            break
        CsvUploadChunk.objects.create(upload=item, index=index, data=data)
        index, size = index + 1, size + len(data)
    item.size, item.chunks = size, index
    item.save(update_fields=["size", "chunks"])
    return item


class ChunkStream(io.RawIOBase):
    """A stored upload as a seekable binary stream that holds one chunk in memory."""

    def __init__(self, upload: CsvUpload) -> None:
        super().__init__()
        self.upload_id, self.count, self.size = upload.pk, upload.chunks, upload.size
        self._index = -1
        self._data = b""
        self._pos = 0  # position in the file

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.size}[whence]
        self._pos = max(0, min(self.size, base + offset))
        return self._pos

    def readinto(self, buffer: Any) -> int:
        if self._pos >= self.size:
            return 0
        index, start = divmod(self._pos, CHUNK_BYTES)
        if index != self._index:
            stored = CsvUploadChunk.objects.values_list("data", flat=True).get(upload_id=self.upload_id, index=index)
            self._data, self._index = bytes(stored), index
        count = min(len(buffer), len(self._data) - start)
        buffer[:count] = self._data[start:start + count]
        self._pos += count
        return count


def stored_file(upload: CsvUpload) -> IO[bytes]:
    return io.BufferedReader(ChunkStream(upload), buffer_size=64 * 1024)


# --- reading ---------------------------------------------------------------------------------------------


def _encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1252"  # what Excel writes as "CSV" on Windows


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


@dataclass
class Row:
    line: int  # the spreadsheet's line: 1 is the file's first line
    cells: list[str]
    problem: str = ""  # why the csv module could not read it, in plain words (then cells is empty)


@dataclass
class CsvText:
    delimiter: str
    first: list[str]  # the cells of the first line (column names, or data: see ``header_looks_like_data``)
    rest: Iterator[Row]  # the rows after it, from line 2


def read_csv(raw: IO[bytes]) -> CsvText:
    """Open a binary CSV stream (encoding and delimiter from its first 64 KiB) and read its first line."""
    head = raw.read(SNIFF_BYTES)
    raw.seek(0)
    encoding = _encoding(head)
    delimiter = _delimiter(head.decode(encoding, errors="replace").lstrip("\ufeff").split("\n", 1)[0])
    reader = csv.reader(io.TextIOWrapper(raw, encoding=encoding, newline=""), delimiter=delimiter)
    try:
        first = next(reader)
    except StopIteration:
        raise BadFile("The file is empty.") from None
    except UnicodeDecodeError:
        raise BadFile("The file is not text. Save it from your spreadsheet as CSV (UTF-8).") from None
    except csv.Error as exc:
        raise BadFile(f"The first line cannot be read: {_csv_problem(exc)}") from None
    return CsvText(delimiter, first, _rows(reader))


def _csv_problem(exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        return f"a value in it is longer than {FIELD_LIMIT:,} characters, the most one cell may hold."
    return f"it is not valid CSV ({exc})."


def _rows(reader: Any) -> Iterator[Row]:
    line = 1
    while True:
        line += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            raise BadFile(f"Line {line} is not valid text in the file's encoding. Save the file as CSV (UTF-8)."
                          ) from None
        except csv.Error as exc:
            # The reader starts afresh on the next line: report this row and go on.
            yield Row(line, [], f"This row was left out: {_csv_problem(exc)}")
            continue
        yield Row(line, cells)


def header_looks_like_data(cells: list[str]) -> str:
    """The first cell of a first line that looks like data (a phone number), or ""."""
    return next((cell.strip() for cell in cells if looks_like_number(cell)), "")


def data_rows(text: CsvText, *, has_header: bool | None) -> tuple[list[str] | None, Iterator[Row]]:
    """(the column names or None, the data rows). ``has_header`` None: the first line holds the
    column names unless it looks like data, which raises HeaderUnclear (the person is asked)."""
    if has_header is None:
        example = header_looks_like_data(text.first)
        if example:
            raise HeaderUnclear({"has_header": [
                f"The first line looks like data (“{example[:40]}”), not column names. "
                "Does the file have a header line?"]})
        has_header = True
    if has_header:
        return text.first, text.rest
    return None, _without_header(text)


def _without_header(text: CsvText) -> Iterator[Row]:
    yield Row(1, text.first)
    yield from text.rest  # lines keep their numbers: line 1 is data now


__all__ = ["BadFile", "CsvText", "HeaderUnclear", "Row", "data_rows", "read_csv", "store_upload", "stored_file"]
