"""Entry point named in copier.yml's _jinja_extensions.

copier-template-extensions executes this file by path; it then imports the sibling
package `dativo_gen` under a name unique to this template checkout, because
`copier update` renders the old and the new template version in one process and
each must use its own code and registry.
"""

import hashlib
import importlib.util
import sys
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent / "dativo_gen"


def _load_package():
    digest = hashlib.sha1(str(_PACKAGE_DIR).encode()).hexdigest()[:12]
    name = f"dativo_gen_{digest}"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, _PACKAGE_DIR / "__init__.py", submodule_search_locations=[str(_PACKAGE_DIR)]
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


DativoExtension = _load_package().DativoExtension
