"""Entry point named in copier.yml's _jinja_extensions.

copier-template-extensions executes this file by path; it then imports the sibling
package `dativo_gen` under a name unique to its code, because `copier update` renders
the old and the new template version in one process and each must use its own code.
Checkouts of the same version (an update's three renders, `make update-all`'s jobs)
share one import; each extension instance still reads its own checkout's registry.

Copier clones the template into a new temporary folder on every run, so Python's own
__pycache__ never hits and every module would be compiled again each time. The
package's compiled code is therefore kept in the user cache, keyed by the source.
"""

import contextlib
import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import marshal
import os
import sys
import types
from pathlib import Path

import platformdirs

_PACKAGE_DIR = Path(__file__).resolve().parent / "dativo_gen"
# The same folder as dativo_gen.compile_cache.cache_root(), which cannot be imported yet.
_CODE_CACHE = (
    Path(os.environ.get("DATIVO_GEN_CACHE_DIR") or platformdirs.user_cache_dir("dativo-gen"))
    / "python"
    / sys.implementation.cache_tag
)


# One file for all the package's modules: a run compiles some forty of them on an empty cache,
# and writing a file each took longer than the run's own work. Not the name of the one-file-
# per-module entries earlier versions wrote and still read from the same folder.
_BUNDLE = _CODE_CACHE / "modules.sealed.bundle"
# Modules of other template versions are kept too, up to this many in all: the most
# recently used first, so an old version's modules fall out once unused.
_BUNDLE_ENTRIES = 200


def _with_filename(code: types.CodeType, filename: str) -> types.CodeType:
    """Cached code names the checkout it was compiled in; tracebacks should name this one."""
    consts = tuple(_with_filename(c, filename) if isinstance(c, types.CodeType) else c for c in code.co_consts)
    return code.replace(co_filename=filename, co_consts=consts)


def _read_bundle() -> dict:
    """{sha1 of a module's source: its marshalled code}, or {}. The file starts with a digest of
    the rest (the format of dativo_gen.compile_cache's entries), so a damaged one is never used."""
    with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
        content = _BUNDLE.read_bytes()
        if hashlib.sha256(content[32:]).digest() == content[:32]:
            entries = marshal.loads(content[32:])
            if isinstance(entries, dict):
                return entries
    return {}


class _CodeBundle:
    """The compiled modules, read at the first import and written when the package has loaded
    (by its compile_cache.write_bundle); a module first imported later (an update's, a hook's)
    is written at once."""

    def __init__(self):
        self.entries: dict | None = None
        self.used: list[str] = []  # this process's modules, first in the file
        self.write = None  # the package's write_bundle, once it has loaded
        self.unsaved = False

    def code(self, key: str):
        if self.entries is None:
            self.entries = _read_bundle()
        self.used.append(key)
        with contextlib.suppress(ValueError, EOFError, TypeError):
            code = marshal.loads(self.entries.get(key, b""))
            return code if isinstance(code, types.CodeType) else None
        return None

    def add(self, key: str, code: types.CodeType) -> None:
        self.entries[key] = marshal.dumps(code)
        self.unsaved = True
        self.save()

    def save(self) -> None:
        if self.unsaved and self.write is not None:
            self.unsaved = False
            self.write(_BUNDLE, self.entries, self.used, _BUNDLE_ENTRIES)


_CODE = _CodeBundle()


class _CachedSourceLoader(importlib.machinery.SourceFileLoader):
    def source_to_code(self, data, path, *, _optimize=-1):
        key = hashlib.sha1(data).hexdigest()
        if (code := _CODE.code(key)) is not None:
            return _with_filename(code, path)
        code = super().source_to_code(data, path, _optimize=_optimize)
        _CODE.add(key, code)
        return code


class _PackageFinder(importlib.abc.MetaPathFinder):
    """Finds the submodules of one uniquely named package and loads them through the cache.

    From any checkout of the package's code still there: Copier removes each checkout when
    the Worker that cloned it ends, not in the order they were loaded.
    """

    def __init__(self, package: str, directory: Path):
        self.package = package
        self.directories = [directory]

    def add_checkout(self, directory: Path) -> None:
        self.directories = [directory, *(known for known in self.directories if known.is_dir())]

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.package and not fullname.startswith(self.package + "."):
            return None
        for directory in self.directories:
            folder = directory.joinpath(*fullname.split(".")[1:])
            for file, is_package in ((folder / "__init__.py", True), (folder.with_name(f"{folder.name}.py"), False)):
                if file.is_file():
                    return importlib.util.spec_from_file_location(
                        fullname,
                        file,
                        loader=_CachedSourceLoader(fullname, str(file)),
                        submodule_search_locations=[str(file.parent)] if is_package else None,
                    )
        return None


def _source_digest(directory: Path) -> str:
    """Of the package's sources: checkouts of one template version share one import."""
    digest = hashlib.sha1()
    for file in sorted(directory.rglob("*.py")):
        digest.update(f"{file.relative_to(directory).as_posix()}\0{file.stat().st_size}\0".encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


def _load_package():
    name = f"dativo_gen_{_source_digest(_PACKAGE_DIR)}"
    # Not isinstance: every checkout executes this file anew, with its own _PackageFinder class.
    if finder := next((f for f in sys.meta_path if getattr(f, "package", None) == name), None):
        # The same code, imported from a checkout Copier may remove first: its modules not
        # imported yet can be read from this one too.
        finder.add_checkout(_PACKAGE_DIR)
    else:
        finder = _PackageFinder(name, _PACKAGE_DIR)
        sys.meta_path.insert(0, finder)
    if name not in sys.modules:
        module = importlib.util.module_from_spec(finder.find_spec(name))
        sys.modules[name] = module
        module.__spec__.loader.exec_module(module)
        _CODE.write = module.compile_cache.write_bundle
        _CODE.save()
    return sys.modules[name]


DativoExtension = _load_package().DativoExtension
