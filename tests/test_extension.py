"""The extension's pieces on their own: serializer, compile cache, answer checks."""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import marshal
import shutil
import sys
from pathlib import Path

import pytest
import yaml
from jinja2.sandbox import SandboxedEnvironment

from conftest import ROOT
from dativo_gen.compile_cache import reuse_compiled_strings
from dativo_gen.questions import is_lake, target_connection_note
from dativo_gen.registry import load_registry
from dativo_gen.yaml_out import yaml_block, yaml_value

AWKWARD_VALUES = [
    "plain",
    "yes",
    "no",
    "on",
    "null",
    "~",
    "1.0",
    "0o17",
    "1e3",
    "",
    " leading space",
    "colon: inside",
    "# not a comment",
    "- dash",
    "{braces}",
    "[brackets]",
    "&anchor",
    "*alias",
    "!tag",
    "| pipe",
    "> fold",
    "%percent",
    "@at",
    "`tick`",
    "quote ' and \" both",
    "line\nbreak",
    "tab\there",
    "ünïcødé ✓",
    "${PGHOST}",
]


@pytest.mark.parametrize("value", AWKWARD_VALUES)
def test_yaml_value_round_trips_inline(value):
    text = f"key: {yaml_value(value)}\n"
    assert len(text.splitlines()) == 1
    assert yaml.safe_load(text) == {"key": value}


def test_yaml_block_round_trips_nested_values():
    value = {"list": AWKWARD_VALUES, "nested": {"n": 1, "t": True, "none": None, "empty": {}}}
    text = "top:\n" + yaml_block(value) + "\n"
    assert yaml.safe_load(text) == {"top": value}


def test_yaml_block_indents_lists_like_the_dativo_examples():
    assert yaml_block({"schema": [{"name": "id"}]}) == "  schema:\n    - name: id"


@pytest.mark.parametrize("keep_trailing_newline", [True, False])
def test_compile_cache_renders_exactly_like_jinja(keep_trailing_newline):
    sources = ["plain", "plain\n", "{{ x }}", "{{ x }}\n", "{% if x %}a{% endif %}", "{# c #}b", "", "a {b} c"]
    plain = SandboxedEnvironment(keep_trailing_newline=keep_trailing_newline)
    cached = SandboxedEnvironment(keep_trailing_newline=keep_trailing_newline)
    reuse_compiled_strings(cached)
    for source in sources:
        assert cached.from_string(source).render(x=1) == plain.from_string(source).render(x=1)
        assert cached.from_string(source) is cached.from_string(source)


def test_compiled_strings_are_kept_on_disk_for_the_next_run(tmp_path, monkeypatch):
    monkeypatch.setenv("DATIVO_GEN_CACHE_DIR", str(tmp_path))
    rendered = []
    for run in ("first", "second"):  # two environments, as two runs of the template have
        environment = SandboxedEnvironment(keep_trailing_newline=True)
        save = reuse_compiled_strings(environment)
        if run == "second":
            monkeypatch.setattr(environment, "compile", lambda *_: pytest.fail("compiled again"))
        rendered.append(environment.from_string("{{ x | upper }}-{{ y }}").render(x="a", y=1))
        save()
    assert rendered == ["A-1", "A-1"]
    [bundle] = (tmp_path / "jinja").rglob("*.bundle")  # one file for every string
    assert len(marshal.loads(bundle.read_bytes()[32:])) == 1


def _load_entry_point(checkout: Path):
    spec = importlib.util.spec_from_file_location(f"entry_{checkout.name}", checkout / "registry_extension.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _checkouts(tmp_path: Path, version: str, count: int) -> list[Path]:
    """Checkouts of one template version: this repo's extensions with a mark of their own."""
    checkouts = []
    for index in range(count):
        checkout = tmp_path / f"{version}-{index}"
        shutil.copytree(ROOT / "extensions", checkout)
        with (checkout / "dativo_gen" / "limits.py").open("a") as module:
            module.write(f"# template version {version} of {tmp_path}\n")
        checkouts.append(checkout)
    return checkouts


def test_the_package_code_is_compiled_once_and_imported_once_per_template_version(tmp_path, monkeypatch):
    """Every Copier run clones the template anew: the code is compiled once, and the checkouts
    of one version in one process (an update's, update_all's) share one import."""
    monkeypatch.setenv("DATIVO_GEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    first_checkout, second_checkout, third_checkout = _checkouts(tmp_path, "v1", 3)
    (other_checkout,) = _checkouts(tmp_path, "v2", 1)

    first = _load_entry_point(first_checkout)
    [bundle] = (tmp_path / "cache" / "python").rglob("*.bundle")  # one file for all modules
    written = bundle.read_bytes()
    package = first.DativoExtension.__module__.split(".")[0]
    modules = [module for name, module in sys.modules.items() if name.startswith(f"{package}.")]
    entries = marshal.loads(written[32:])
    assert len(entries) >= len(modules) > 5
    assert {hashlib.sha1(Path(module.__file__).read_bytes()).hexdigest() for module in modules} <= set(entries)

    # Copier removes each checkout when the Worker that cloned it ends, in any order: the modules
    # imported later come from one still there.
    shutil.rmtree(first_checkout)
    second = _load_entry_point(second_checkout)
    assert second.DativoExtension is first.DativoExtension
    assert _load_entry_point(third_checkout).DativoExtension is first.DativoExtension
    shutil.rmtree(third_checkout)
    assert f"{package}.update_report" not in sys.modules
    update_report = importlib.import_module(f"{package}.update_report")
    assert Path(update_report.__file__).is_relative_to(second_checkout)

    other = _load_entry_point(other_checkout)
    assert other.DativoExtension is not first.DativoExtension, "another version runs its own code"
    code_file = other.DativoExtension.hook.__code__.co_filename
    assert Path(code_file).is_relative_to(other_checkout), "tracebacks name the checkout that runs"
    entries = marshal.loads(bundle.read_bytes()[32:])
    assert hashlib.sha1((other_checkout / "dativo_gen" / "limits.py").read_bytes()).hexdigest() in entries


def test_the_registry_files_are_parsed_once_and_a_broken_entry_is_parsed_again(tmp_path, monkeypatch):
    monkeypatch.setenv("DATIVO_GEN_CACHE_DIR", str(tmp_path))
    first = load_registry(ROOT).read_all_recipes()
    entries = sorted((tmp_path / "parsed").rglob("*.marshal"))
    assert len(entries) == 1 + len(list((ROOT / "connectors").glob("*.yaml")))

    entries[0].write_bytes(b"not marshal data")
    assert load_registry(ROOT).read_all_recipes() == first
    assert sorted((tmp_path / "parsed").rglob("*.marshal")) == entries


@pytest.mark.parametrize(
    ("target", "variables"),
    [("iceberg", ["S3_BUCKET", "S3_ENDPOINT", "AWS_*"]), ("s3", ["S3_BUCKET"]), ("postgres", ["S3_BUCKET"])],
)
def test_the_target_connection_help_says_what_skipping_it_means_at_run_time(target, variables):
    connector = load_registry(ROOT).get(target)
    note = target_connection_note(connector)
    assert all(variable in note for variable in variables)
    assert ("not read yet" in note) == (not is_lake(connector))
