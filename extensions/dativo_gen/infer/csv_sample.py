"""Fields from the head of a CSV file: delimiter and header sniffed, types from the rows."""

from __future__ import annotations

import csv
import io
import itertools

from .columns import Columns
from .result import Inference, InferenceError
from .values import text_type

DELIMITERS = ",;\t|"
SNIFF_CHARS = 64 * 1024


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(text[:SNIFF_CHARS], delimiters=DELIMITERS)
    except csv.Error:
        # One column, or too irregular to tell: the common case.
        return csv.excel


def _is_header(row: list[str]) -> bool:
    """A header row holds distinct, non-empty names, none of which reads as a number, date or boolean."""
    cells = [cell.strip() for cell in row]
    return (
        all(cells)
        and len({cell.lower() for cell in cells}) == len(cells)
        and all(text_type(cell) == "string" for cell in cells)
    )


def infer_csv(text: str, truncated: bool, max_rows: int, shown_as: str) -> Inference:
    dialect = _dialect(text)
    try:
        rows = [
            row for row in itertools.islice(csv.reader(io.StringIO(text, newline=None), dialect), max_rows + 1) if row
        ]
    except csv.Error as error:  # such as a field past the csv module's size limit
        raise InferenceError(f"sample {shown_as} is not readable as CSV: {error}") from None
    if not rows:
        raise InferenceError(f"sample {shown_as} has no rows")
    header = _is_header(rows[0])
    names = [cell.strip() for cell in rows[0]] if header else [f"column_{i}" for i in range(1, len(rows[0]) + 1)]
    data = (rows[1:] if header else rows)[:max_rows]
    columns = Columns.named(names)
    for row in data:
        # A short row lacks its last values; cells past the header are ignored.
        cells = (row + [""] * len(names))[: len(names)]
        typed = (text_type(cell) if cell.strip() else None for cell in cells)
        columns.add_row(dict(zip(names, typed, strict=True)))
    fields, notes = columns.fields()
    delimiter = {"\t": "tab"}.get(dialect.delimiter, repr(dialect.delimiter))
    described = f"CSV, {delimiter}-separated, {'with' if header else 'no'} header, {len(data)} rows read"
    if truncated or len(data) == max_rows:
        described += " from the head of the file"
    if not header:
        notes.insert(0, "the first row looks like data, so the columns are named column_1, column_2, ...")
    return Inference(fields=fields, origin=f"sample {shown_as} ({described})", notes=notes)
