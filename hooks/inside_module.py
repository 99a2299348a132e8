"""extensions/dativo_gen/inside.py for the hooks and migrations, loaded on its own.

The extension package needs Copier; inside.py needs only `os`. Executed from its source
rather than imported with importlib.util, whose import costs the placement task more
than all its work.
"""

from __future__ import annotations

import os
import types

TEMPLATE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INSIDE_MODULE = os.path.join(TEMPLATE_ROOT, "extensions", "dativo_gen", "inside.py")


def load_inside() -> types.ModuleType:
    module = types.ModuleType("dativo_gen_inside")
    module.__file__ = INSIDE_MODULE
    with open(INSIDE_MODULE, "rb") as source:
        exec(compile(source.read(), INSIDE_MODULE, "exec"), module.__dict__)
    return module
