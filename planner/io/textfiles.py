"""Reading the text files staff save from Excel, and writing CSV that Excel reads back.

Excel on a Chinese system saves CSV as GBK/GB18030; "CSV UTF-8" adds a byte-order mark;
other tools write plain UTF-8. All three are read. Quoted fields may hold commas, quotes
and line breaks, so rows are tracked by the physical line they start on.
"""

from __future__ import annotations

import csv
import ctypes
import errno
import functools
import hashlib
import io
import logging
import os
import platform
import re
import shutil
import socket
import sys
import tempfile
from collections import Counter
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
# Excel's widest sheet: a record with more cells is no table staff saved (a million commas).
MAX_CELLS = 16_384
# Columns of a scenario table's header: the contract's few and the extra ones staff add.
MAX_COLUMNS = 1_000
# What no cell of a CSV file or workbook may hold (the XML 1.0 control characters), and what
# no column name may hold besides.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
NAME_CONTROL = re.compile(r"[\x00-\x1f]")

# Full-width forms of ASCII (U+FF01 to U+FF5E), as a Chinese input method types digits, colons
# and points: read as ASCII. No other digits are numbers (Arabic-Indic, Devanagari, superscripts).
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}

log = logging.getLogger(__name__)


def from_full_width(text: str) -> str:
    """``text`` with full-width ASCII (``１２``, ``０９：００``) as plain ASCII; other characters kept."""
    return text.translate(_FULL_WIDTH)


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
            if len(record) > MAX_CELLS:
                return None, [Problem(file, start, None, f"has {len(record):,} cells, more than the {MAX_CELLS:,} "
                                                         "columns a sheet can have (is it the right file?)")]
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
    # Trailing empty header cells are what Excel writes after a deleted column: harmless.
    header = [unescape_cell(name.strip()) for name in header[:_filled_width(header, 1)]]
    found = check_header(file, header_line, header)
    problems.extend(found)
    if len(header) > MAX_COLUMNS:
        return None, found
    rows: list[list[str]] = []
    lines: list[int] = []
    left_out: list[tuple[str, ...]] = []
    for line, record in records[1:]:
        if len(record) != len(header):
            # Trailing empty cells are what Excel writes after a deleted column: harmless.
            trimmed = record[:_filled_width(record, len(header))]
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


def _filled_width(cells: Sequence[str], at_least: int) -> int:
    """The cells' count without the empty ones at the end, but no fewer than ``at_least``."""
    width = len(cells)
    while width > at_least and cells[width - 1].strip() == "":
        width -= 1
    return width


def check_header(file: str, line: int, header: list[str], what: str = "file") -> list[Problem]:
    """Problems of a header row: too many columns, empty, repeated or invisible column names,
    or the wrong separator (``what``: the file or the sheet, as the message calls it)."""
    if len(header) > MAX_COLUMNS:
        return [Problem(file, line, None, f"the header has {len(header):,} columns; a scenario table has at most "
                                          f"{MAX_COLUMNS:,} (is it the right {what}?)")]
    problems = []
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        separator = "semicolons" if ";" in header[0] else "tabs"
        problems.append(Problem(file, line, None, f"the columns are separated by {separator}, expected commas; "
                                                  "in Excel choose Save As > 'CSV UTF-8 (Comma delimited)'"))
    elif any(NAME_CONTROL.search(name) for name in header):
        name = next(name for name in header if NAME_CONTROL.search(name))
        char = NAME_CONTROL.search(name)
        assert char is not None
        problems.append(Problem(file, line, None, f"the column name {name!r} holds the invisible control character "
                                                  f"U+{ord(char.group()):04X}; delete it"))
    if "" in header:
        problems.append(Problem(file, line, None, "the header has an empty column name"))
    seen: set[str] = set()
    for name in header:
        if name in seen and name != "":
            problems.append(Problem(file, line, name, "the column appears twice in the header"))
        seen.add(name)
    return problems


# A cell is quoted when it holds a separator, a quote or a line break; CR too, which Python's
# csv writer leaves bare with "\n" line ends (and every reader then takes for a line end).
_QUOTED = re.compile(r'[,"\r\n]')


def _csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return '"' + text.replace('"', '""') + '"' if _QUOTED.search(text) else text


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]], *,
              verbatim: Collection[int] = ()) -> None:
    """Write UTF-8 CSV (no BOM, ``\\n`` line ends) with formula-like text escaped, headers included.

    Columns whose positions are in ``verbatim`` hold numbers written as text (``-3.5``) and
    are not escaped, like numbers given as numbers. A cell holding a line break (LF, CR or
    both) is quoted, so it reads back exactly.
    """
    width = len(header)
    if width > 1 and rows and all(len(row) == width for row in rows):
        # Column by column (a large plan's files hold millions of cells): a column of plain
        # numbers is written as str() writes them, which never needs escaping or quotes, and
        # each distinct text is escaped once. The same bytes as cell by cell below.
        columns = [_csv_column(column, i in verbatim) for i, column in enumerate(zip(*rows, strict=True))]
        lines = [_csv_line([_csv_header_cell(v) for v in header])]
        lines += [",".join(cells) for cells in zip(*columns, strict=True)]
    else:
        lines = [_csv_line([_csv_cell(escape_cell(v) if isinstance(v, str) and (i not in verbatim or number == 0)
                                      else v) for i, v in enumerate(row)])
                 for number, row in enumerate([header, *rows])]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8", newline="")


def _csv_line(cells: list[str]) -> str:
    return '""' if cells == [""] else ",".join(cells)  # as csv.writer: a lone empty cell is quoted


def _csv_header_cell(value: object) -> str:
    return _csv_cell(escape_cell(value) if isinstance(value, str) else value)


def _csv_column(values: tuple[object, ...], verbatim: bool) -> list[str]:
    """One column's cells as :func:`write_csv` writes them."""
    kinds = set(map(type, values))
    if kinds <= {int, float}:
        return list(map(str, values))  # digits, ".", "-", "e", "+", "nan", "inf": nothing to escape or quote
    texts = _CsvTexts(verbatim)
    if kinds == {str}:
        return [texts[value] for value in values]  # type: ignore[index]
    return [texts[value] if type(value) is str else
            _csv_cell(value if verbatim or not isinstance(value, str) else escape_cell(value)) for value in values]


class _CsvTexts(dict[str, str]):
    """Texts as CSV cells, each escaped and quoted once (names and ids repeat a lot)."""

    def __init__(self, verbatim: bool):
        super().__init__()
        self.verbatim = verbatim

    def __missing__(self, text: str) -> str:
        cell = self[text] = _csv_cell(text if self.verbatim else escape_cell(text))
        return cell


def write_folder_atomically(folder: str | Path, write: Callable[[Path], None], *, overwrite: bool) -> Path:
    """Run ``write`` into a temporary folder, then move it to ``folder`` in one step.

    Without ``overwrite`` the move succeeds only onto nothing or an empty folder, checked by
    the move itself: a folder another run (or a person) fills meanwhile is never replaced.
    With it, a folder holding files is exchanged with the new one in one atomic step where
    the system has one (Linux ``renameat2`` with ``RENAME_EXCHANGE``), else moved aside and
    replaced by two renames. The temporary folders are named after the run (host and process);
    those of runs that were killed are deleted by the next write (an old folder a kill left
    aside is put back when the folder is missing).

    Raises
    ------
    FileExistsError
        ``folder`` holds files (or is filled meanwhile) and ``overwrite`` is false, or it is a
        file, or it is (or holds) the working folder.
    """
    given = folder
    folder = Path(os.path.abspath(folder))  # "." and ".." have no name and no parent of their own
    _clean_leftovers(folder)
    if folder.exists() and not folder.is_dir():
        raise FileExistsError(f"{given} is a file, not a folder")
    if folder.exists() and holds_working_folder(folder):
        raise FileExistsError(f"{given} is the folder you are working in (or holds it); choose another folder")
    if folder.is_dir() and any(folder.iterdir()) and not overwrite:
        raise FileExistsError(f"{given} already holds files; choose a new folder or allow replacing it (--force)")
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=_leftover_prefix(folder, "partial"), dir=folder.parent))
    try:
        write(tmp)
        tmp.chmod(0o755)
        try:
            os.rename(tmp, folder)  # onto nothing or an empty folder; refused when the folder holds files
        except OSError as exc:
            if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise
            if not overwrite:
                raise FileExistsError(f"{given} was filled by another run meanwhile; choose a new folder or allow "
                                      "replacing it (--force)") from None
            _replace_folder(folder, tmp)
    except BaseException:
        _remove(tmp)
        raise
    return Path(given)


def _replace_folder(folder: Path, new: Path) -> None:
    """Put ``new`` in the place of ``folder`` (which holds files), then delete the old one.

    One atomic exchange where the system has one: at every moment ``folder`` is the old or
    the new folder, whole. Else the old one is moved aside first, and put back on failure.
    """
    if _exchange(new, folder):
        _remove(new)  # now the old folder
        return
    old = Path(tempfile.mkdtemp(prefix=_leftover_prefix(folder, "old"), dir=folder.parent))
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
    _remove(old)


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_RENAMEAT2_SYSCALL = {"x86_64": 316, "aarch64": 276}


@functools.cache
def _renameat2() -> Callable[[bytes, bytes, int], int] | None:
    """Linux's renameat2(2) through ctypes: libc's function, else the raw system call; None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    function = getattr(libc, "renameat2", None)
    if function is not None:
        function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        function.restype = ctypes.c_int
        return lambda a, b, flags: int(function(_AT_FDCWD, a, _AT_FDCWD, b, flags))
    number = _RENAMEAT2_SYSCALL.get(platform.machine())
    if number is None:
        return None
    syscall = libc.syscall
    syscall.restype = ctypes.c_long
    syscall.argtypes = [ctypes.c_long, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return lambda a, b, flags: int(syscall(number, _AT_FDCWD, a, _AT_FDCWD, b, flags))


def _exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one atomic step; False where the system (or file system) has no way to.

    Raises
    ------
    OSError
        The exchange is possible here but failed (permission denied, a path missing...).
    """
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(os.fsencode(a), os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM):
        return False  # an old kernel, or a file system without exchange (EPERM: seccomp filters say so)
    raise OSError(code, os.strerror(code), str(a), None, str(b))


# Temporary names are cut to this many bytes of the target's name, so they stay within the
# 255 bytes a file name may have when the target's own name is long.
_SHORT_NAME_BYTES = 100


def cut_to_bytes(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` bytes of UTF-8, never inside a character."""
    return text.encode("utf-8", "surrogatepass")[:limit].decode("utf-8", "ignore")


@functools.cache
def _host() -> str:
    return hashlib.sha256(socket.gethostname().encode()).hexdigest()[:6]


def run_tag(pid: int | None = None) -> str:
    """What names a run's temporary files: this host and the process (``3fa9c1p4242``)."""
    return f"{_host()}p{os.getpid() if pid is None else pid}"


def _leftover_prefix(target: Path, kind: str) -> str:
    return f".{cut_to_bytes(target.name, _SHORT_NAME_BYTES)}.{kind}-{run_tag()}-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: another user's process
        return True
    return True


def _clean_leftovers(target: Path) -> None:
    """Delete what killed runs on this host left beside ``target``; put back an old one a kill left aside.

    Leftovers of a run still going are kept; those of earlier versions (no run in their name)
    are named in a warning.
    """
    short = re.escape(cut_to_bytes(target.name, _SHORT_NAME_BYTES))
    ours = re.compile(rf"\.{short}\.(partial|old)-([0-9a-f]{{6}})p(\d+)-[^/]*")
    theirs = re.compile(rf"\.{short}\.(partial|old)-[a-z0-9_]{{8}}")
    try:
        entries = list(target.parent.iterdir())
    except OSError:
        return  # no parent yet, or one that cannot be listed: nothing to clean
    unknown = []
    for entry in sorted(entries):
        match = ours.fullmatch(entry.name)
        if match is None:
            if theirs.fullmatch(entry.name):
                unknown.append(entry.name)
            continue
        kind, host, pid = match.groups()
        if host != _host() or _alive(int(pid)):
            continue
        aside = entry / target.name
        if kind == "old" and aside.is_dir() and not os.path.lexists(target):
            os.rename(aside, target)  # a kill between the two renames: the old folder goes back
        _remove(entry)
    if unknown:
        log.warning("%s: left by runs that were stopped, and not deleted: %s", target.parent, ", ".join(unknown))


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

    Without ``overwrite`` the move checks that nothing appeared at ``path`` meanwhile.

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
    _clean_leftovers(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=_leftover_prefix(path, "partial"), dir=path.parent)
    os.close(handle)
    tmp = Path(name)
    try:
        write(tmp)
        tmp.chmod(0o644)
        if overwrite:
            os.replace(tmp, path)
        else:
            _link_new(tmp, path, given)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return given


def _link_new(tmp: Path, path: Path, given: Path) -> None:
    """Move ``tmp`` to ``path`` only if nothing is there, checked by the move itself (a hard link
    fails on an existing name); where links are not allowed, by a look just before."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise FileExistsError(f"{given} was written by another run meanwhile; choose a new name or allow replacing "
                              "it (--force)") from None
    except OSError:  # a file system without hard links
        if os.path.lexists(path):
            raise FileExistsError(f"{given} already exists; choose a new name or allow replacing it "
                                  "(--force)") from None
        os.replace(tmp, path)
    else:
        tmp.unlink()


# Characters no file name may hold on Linux, Windows or macOS (and halves of characters), and Windows'
# reserved names.
_NOT_IN_FILE_NAMES = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|\ud800-\udfff]')
_RESERVED_NAMES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
# A name ending as a hashed one does: such an id is hashed too, so no id takes another's file.
_HASHED = re.compile(r"-[0-9a-f]{8,}$", re.IGNORECASE)
# Bytes of a name kept as the id itself, and of the cleaned id before a hash: with the hash
# (at most 64 digits) and a suffix, far below the 255 bytes a file name may have.
_PLAIN_BYTES = 120
_PREFIX_BYTES = 80


def file_names(ids: Iterable[str], suffix: str) -> dict[str, str]:
    """A file name for each id (``<id><suffix>``) that stays in its folder on every system.

    An id is free text: ``../x``, ``a/b``, ``CON`` or 90 Chinese characters would write
    elsewhere, fail, or clash. Such an id gets a cleaned name (at most 80 bytes of it) and a
    short hash of the id, as do ids whose names would differ only in case (one file on Windows
    and macOS) and ids that end like a hashed name; when two hashed names still meet, their
    hashes are lengthened. So every name is at most 255 bytes and no two ids share a file.
    """
    ids = list(dict.fromkeys(ids))
    clean = {i: _NOT_IN_FILE_NAMES.sub("_", i).strip(" .") for i in ids}
    folded = Counter(name.casefold() for name in clean.values())

    def plain(i: str) -> bool:
        name = clean[i]
        return (name == i and name != "" and len(name.encode()) <= _PLAIN_BYTES and folded[name.casefold()] == 1
                and name.split(".")[0].upper() not in _RESERVED_NAMES and not _HASHED.search(name))

    def hashed(i: str, digits: int) -> str:
        prefix = cut_to_bytes(clean[i], _PREFIX_BYTES).strip(" .") or "id"
        return f"{prefix}-{hashlib.sha256(i.encode('utf-8', 'surrogatepass')).hexdigest()[:digits]}"

    names = {i: clean[i] if plain(i) else hashed(i, 8) for i in ids}
    digits = 8
    while digits < 64:
        count = Counter(name.casefold() for name in names.values())
        shared = [i for i in ids if count[names[i].casefold()] > 1]
        if not shared:
            break
        digits *= 2
        names.update({i: hashed(i, digits) for i in shared})
    return {i: name + suffix for i, name in names.items()}
