"""What the extension package imports when Copier loads it: what only some runs use, when used."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def modules_after_loading_the_extension() -> set[str]:
    """The modules a fresh interpreter has once it imported the package."""
    script = "import sys; sys.path.insert(0, 'extensions'); import dativo_gen; print(' '.join(sys.modules))"
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return set(result.stdout.split())


def test_loading_the_extension_imports_no_sample_or_database_reader():
    loaded = modules_after_loading_the_extension()
    assert sorted(name for name in loaded if name.startswith("dativo_gen.infer.")) == ["dativo_gen.infer.result"]


def test_loading_the_extension_imports_nothing_only_an_update_or_a_database_source_uses():
    loaded = modules_after_loading_the_extension()
    assert "dativo_gen.checks" in loaded  # the package's own modules are seen
    lazy = {"dativo_gen.follow", "dativo_gen.update_report", "dativo_gen.connection_checks", "difflib"}
    assert not lazy & loaded
