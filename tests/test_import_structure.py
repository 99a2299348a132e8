"""What the extension package imports when Copier loads it: the inference readers only when used."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_loading_the_extension_imports_no_sample_or_database_reader():
    script = (
        "import sys; sys.path.insert(0, 'extensions'); import dativo_gen; "
        "print(' '.join(name for name in sys.modules if name.startswith('dativo_gen.infer.')))"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["dativo_gen.infer.result"]
