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


# Not the suffix of the unsealed entries earlier versions wrote and still read from the same folder.
_ENTRY_SUFFIX = ".sealed.marshal"


def _with_filename(code: types.CodeType, filename: str) -> types.CodeType:
    """Cached code names the checkout it was compiled in; tracebacks should name this one."""
    consts = tuple(_with_filename(c, filename) if isinstance(c, types.CodeType) else c for c in code.co_consts)
    return code.replace(co_filename=filename, co_consts=consts)


def _cached_code(entry: Path):
    """The code object an entry holds, or None. Entries start with a digest of the rest (the same
    format as dativo_gen.compile_cache's), so a damaged one is compiled again, never run."""
    with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
        content = entry.read_bytes()
        if hashlib.sha256(content[32:]).digest() == content[:32]:
            code = marshal.loads(content[32:])
            return code if isinstance(code, types.CodeType) else None
    return None


class _CachedSourceLoader(importlib.machinery.SourceFileLoader):
    def source_to_code(self, data, path, *, _optimize=-1):
        entry = _CODE_CACHE / f"{hashlib.sha1(data).hexdigest()}{_ENTRY_SUFFIX}"
        if (code := _cached_code(entry)) is not None:
            return _with_filename(code, path)
        code = super().source_to_code(data, path, _optimize=_optimize)
        with contextlib.suppress(OSError):
            entry.parent.mkdir(parents=True, exist_ok=True)
            partial = entry.with_suffix(f".{os.getpid()}.tmp")
            content = marshal.dumps(code)
            partial.write_bytes(hashlib.sha256(content).digest() + content)
            partial.replace(entry)
        return code


class _PackageFinder(importlib.abc.MetaPathFinder):
    """Finds the submodules of one uniquely named package and loads them through the cache."""

    def __init__(self, package: str, directory: Path):
        self.package = package
        self.directory = directory

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.package and not fullname.startswith(self.package + "."):
            return None
        folder = self.directory.joinpath(*fullname.split(".")[1:])
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
        # The same code, imported from a checkout Copier may have removed since: its modules
        # not imported yet are read from this one.
        finder.directory = _PACKAGE_DIR
    if name not in sys.modules:
        finder = _PackageFinder(name, _PACKAGE_DIR)
        sys.meta_path.insert(0, finder)
        module = importlib.util.module_from_spec(finder.find_spec(name))
        sys.modules[name] = module
        module.__spec__.loader.exec_module(module)
    return sys.modules[name]


DativoExtension = _load_package().DativoExtension
