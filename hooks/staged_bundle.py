"""The one file a run stages: the asset, the job and the answers file, each with its length.

Copier renders this one file (template/.dativo-gen/staging/<run>/staged.jinja) instead of
three: every file Copier renders costs it a `git config` process and a round of checks.
The placement task unpacks it beside itself, moves the parts into place and removes the
run's staging folder (remove_staging).

Each part is a line `<name> <length in UTF-8 bytes>` followed by exactly that many bytes,
so no content, whatever it holds, can be taken for the next part. Standard library only:
the placement task starts without site-packages.
"""

from __future__ import annotations

import os

STAGED_FILE = "staged"
PARTS = ("asset.yaml", "job.yaml", "answers.yml")


def pack(parts: dict[str, str]) -> str:
    """The staged file's text for the parts, in the order of PARTS."""
    return "".join(f"{name} {len(parts[name].encode())}\n{parts[name]}" for name in PARTS)


def digests(parts: dict[str, bytes]) -> str:
    """The SHA-256 digests of the asset and the job, as the placement task's --checked gives them."""
    try:  # CPython's own module: hashlib would load OpenSSL first, which takes longer than the task
        from _sha2 import sha256  # 3.12 and later
    except ImportError:
        try:
            from _sha256 import sha256
        except ImportError:
            from hashlib import sha256
    return ",".join(sha256(parts[name]).hexdigest() for name in PARTS[:2])


def unpack(data: bytes) -> dict[str, bytes]:
    """The parts of a staged file; ValueError when it is not one (cut short, edited, another format)."""
    parts, position = {}, 0
    for name in PARTS:
        end_of_header = data.find(b"\n", position)
        header_name, _, length = data[position:end_of_header].decode("ascii", "replace").partition(" ")
        if end_of_header < 0 or header_name != name or not length.isdigit():
            raise ValueError(f"{STAGED_FILE}: no {name} part where one should start")
        start = end_of_header + 1
        position = start + int(length)
        if position > len(data):
            raise ValueError(f"{STAGED_FILE}: the {name} part is cut short")
        parts[name] = data[start:position]
    if position != len(data):
        raise ValueError(f"{STAGED_FILE}: unexpected content after the {PARTS[-1]} part")
    return parts


def _remove_if_there(remove, path: str) -> None:
    # Not contextlib.suppress: importing contextlib takes longer than the placement task's work.
    try:  # noqa: SIM105
        remove(path)
    except OSError:
        pass


def remove_staging(staging: str | os.PathLike[str]) -> None:
    """A run's staging folder, whatever of it is there (the staging root stays: other runs may be writing into it)."""
    for name in (STAGED_FILE, *PARTS):
        _remove_if_there(os.unlink, os.path.join(staging, name))
    _remove_if_there(os.rmdir, staging)
