"""extensions/dativo_gen/inside.py for the hooks and migrations, loaded on its own.

The extension package needs Copier; inside.py needs only the standard library.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

INSIDE_MODULE = Path(__file__).resolve().parents[1] / "extensions" / "dativo_gen" / "inside.py"


def load_inside() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dativo_gen_inside", INSIDE_MODULE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
