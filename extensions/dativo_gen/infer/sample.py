"""Read the head of a sample file, at most MAX_BYTES and MAX_ROWS, and infer its fields.

Only the head is read, so a 10 GB file costs what a 1 MB one does.
"""

from __future__ import annotations

from pathlib import Path

from ..limits import shown
from . import csv_sample, json_sample
from .result import Inference, InferenceError

MAX_BYTES = 1024 * 1024
MAX_ROWS = 1000
JSON_SUFFIXES = {".json", ".jsonl", ".ndjson"}


def read_head(path: Path, max_bytes: int = MAX_BYTES) -> tuple[str, bool]:
    """The first max_bytes of a file as text, cut after the last whole line; and whether it was cut."""
    try:
        with path.open("rb") as file:
            data = file.read(max_bytes + 1)
    except OSError as error:
        raise InferenceError(f"cannot read sample {path}: {error.strerror or error}") from None
    truncated = len(data) > max_bytes
    if truncated:
        data = data[: data.rfind(b"\n", 0, max_bytes) + 1] or data[:max_bytes]
    return data.decode("utf-8-sig", errors="replace"), truncated


def infer_sample(path: str) -> Inference:
    """Fields from a CSV, JSON array or JSON Lines sample, told apart by suffix and first character."""
    if not str(path).strip():
        raise InferenceError("no sample file given (sample_path)")
    sample = Path(path).expanduser()
    try:
        is_file = sample.is_file()
    except (OSError, ValueError) as error:  # a name too long for the file system, a NUL
        raise InferenceError(f"cannot read sample {shown(path)}: {getattr(error, 'strerror', None) or error}") from None
    if not is_file:
        raise InferenceError(f"sample file {path} does not exist or is not a file")
    text, truncated = read_head(sample)
    if not text.strip():
        raise InferenceError(f"sample file {path} is empty")
    if "\x00" in text:
        raise InferenceError(f"sample file {path} is binary, not CSV, JSON or JSON Lines")
    looks_json = text.lstrip()[:1] in ("[", "{")
    if sample.suffix.lower() in JSON_SUFFIXES or looks_json:
        return json_sample.infer_json(text, truncated, MAX_ROWS, sample.name)
    return csv_sample.infer_csv(text, truncated, MAX_ROWS, sample.name)
