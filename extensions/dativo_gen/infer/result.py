"""What every source of schema returns, and the error it raises."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class InferenceError(Exception):
    """The schema could not be read; the message says from where and why, never a secret."""


@dataclass(frozen=True)
class Inference:
    """Inferred fields ({name, type, required}), where they came from, and what to know about them."""

    fields: list[dict[str, Any]]
    origin: str
    notes: list[str] = field(default_factory=list)
