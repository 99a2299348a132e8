"""copier.yml stays consistent: Copier silently drops misspelt keys, so we check them here."""

from __future__ import annotations

import pytest

from conftest import ROOT, load_yaml

COPIER_YML = load_yaml(ROOT / "copier.yml")
QUESTIONS = {key: value for key, value in COPIER_YML.items() if not key.startswith("_")}
KEY_ORDER = ["type", "help", "default", "choices", "multiselect", "validator", "when", "ask"]

# The public answer keys people script against (issue #2); add, never rename.
PUBLIC_ANSWER_KEYS = [
    "tenant_id",
    "deployment_mode",
    "source_connector",
    "asset_name",
    "object_name",
    "asset_version",
    "description",
    "schema_source",  # issue #5
    "sample_path",
    "schema_table",
    "starter_fields",
    "fields",
    "pii_fields",
    "sensitive_fields",
    "owner",
    "domain",  # issue #12
    "data_product",
    "tags",
    "retention_days",
    "file_format",
    "partitioning",
    "schema_mode",
    "asset_format",
    "environment",
    "objects",
    "incremental",
    "lookback_days",
    "table_name",
    "cursor_field",
    "file_paths",
    "configure_connection",
    "target_connector",
    "target_branch",
    "warehouse",
    "configure_target_connection",
    "s3_bucket",
    "s3_prefix",
    "configure_nessie",
    "nessie_uri",
    "log_level",
    "log_redaction",
    "job_name",
    "assets_dir",
    "jobs_dir",
    "runtime_root",
]


def test_every_public_answer_key_is_a_question():
    assert set(PUBLIC_ANSWER_KEYS) <= set(QUESTIONS)


@pytest.mark.parametrize("name", sorted(QUESTIONS))
def test_question_has_type_help_and_known_keys_in_order(name):
    question = QUESTIONS[name]
    # A list or mapping question is text at the prompt, YAML for a structure (list_answers.py).
    assert question.get("type") in {"str", "int", "bool", "yaml", f"{{{{ text_or_yaml('{name}') }}}}"}
    assert question.get("help")
    keys = list(question)
    assert set(keys) <= set(KEY_ORDER), f"{name}: unknown keys {set(keys) - set(KEY_ORDER)}"
    assert keys == sorted(keys, key=KEY_ORDER.index), f"{name}: keys out of order {keys}"


def test_template_files_render_through_the_serializer_filters():
    for path in (ROOT / "template").rglob("*.yaml.jinja"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if "{{" in line and not line.lstrip().startswith("{{ generated_header"):
                assert "| yaml_value" in line or "| yaml_block" in line, f"{path.name}:{number}: {line}"


@pytest.mark.parametrize("name", sorted(QUESTIONS))
def test_help_lines_fit_an_80_column_terminal(name):
    """Copier cuts a prompt's lines at the terminal's width; the first follows "🎤 ".

    Lines with Jinja are rendered from the registry; the extension fits those (questions.fitted)."""
    for number, line in enumerate(QUESTIONS[name]["help"].splitlines()):
        if "{{" not in line:
            assert len(line) <= (77 if number == 0 else 79), f"{name}: {line}"
