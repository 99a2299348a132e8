"""Schemas read from real data: sample files, live database tables and API catalogs.

Each source returns an `Inference` or raises `InferenceError` with a readable reason;
the callers fall back to fields typed by hand.
"""

from .result import Inference, InferenceError

__all__ = ["Inference", "InferenceError"]
