"""Reading the text files staff save from Excel, and writing CSV that Excel reads back.

Excel on a Chinese system saves CSV as GBK/GB18030; "CSV UTF-8" adds a byte-order mark;
other tools write plain UTF-8. All three are read. Quoted fields may hold commas, quotes
and line breaks, so rows are tracked by the physical line they start on.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from planner.errors import Problem

# Excel and WPS run a cell as a formula when it starts with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Non-ASCII characters read as UTF-8 before a bad byte that show a file was meant to be UTF-8:
# GBK text passes for UTF-8 about one character in ten, so eight in a row is not chance (none of
# 50,000 random GBK names of twelve characters did; four gave 12 false alarms).
UTF8_EVIDENCE = 8


@dataclass(frozen=True)
class RawTable:
    """A table as text (a CSV file or a workbook sheet): header, rows and the line each row starts on.

    Cells are trimmed of surrounding spaces; ``header_line`` is the line of the header row.
    ``left_out`` holds the cells of rows left out because their count is wrong (each one
    reported): which cell is which is unknown, but another table may still refer to an id
    among them.
    """

    file: str
    header: list[str]
    rows: list[list[str]]
    lines: list[int]
    header_line: int = 1
    left_out: tuple[tuple[str, ...], ...] = ()


def decode(data: bytes, file: str) -> tuple[str | None, Problem | None]:
    """Decode the bytes of a text file as UTF-8 (with or without BOM) or GB18030."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        return None, Problem(
            file, None, None,
            "is UTF-16 or binary, not text the planner reads; "
            "in Excel choose Save As > 'CSV UTF-8 (Comma delimited)'",
        )
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        utf8_stop = exc.start
    # GB18030 reads almost any bytes, so a UTF-8 file with one stray byte would be read as
    # nonsense. Chinese text written in GBK is almost never valid UTF-8 for long: a file with a
    # BOM, or whose first UTF8_EVIDENCE non-ASCII characters are valid UTF-8, was meant to be UTF-8.
    read_as_utf8 = data[:utf8_stop].decode("utf-8-sig")
    if data.startswith(b"\xef\xbb\xbf") or sum(not ch.isascii() for ch in read_as_utf8) >= UTF8_EVIDENCE:
        return None, Problem(
            file, data[:utf8_stop].count(b"\n") + 1, None,
            "holds bytes that are not UTF-8 text, though the file before them is; "
            "retype what is on this line, or save the file again as 'CSV UTF-8'",
        )
    try:
        return data.decode("gb18030"), None
    except UnicodeDecodeError as exc:
        gb_stop = exc.start
    return None, Problem(
        file, data[: max(utf8_stop, gb_stop)].count(b"\n") + 1, None,
        "holds bytes that are neither UTF-8 nor GBK/GB18030 text; "
        "save the file as 'CSV UTF-8'",
    )


def unescape_cell(text: str) -> str:
    """Undo :func:`escape_cell`: drop the one quote put before a formula-like cell."""
    if len(text) >= 2 and text[0] == "'" and (text[1:].startswith(FORMULA_STARTS) or text[1] == "'"):
        return text[1:]
    return text


def escape_cell(text: str) -> str:
    """Make text safe to open in Excel/WPS without changing what :func:`unescape_cell` reads.

    A cell starting with ``=``, ``+``, ``-`` or ``@`` would run as a formula, so it gets a
    leading apostrophe, as Excel itself does; a text that already starts with an apostrophe
    before such a character gets one more, so reading it back is exact.
    """
    if text.startswith(FORMULA_STARTS) or (
        text.startswith("'") and (text[1:].startswith(FORMULA_STARTS) or text[1:2] == "'")
    ):
        return "'" + text
    return text


def read_csv_text(path: Path, file: str) -> tuple[RawTable | None, list[Problem]]:
    """Read a CSV file into text rows, reporting undecodable, empty or ragged input."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(file, None, None, f"cannot be read ({exc.strerror})")]
    text, problem = decode(data, file)
    if problem is not None:
        return None, [problem]
    assert text is not None
    return parse_csv(text, file)


def parse_csv(text: str, file: str) -> tuple[RawTable | None, list[Problem]]:
    """Parse CSV text; every record keeps the physical line it starts on."""
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    previous_end = 0
    try:
        for record in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if not record or all(cell.strip() == "" for cell in record):
                continue
            records.append((start, record))
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            # A quote opened and never closed swallows the rest of the file: name where it opened.
            return None, [Problem(file, previous_end + 1, None,
                                  'is not valid CSV: a quote (") opens a cell on this line and is never closed')]
        return None, [Problem(file, reader.line_num, None, f"is not valid CSV ({exc})")]
    if not records:
        return None, [Problem(file, None, None, "is empty; expected a header row and data rows")]
    header_line, header = records[0]
    header = [name.strip() for name in header]
    # Trailing empty header cells are what Excel writes after a deleted column: harmless.
    while len(header) > 1 and header[-1] == "":
        header.pop()
    problems.extend(check_header(file, header_line, header))
    rows: list[list[str]] = []
    lines: list[int] = []
    left_out: list[tuple[str, ...]] = []
    for line, record in records[1:]:
        if len(record) != len(header):
            # Trailing empty cells are what Excel writes after a deleted column: harmless.
            trimmed = record
            while len(trimmed) > len(header) and trimmed[-1].strip() == "":
                trimmed = trimmed[:-1]
            if len(trimmed) != len(header):
                problems.append(Problem(
                    file, line, None,
                    f"has {len(record)} values but the header has {len(header)} columns",
                ))
                left_out.append(tuple(unescape_cell(cell.strip()) for cell in record))
                continue
            record = trimmed
        rows.append([unescape_cell(cell.strip()) for cell in record])
        lines.append(line)
    return RawTable(file, header, rows, lines, header_line, tuple(left_out)), problems


def check_header(file: str, line: int, header: list[str]) -> list[Problem]:
    """Problems of a header row: empty or repeated column names, or the wrong separator."""
    problems = []
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        separator = "semicolons" if ";" in header[0] else "tabs"
        problems.append(Problem(file, line, None, f"the columns are separated by {separator}, expected commas; "
                                                  "in Excel choose Save As > 'CSV UTF-8 (Comma delimited)'"))
    seen: set[str] = set()
    for name in header:
        if name == "":
            problems.append(Problem(file, line, None, "the header has an empty column name"))
        elif name in seen:
            problems.append(Problem(file, line, name, "the column appears twice in the header"))
        seen.add(name)
    return problems


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]], *,
              verbatim: Collection[int] = ()) -> None:
    """Write UTF-8 CSV (no BOM, ``\\n`` line ends) with formula-like text escaped.

    Columns whose positions are in ``verbatim`` hold numbers written as text (``-3.5``) and
    are not escaped, like numbers given as numbers.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([escape_cell(v) if isinstance(v, str) and i not in verbatim else v for i, v in enumerate(row)])
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")


def write_folder_atomically(folder: str | Path, write: Callable[[Path], None], *, overwrite: bool) -> Path:
    """Run ``write`` into a temporary folder, then move it to ``folder`` in one step.

    Raises
    ------
    FileExistsError
        ``folder`` holds files and ``overwrite`` is false, or it is a file, or it is (or
        holds) the working folder.
    """
    given = folder
    folder = Path(os.path.abspath(folder))  # "." and ".." have no name and no parent of their own
    if folder.exists() and not folder.is_dir():
        raise FileExistsError(f"{given} is a file, not a folder")
    if folder.exists() and holds_working_folder(folder):
        raise FileExistsError(f"{given} is the folder you are working in (or holds it); choose another folder")
    if folder.is_dir() and any(folder.iterdir()) and not overwrite:
        raise FileExistsError(f"{given} already holds files; choose a new folder or allow replacing it (--force)")
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.partial-", dir=folder.parent))
    try:
        write(tmp)
        tmp.chmod(0o755)
        if folder.is_dir() and any(folder.iterdir()):
            _replace_folder(folder, tmp)
        else:
            os.replace(tmp, folder)  # replaces an empty folder, or creates it
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Path(given)


def _replace_folder(folder: Path, new: Path) -> None:
    """Move ``folder`` aside, ``new`` into its place, then delete the old one; on failure as it was."""
    old = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old-", dir=folder.parent))
    try:
        os.replace(folder, old / folder.name)
    except BaseException:
        old.rmdir()
        raise
    try:
        os.replace(new, folder)
    except BaseException:
        os.replace(old / folder.name, folder)
        old.rmdir()
        raise
    shutil.rmtree(old, ignore_errors=True)


def lies_within(path: Path, folder: Path, *, unknown: bool) -> bool:
    """True when ``path`` is ``folder`` or lies inside it, links followed; ``unknown`` when the
    links cannot be followed (a loop, a missing folder): each caller answers what is safe."""
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # RuntimeError: a loop of links
        return unknown


def holds_working_folder(folder: Path) -> bool:
    """True when ``folder`` is the working folder or holds it: replacing it would leave the
    shell in a deleted folder, where the new files cannot be seen."""
    try:
        working = Path.cwd()
    except OSError:  # the working folder was deleted: nothing to protect
        return False
    return lies_within(working, folder, unknown=False)


def write_file_atomically(path: str | Path, write: Callable[[Path], None], *, overwrite: bool) -> Path:
    """Run ``write`` into a temporary file beside ``path``, then move it into place in one step.

    Raises
    ------
    FileExistsError
        ``path`` exists and ``overwrite`` is false, or it is a folder.
    """
    given = Path(path)
    path = Path(os.path.abspath(path))
    if path.is_dir():
        raise FileExistsError(f"{path} is a folder, not a file")
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} already exists; choose a new name or allow replacing it (--force)")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.partial-", dir=path.parent)
    os.close(handle)
    tmp = Path(name)
    try:
        write(tmp)
        tmp.chmod(0o644)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return given


# Characters no file name may hold on Linux, Windows or macOS, and Windows' reserved names.
_NOT_IN_FILE_NAMES = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
_RESERVED_NAMES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def file_names(ids: Iterable[str], suffix: str) -> dict[str, str]:
    """A file name for each id (``<id><suffix>``) that stays in its folder on every system.

    An id is free text: ``../x``, ``a/b`` or ``CON`` would write elsewhere, fail, or clash.
    Such an id gets a cleaned name with a short hash of the id, as do ids whose names would
    differ only in case (one file on Windows and macOS), so distinct ids get distinct files.
    """
    ids = list(dict.fromkeys(ids))
    clean = {i: _NOT_IN_FILE_NAMES.sub("_", i).strip(" .") for i in ids}
    folded: dict[str, int] = {}
    for name in clean.values():
        folded[name.casefold()] = folded.get(name.casefold(), 0) + 1
    names = {}
    for i in ids:
        name = clean[i]
        if (name != i or not name or len(name) > 100 or name.split(".")[0].upper() in _RESERVED_NAMES
                or folded[name.casefold()] > 1):
            name = f"{name[:80] or 'id'}-{hashlib.sha256(i.encode()).hexdigest()[:8]}"
        names[i] = name + suffix
    return names
