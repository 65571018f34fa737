"""Reading CSV files of ``data/`` so that every record knows its line."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path

from kopa_graph.errors import Location
from kopa_graph.source.fields import FieldReader


def read_csv(path: Path, columns: Iterable[str], r: FieldReader) -> Iterator[tuple[Location, dict[str, str]]]:
    """The records of a CSV file as dicts, each with the line it starts on; problems go to ``r``.

    The header must name ``columns`` (others may follow); a record with the
    wrong number of fields, a CSV syntax error or an unreadable file is a
    problem naming the line.
    """
    start = 1
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh, strict=True)
            header = next(reader, [])
            missing = [c for c in columns if c not in header]
            if missing:
                r.problem(Location(path, 1), "header", f"missing columns {missing}",
                          "the first line must name the columns, as in the shipped file")
                return
            while True:
                start = reader.line_num + 1  # a quoted field may span lines: report where the record starts
                row = next(reader, None)
                if row is None:
                    return
                if len(row) != len(header):
                    r.problem(Location(path, start), "row", f"expected {len(header)} fields, found {len(row)}",
                              "check the commas and quotes on this line")
                    continue
                yield Location(path, start), dict(zip(header, row, strict=True))
    except csv.Error as exc:
        r.problem(Location(path, start), "", f"CSV syntax error in the record that starts here: {exc}",
                  "check the quotes on this line")
    except (OSError, UnicodeDecodeError) as exc:
        r.problem(Location(path), "", f"cannot read the file: {exc}")
