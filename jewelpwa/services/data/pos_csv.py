"""Reading the CSV files real point-of-sale systems export: encodings, separators, rows, formula-safe cells.

Pure functions (no Flask, no database) shared by the importer, the upload page and the bench. The cells' dates
and prices are read by domain.yearly_date and domain.money.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

# Excel opens a cell starting with one of these as a formula. Exports put an apostrophe in front (the way
# spreadsheets themselves escape it); the importer takes that apostrophe off again so a round trip is exact.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# --------------------------------------------------------------------------------------------- text

def decode(data: bytes) -> tuple[str, str]:
    """The file's text and the encoding it was read with: UTF-8 (BOM or not), else Windows-1252.

    A file that is not valid UTF-8 is almost always from Excel or an older point of sale on Windows,
    which write Windows-1252 ("Renée" as 52 65 6E E9 65). Latin-1 is the last resort because it decodes
    any byte; 1252 leaves five bytes undefined.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"

def sniff_delimiter(text: str) -> str:
    """Comma, semicolon (European Excel) or tab: whichever splits the header line into the most cells."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    best, cells = ",", 1
    for delimiter in (",", ";", "\t"):
        try:
            found = len(next(csv.reader([first], delimiter=delimiter)))
        except (csv.Error, StopIteration):
            continue
        if found > cells:
            best, cells = delimiter, found
    return best

@dataclass
class Table:
    header: list[str]
    delimiter: str
    rows: Iterator[tuple[int, list[str]]]  # (line number as a spreadsheet shows it, cells)

def read_table(text: str, delimiter: str | None = None) -> Table:
    """Header and rows; blank lines skipped; a quoted cell may hold separators and line breaks."""
    delimiter = delimiter or sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        return Table([], delimiter, iter(()))

    def rows() -> Iterator[tuple[int, list[str]]]:
        start = reader.line_num + 1
        for cells in reader:
            line, start = start, reader.line_num + 1
            if any(c.strip() for c in cells):
                yield line, cells

    return Table(header, delimiter, rows())

def unescape_formula(value: str) -> str:
    """Undo an export's neutralisation: "'=SUM(A1)" is read back as "=SUM(A1)"."""
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value

def neutralise(value: object) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text

