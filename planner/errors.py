"""Problems found in a scenario, and the errors that carry them.

Staff fix scenarios in Excel, so every problem names the file, the line and the column in
the words they see there: a header row is line 1, the first data row line 2.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input file.

    Attributes
    ----------
    file : str
        The file as the user knows it (``teams.csv``, ``scenario.yaml``, a sheet of a workbook).
    line : int or None
        Line (or spreadsheet row) of the problem; ``None`` when it is about the whole file.
    column : str or None
        The column (or YAML key) at fault; ``None`` when it is about a whole row or file.
    message : str
        What is wrong and what was expected, in plain words.
    """

    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        """One line, ``file, line N, column C: message`` (a line break in a name is shown as ``\\n``)."""
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column is not None:
            where += f", column {self.column}"
        return one_line(f"{where}: {self.message}")


def one_line(text: str) -> str:
    """Text for a one-line message: line breaks (from a name or a cell) written as ``\\n``."""
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


class ScenarioError(ValueError):
    """A scenario that cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: tuple[Problem, ...] = tuple(problems)
        count = len(self.problems)
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the scenario:\n{lines}")


class NoPlanError(RuntimeError):
    """The solver ended without any plan (failure, or a time limit before a first solution)."""


class SolverUnavailableError(RuntimeError):
    """The requested solver is not installed; the message names the one that is."""
