"""Reading the CSV files real point-of-sale systems export: encodings, separators, rows, formula-safe cells.

Pure functions (no Flask, no database) shared by the importer, the upload page and the bench. The cells' dates
and prices are read by domain.yearly_date and domain.money.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

# Excel opens a cell starting with one of these as a formula. Exports put an apostrophe in front (the way
# spreadsheets themselves escape it); the importer takes that apostrophe off again so a round trip is exact.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# A number a spreadsheet would mangle (leading zeros, 13-digit ids, phone numbers): its guard apostrophe goes.
_GUARDED_NUMBER = re.compile(r"[0-9][0-9 ()+\-./]*")

# --------------------------------------------------------------------------------------------- text

class NotText(ValueError):
    """The bytes are not a text file (a spreadsheet saved as .xlsx, a picture, a zip): the message says what to do."""


# Control characters other than tab, line breaks and form feed: text files have none; binary files are full of them.
_CONTROL = bytes(range(32)).translate(None, b"\t\n\r\x0c")
_NOT_TEXT = ("this is not a text file: save it from the spreadsheet or the point of sale as CSV "
             "(comma separated) or Unicode text, and upload that")


def _utf16_without_bom(data: bytes) -> str | None:
    """Excel's "Unicode text" always has a BOM, but some exports write UTF-16 without one: ASCII text in UTF-16
    has a NUL in every other byte, at odd offsets (little-endian) or even ones (big-endian)."""
    sample = data[:4000]
    if len(sample) < 4 or len(data) % 2:
        return None
    odd, even = sample[1::2].count(0), sample[0::2].count(0)
    half = len(sample) // 2
    if odd > 0.7 * half and even < 0.1 * half:
        return "utf-16-le"
    if even > 0.7 * half and odd < 0.1 * half:
        return "utf-16-be"
    return None


def decode(data: bytes) -> tuple[str, str]:
    """The file's text and the encoding it was read with: UTF-16 (BOM, or the NUL pattern of ASCII text),
    UTF-8 (BOM or not), else Windows-1252. Raises NotText for a binary file.

    Excel's "Unicode text" (the .txt the upload accepts) is UTF-16 LE with a BOM, tab separated. A file that is
    not valid UTF-8 is almost always from Excel or an older point of sale on Windows, which write Windows-1252
    ("Renée" as 52 65 6E E9 65). Latin-1 is the last resort because it decodes any byte; 1252 leaves five bytes
    undefined. Any byte decodes as one of those, so a binary file is told by its NULs and control characters.
    """
    for bom, encoding in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return _checked(data[2:], encoding), "utf-16"
    if encoding_ := _utf16_without_bom(data):
        return _checked(data, encoding_), "utf-16"
    _refuse_binary(data)
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


def _checked(data: bytes, encoding: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise NotText(f"the file starts like Unicode text but cannot be read as it: {_NOT_TEXT}") from None
    _refuse_binary(text.encode("utf-8", errors="replace"))
    return text


def _refuse_binary(data: bytes) -> None:
    """More than one control character (NUL included) in a hundred bytes of the first 64 KB: not a CSV file.
    A stray NUL in a cell of a real export is left to the cell checks, which name its row."""
    sample = data[:65536]
    if sample and sum(sample.count(c) for c in _CONTROL) * 100 > len(sample):
        raise NotText(_NOT_TEXT)

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
    """Undo a spreadsheet guard: an export's neutralisation ("'=SUM(A1)" is read back as "=SUM(A1)"), the
    apostrophe Shopify and Excel put before a long number or a postal code so it stays text ("'7012345678901",
    "'02134", "'+1 555…"), and Excel's `="00123"` text formula."""
    if len(value) > 1 and value[0] == "'" and (value[1] in "=+-@\t\r" or _GUARDED_NUMBER.fullmatch(value[1:])):
        return value[1:]
    if len(value) > 3 and value.startswith('="') and value.endswith('"') and '"' not in value[2:-1]:
        return value[2:-1]
    return value

def neutralise(value: object) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text

