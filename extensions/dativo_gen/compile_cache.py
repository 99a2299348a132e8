"""Make Copier's many renders of question strings cheap, and the template's YAML files.

Copier compiles every question's type, help, default, when, choices and validator at
each render: some 350 compiles of about 130 distinct strings per copy, most of them plain
text. Here each string is compiled at most once per environment, plain text never, and
compiled code is kept on disk, so the next run of the template loads it instead of compiling
it again: in one file (a bundle) written when the run ends, as a file per string took longer
to write on an empty cache than compiling the strings.

Every entry carries a digest of its content: an entry that is cut short, overwritten or
flipped by a disk is ignored and written again, never used.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import marshal
import os
import sys
import types
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import platformdirs
from jinja2 import Environment
from jinja2.bccache import BytecodeCache
from jinja2.runtime import new_context

CACHE_DIR_VARIABLE = "DATIVO_GEN_CACHE_DIR"


class _PlainText:
    """Stands in for a compiled template whose source has no Jinja syntax at all."""

    def __init__(self, environment: Environment, text: str):
        self.environment = environment
        self.text = text

    def render(self, *args: Any, **kwargs: Any) -> str:
        # Jinja creates a context on every render and context hooks (our preflight check)
        # rely on that, so create one here too.
        new_context(self.environment, None, {}, dict(*args, **kwargs))
        return self.text


DIGEST_BYTES = 32
# Earlier versions wrote entries without a digest, under other names, in the same folders: a
# workspace used with both versions keeps both kinds apart.
ENTRY_SUFFIX = ".sealed.marshal"
JINJA_BUNDLE = "strings.sealed.bundle"
# Entries of other template versions are kept too, up to this many: this run's first, so an
# old version's fall out once unused.
JINJA_BUNDLE_ENTRIES = 1000
# Marks a parsed value, so an intact entry holding anything else is not taken for one.
PARSED_TAG = "dativo-gen parsed YAML"


def read_entry(path: Path) -> bytes | None:
    """The content of a cache entry, or None when it is missing, unreadable or not what was written."""
    try:
        entry = path.read_bytes()
    except OSError:
        return None
    digest, content = entry[:DIGEST_BYTES], entry[DIGEST_BYTES:]
    return content if hashlib.sha256(content).digest() == digest else None


def write_entry(path: Path, content: bytes) -> None:
    """Atomically, and silently not at all where the cache cannot be written."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(hashlib.sha256(content).digest() + content)
        partial.replace(path)
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink()


def read_bundle(path: Path) -> dict[Any, Any]:
    """The entries of a bundle: {key: content}, or {} when it is missing or damaged."""
    content = read_entry(path)
    with contextlib.suppress(EOFError, ValueError, TypeError):
        entries = marshal.loads(content) if content is not None else {}
        if isinstance(entries, dict):
            return entries
    return {}


def write_bundle(path: Path, entries: dict[Any, Any], used: list[Any], limit: int) -> None:
    """The entries this run used first, then the others (what other runs wrote meanwhile too), up to limit."""
    kept = {key: entries[key] for key in used if key in entries}
    kept |= {key: value for key, value in {**read_bundle(path), **entries}.items() if key not in kept}
    write_entry(path, marshal.dumps(dict(list(kept.items())[:limit])))


class _BestEffortCache(BytecodeCache):
    """Jinja's cache of compiled templates and strings, in one bundle read at the first compile.

    save() writes it when something was compiled; a cache that cannot be read or written is no
    reason to fail a generation.
    """

    def __init__(self, path: Path):
        self.path = path
        self.entries: dict[Any, Any] | None = None
        self.used: list[str] = []
        self.unsaved = False

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        # Jinja keys template files by their path too, and Copier clones the template to a
        # new folder on every run. The name is enough: Jinja checks the source's checksum.
        return super().get_cache_key(name)

    def load_bytecode(self, bucket: Any) -> None:
        if self.entries is None:
            self.entries = read_bundle(self.path)
        self.used.append(bucket.key)
        if (content := self.entries.get(bucket.key)) is None:
            return
        try:
            bucket.bytecode_from_string(content)
        except Exception:  # whatever is wrong with an entry, compiling again fixes it
            bucket.reset()
        if not isinstance(bucket.code, types.CodeType):
            bucket.reset()

    def dump_bytecode(self, bucket: Any) -> None:
        self.entries[bucket.key] = bucket.bytecode_to_string()
        self.unsaved = True

    def save(self) -> None:
        if self.unsaved:
            self.unsaved = False
            write_bundle(self.path, self.entries, self.used, JINJA_BUNDLE_ENTRIES)


def cache_root() -> Path:
    return Path(os.environ.get(CACHE_DIR_VARIABLE) or platformdirs.user_cache_dir("dativo-gen"))


def _settings_fingerprint(environment: Environment) -> str:
    """Compiled code depends on the syntax settings and extensions, so they key the cache."""
    settings = (
        type(environment).__name__,
        jinja2.__version__,
        sys.implementation.cache_tag,
        environment.block_start_string,
        environment.block_end_string,
        environment.variable_start_string,
        environment.variable_end_string,
        environment.comment_start_string,
        environment.comment_end_string,
        environment.line_statement_prefix,
        environment.line_comment_prefix,
        environment.trim_blocks,
        environment.lstrip_blocks,
        environment.newline_sequence,
        environment.keep_trailing_newline,
        environment.autoescape if isinstance(environment.autoescape, bool) else "function",
        # Class names, not import paths: this template's own extension is imported under a
        # name that changes with every checkout, and it adds no syntax.
        sorted(type(extension).__name__ for extension in environment.extensions.values()),
    )
    return hashlib.sha1(repr(settings).encode()).hexdigest()[:16]


def disk_cache(environment: Environment) -> _BestEffortCache:
    return _BestEffortCache(cache_root() / "jinja" / _settings_fingerprint(environment) / JINJA_BUNDLE)


def _has_jinja_syntax(environment: Environment, source: str) -> bool:
    starts = (environment.variable_start_string, environment.block_start_string, environment.comment_start_string)
    return any(start in source for start in starts) or bool(
        environment.line_statement_prefix and environment.line_statement_prefix in source
    )


def _compiled_code(environment: Environment, cache: BytecodeCache, source: str) -> Any:
    bucket = cache.get_bucket(environment, hashlib.sha1(source.encode()).hexdigest(), None, source)
    if bucket.code is None:
        bucket.code = environment.compile(source)
        cache.set_bucket(bucket)
    return bucket.code


def reuse_compiled_strings(environment: Environment) -> Callable[[], None]:
    """Route the environment's from_string, and its template files, through the caches.

    Returns the function that writes what was compiled to disk: call it when the run ends.
    It is called anyway when the environment is collected or the process exits.
    """
    compile_string = environment.from_string

    @functools.cache
    def shared_cache() -> _BestEffortCache:
        # Opened at first use, once every extension of the environment is loaded.
        environment.bytecode_cache = cache = disk_cache(environment)
        weakref.finalize(environment, cache.save)
        return cache

    @functools.cache
    def compile_cached(source: str):
        if not _has_jinja_syntax(environment, source):
            # Jinja drops one trailing newline unless told to keep it.
            keep = environment.keep_trailing_newline or not source.endswith("\n")
            return _PlainText(environment, source if keep else source[:-1])
        code = _compiled_code(environment, shared_cache(), source)
        return environment.template_class.from_code(environment, code, environment.make_globals(None), None)

    def from_string(source: Any, globals: Any = None, template_class: Any = None):
        if isinstance(source, str) and globals is None and template_class is None:
            return compile_cached(source)
        return compile_string(source, globals, template_class)

    environment.from_string = from_string

    def save() -> None:
        if shared_cache.cache_info().currsize:
            shared_cache().save()

    return save


def parsed_once(data: bytes, parse: Callable[[bytes], Any]) -> Any:
    """parse(data), kept in the user cache by content: the template's YAML files (registry,
    recipes, copier.yml) are the same run after run, and parsing them is the bulk of loading.
    marshal stores only plain data, so anything else is simply parsed each time.
    """
    entry = cache_root() / "parsed" / sys.implementation.cache_tag / f"{hashlib.sha1(data).hexdigest()}{ENTRY_SUFFIX}"
    content = read_entry(entry)
    if content is not None:
        with contextlib.suppress(EOFError, ValueError, TypeError):
            tag, value = marshal.loads(content)
            if tag == PARSED_TAG:
                return value
    value = parse(data)
    with contextlib.suppress(ValueError):
        write_entry(entry, marshal.dumps((PARSED_TAG, value)))
    return value
