"""Make Copier's many renders of question strings cheap, and the template's YAML files.

Copier compiles every question's type, help, default, when, choices and validator at
each render: some 350 compiles of about 130 distinct strings per copy, most of them plain
text. Here each string is compiled at most once per environment, plain text never, and
compiled code is kept in Jinja's own bytecode cache on disk, so the next run of the
template loads it instead of compiling it again.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import marshal
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import platformdirs
from jinja2 import Environment
from jinja2.bccache import BytecodeCache, FileSystemBytecodeCache
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


class _BestEffortCache(FileSystemBytecodeCache):
    """A cache that cannot be written is no reason to fail a generation."""

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        # Jinja keys template files by their path too, and Copier clones the template to a
        # new folder on every run. The name is enough: Jinja checks the source's checksum.
        return super().get_cache_key(name)

    def dump_bytecode(self, bucket: Any) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


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


def disk_cache(environment: Environment) -> BytecodeCache | None:
    directory = cache_root() / "jinja" / _settings_fingerprint(environment)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _BestEffortCache(str(directory))


def _has_jinja_syntax(environment: Environment, source: str) -> bool:
    starts = (environment.variable_start_string, environment.block_start_string, environment.comment_start_string)
    return any(start in source for start in starts) or bool(
        environment.line_statement_prefix and environment.line_statement_prefix in source
    )


def _compiled_code(environment: Environment, cache: BytecodeCache | None, source: str) -> Any:
    if cache is None:
        return environment.compile(source)
    bucket = cache.get_bucket(environment, hashlib.sha1(source.encode()).hexdigest(), None, source)
    if bucket.code is None:
        bucket.code = environment.compile(source)
        cache.set_bucket(bucket)
    return bucket.code


def reuse_compiled_strings(environment: Environment) -> None:
    """Route the environment's from_string, and its template files, through the caches."""
    compile_string = environment.from_string

    @functools.cache
    def shared_cache() -> BytecodeCache | None:
        # Opened at first use, once every extension of the environment is loaded.
        environment.bytecode_cache = disk_cache(environment)
        return environment.bytecode_cache

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


def parsed_once(data: bytes, parse: Callable[[bytes], Any]) -> Any:
    """parse(data), kept in the user cache by content: the template's YAML files (registry,
    recipes, copier.yml) are the same run after run, and parsing them is the bulk of loading.
    marshal stores only plain data, so anything else is simply parsed each time.
    """
    entry = cache_root() / "parsed" / sys.implementation.cache_tag / f"{hashlib.sha1(data).hexdigest()}.marshal"
    with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
        return marshal.loads(entry.read_bytes())
    value = parse(data)
    with contextlib.suppress(OSError, ValueError):
        encoded = marshal.dumps(value)
        entry.parent.mkdir(parents=True, exist_ok=True)
        partial = entry.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(encoded)
        partial.replace(entry)
    return value
