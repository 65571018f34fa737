"""Errors raised by kopa-graph.

Every error a user can meet is a :class:`KopaError`. Its message names the
place (file and line, or IRI), says what is wrong and, where it helps, how to
fix it. The command line maps each kind to one exit code::

    KopaError                  base class; never raised itself
    ├── InputError             exit 2: the input cannot be read or is wrong
    │   ├── SourceDataError    a file in data/ is malformed or inconsistent
    │   ├── RDFLoadError       an RDF file cannot be parsed
    │   └── OutputRefused      an output path kopa-graph must not write to (its inputs, a folder it did not make)
    ├── NotConformant          exit 1: the graph does not pass the SHACL shapes
    ├── OutputError            exit 3: an output cannot be written
    │   └── OutputBusy         another kopa-graph is writing that output folder
    └── ValidatorError         exit 5: the validator itself failed
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from kopa_graph.validation.validate import ValidationReport


@dataclass(frozen=True)
class Location:
    """A place in a source file: path and 1-based line (0 when unknown)."""

    path: Path
    line: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else str(self.path)


class KopaError(Exception):
    """Base class of every error kopa-graph reports to a user."""

    exit_code = 2


class InputError(KopaError):
    """The input (source data, RDF file, command-line value) is wrong."""

    exit_code = 2


class SourceDataError(InputError):
    """One or more problems in the source data; each names file, line and field."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (str(p.location.path), p.location.line))
        super().__init__(self._render())

    def _render(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the source data:"
        return "\n".join([head, *(f"  {p}" for p in self.problems)])


@dataclass(frozen=True)
class Problem:
    """One problem in the source data."""

    location: Location
    field: str
    message: str
    fix: str = ""

    def __str__(self) -> str:
        where = f"{self.location}: {self.field}: " if self.field else f"{self.location}: "
        return where + self.message + (f" — {self.fix}" if self.fix else "")


class RDFLoadError(InputError):
    """An RDF file could not be read or parsed."""


class NotConformant(KopaError):
    """The graph does not conform to the shapes; carries the report."""

    exit_code = 1

    def __init__(self, report: ValidationReport, rendered: str) -> None:
        self.report = report
        super().__init__(rendered)


class OutputRefused(InputError):
    """An output path that is, contains or lies inside a folder kopa-graph reads (the source data, the
    shapes, the ontology, the repository), or an existing folder it did not make: nothing is written."""


class OutputError(KopaError):
    """An output file could not be written; earlier outputs are left as they were."""

    exit_code = 3


class OutputBusy(OutputError):
    """Another kopa-graph process holds the lock of the output folder."""


class ValidatorError(KopaError):
    """The validator could not finish (an exception inside it): the graph counts as not validated, so
    nothing is written, and no state the validator changed is left behind."""

    exit_code = 5
