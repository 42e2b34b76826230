"""A CSV file read as a stream of records, its cells looked up by column name.

The header may repeat a name (Strava's export does); `cell` picks among the
occurrences. Rows are never held all at once: `rows()` reads the file again on
each call, so a file of a million lines costs the memory of one.
"""

from __future__ import annotations

import csv
import io
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import BinaryIO, Callable, Iterator, Sequence

from loadguard.errors import LoadguardError

# How a CSV file that turns out to be binary is described.
NOT_TEXT = "not a CSV file (it holds binary data)"
NOT_UTF8 = "not a CSV file (not UTF-8 text)"


@dataclass
class CsvFile:
    """A CSV file somewhere (a folder, a zip): how errors name it, and how to open it."""

    label: str
    # A context manager giving the file's bytes; each call reads it from the start.
    open: Callable[[], AbstractContextManager[BinaryIO]]


class Table:
    """A CSV whose header may repeat names; cells are looked up by name."""

    def __init__(self, source: CsvFile):
        self.source = source
        self.label = source.label
        header = next(self._records(), None)
        if header is None:
            raise LoadguardError(f"{self.label}: the file is empty")
        self.columns: dict[str, list[int]] = {}
        for index, name in enumerate(header[1]):
            self.columns.setdefault(name.strip(), []).append(index)
        self.width = len(header[1])
        # (occurrence, position) in the order `cell` tries them: looked up per cell, so built once.
        self._order = {(name, last): (list(enumerate(positions))[::-1] if last else list(enumerate(positions)))
                       for name, positions in self.columns.items() for last in (True, False)}

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line where the record starts, fields) of every record after the header."""
        records = self._records()
        next(records, None)
        yield from records

    def require(self, names: Sequence[str], what: str) -> None:
        missing = [n for n in names if n not in self.columns]
        if missing:
            raise LoadguardError(
                f"{self.label}: missing column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(repr(m) for m in missing)}; is this a Strava export's {what}?"
            )

    def cell(self, row: list[str], name: str, *, prefer_last: bool = True) -> tuple[str, int]:
        """(value, occurrence) of the first non-empty occurrence, the later block first."""
        return self.getter(name, prefer_last=prefer_last)(row)

    def getter(self, name: str, *, prefer_last: bool = True, occurrence: bool = True) -> Callable[[list[str]], object]:
        """`cell` for one column as a function of the row, its positions looked up once
        (for readers of many records); with occurrence=False it gives the value alone."""
        order = self._order.get((name, prefer_last), ())
        if len(order) == 1:  # most columns: one position to look at
            ((which, pos),) = order
            if not occurrence:
                return lambda row: row[pos].strip() if pos < len(row) else ""

            def one(row: list[str]) -> tuple[str, int]:
                value = row[pos].strip() if pos < len(row) else ""
                return (value, which) if value else ("", -1)
            return one

        def first(row: list[str]) -> tuple[str, int]:
            for which, pos in order:
                value = row[pos].strip() if pos < len(row) else ""
                if value:
                    return value, which
            return "", -1
        return first if occurrence else lambda row: first(row)[0]

    def _records(self) -> Iterator[tuple[int, list[str]]]:
        """(line where the record starts, fields), skipping blank lines."""
        with self.source.open() as raw:
            # utf-8-sig drops the byte-order mark Strava's file may start with.
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            reader = csv.reader(text)
            next_line = 1
            try:
                for fields in reader:
                    start, next_line = next_line, reader.line_num + 1
                    if fields and "".join(fields).strip():  # not a blank line
                        yield start, fields
            except csv.Error as exc:
                raise LoadguardError(f"{self.label}: not a readable CSV file: {exc}") from None
            except UnicodeDecodeError:
                raise LoadguardError(f"{self.label}: {NOT_UTF8}") from None
            finally:
                text.detach()
