"""Checks for places: workspace folders, S3 buckets and prefixes, warehouse and catalog URIs."""

from __future__ import annotations

import ipaddress
import re
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from .checks import check_path_text, has_control_characters
from .limits import shown

# AWS general purpose bucket naming rules.
BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
BUCKET_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
BUCKET_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
# Characters S3 documents as safe in object keys, plus = for key=value partition folders.
PREFIX_SEGMENT = re.compile(r"^[A-Za-z0-9!_.*'()=-]+$")
WAREHOUSE_SCHEMES = ("s3", "s3a", "gs", "abfss")


def check_relative_dir(question: str, value: Any) -> str:
    """Output folders stay inside the workspace and out of its hidden folders."""
    text = value if isinstance(value, str) else ""
    path = PurePosixPath(text)
    hidden = any(part.startswith((".", "-")) and part != "." for part in path.parts)
    if check_path_text(question, text) or path.is_absolute() or ".." in path.parts or "\\" in text or hidden:
        return (
            f"{question}: {shown(value)} is not a folder inside the workspace; relative, no '..' or '\\', "
            "no part starting with . or -"
        )
    return ""


def check_s3_bucket(question: str, value: Any) -> str:
    text = value if isinstance(value, str) else ""
    problem = ""
    if not BUCKET.fullmatch(text):
        problem = "use 3 to 63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit"
    elif ".." in text or ".-" in text or "-." in text:
        problem = "no '..', '.-' or '-.'"
    elif _is_ip_address(text):
        problem = "a bucket name cannot look like an IP address"
    elif text.startswith(BUCKET_RESERVED_PREFIXES) or text.endswith(BUCKET_RESERVED_SUFFIXES):
        problem = "the name uses a prefix or suffix AWS reserves"
    return f"{question}: {shown(value)} is not a valid S3 bucket name; {problem}" if problem else ""


def _is_ip_address(text: str) -> bool:
    try:
        ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return True


def check_s3_prefix(question: str, value: Any) -> str:
    text = value if isinstance(value, str) else ""
    segments = text.rstrip("/").split("/")
    if (
        text.startswith("/")
        or any(segment in ("", ".", "..") for segment in segments)
        or not all(PREFIX_SEGMENT.fullmatch(segment) for segment in segments)
    ):
        return (
            f"{question}: {shown(value)} is not a key prefix; use relative parts like raw/stripe/customers "
            "(letters, digits, !_.*'()=- ; no leading '/', no '..' or empty parts)"
        )
    return ""


def check_http_url(question: str, value: Any) -> str:
    text = value if isinstance(value, str) else ""
    try:
        parts = urlsplit(text)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        parts, port_ok = None, False
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or not port_ok
        or has_control_characters(text)
        or " " in text
    ):
        return (
            f"{question}: {shown(value)} is not an http(s) URL; use one like http://nessie.acme.internal:19120/api/v1"
        )
    return ""


def check_warehouse(question: str, value: Any) -> str:
    """Where Iceberg keeps its tables: an object store URI or a local absolute folder."""
    text = value if isinstance(value, str) else ""
    allowed = "s3://bucket/path, s3a://, gs://, abfss://container@account.dfs.core.windows.net/path or /local/path"
    if check_path_text(question, text) or " " in text:
        return f"{question}: {shown(value)} is not a warehouse location; use {allowed}"
    if text.startswith("/") or text.startswith("file:///"):
        path = PurePosixPath(text.removeprefix("file://"))
        return "" if ".." not in path.parts else f"{question}: {shown(value)} must not contain '..'"
    parts = urlsplit(text)
    if parts.scheme not in WAREHOUSE_SCHEMES or not parts.netloc or ".." in parts.path.split("/"):
        return f"{question}: {shown(value)} is not a warehouse location; use {allowed}"
    if parts.scheme == "abfss" and "@" not in parts.netloc:
        return f"{question}: {shown(value)} needs a container and an account; like abfss://container@account.dfs.core.windows.net/"
    return ""
