"""Whatever text an answer holds, the generated files parse and give it back exactly.

Property-based: hypothesis draws free-text answers (descriptions, tags, paths, prefixes,
URIs, branches, emails) that pass the template's validators, including quotes, colons,
'#', leading '-', brackets, '&', '*', '!', '|', '>', '%', '@', backticks, line breaks,
tabs, YAML 1.1 booleans, numbers like 1e3 or 0o17, and any other Unicode.

The bulk of the examples renders the template's real asset and job files with the Jinja
environment Copier builds for this template (same extension, filters and settings), which
takes milliseconds; a smaller run goes through the whole `copier copy`.
"""

from __future__ import annotations

import shutil
import string
from typing import Any

import pytest
import yaml
from copier._main import Worker
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from conftest import copy_template, generate, generated_files
from dativo_gen import checks, location_checks

PARTS = "template/parts"
CSV_TO_ICEBERG = {"source_connector": "csv", "fields": "id:integer!, email", "target_connector": "iceberg"}
CSV_TO_CSV = {**CSV_TO_ICEBERG, "target_connector": "csv"}

# Everything a YAML emitter has to get right, mixed in with any other text.
TRICKY = [
    "'", '"', ":", ": ", "#", " #", "-", "- ", "{", "}", "[", "]", "&", "*", "!", "|", ">", "%", "@", "`",
    ",", "?", "\n", "\t", "\r", "\x85", "\u2028", "\x00", "\ufeff", "yes", "no", "on", "off", "~", "null",
    "1e3", "0o17", "0x1F", ".inf", "-.5", "1_000", "12:30", "2024-01-01", "---", "...", "<<", "=",
]  # fmt: skip
UNICODE = st.characters(blacklist_categories=("Cs",))
TEXT = st.lists(st.one_of(st.sampled_from(TRICKY), st.text(UNICODE, max_size=8)), max_size=8).map("".join)
ONE_LINE = st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Zl", "Zp"))
PATH = st.lists(st.one_of(st.sampled_from([t for t in TRICKY if t.isprintable()]), st.text(ONE_LINE, max_size=8)))
PATH_TEXT = PATH.map("".join).filter(lambda p: checks.check_path_text("p", p) == "")
PREFIX_SEGMENT = st.text(string.ascii_letters + string.digits + "!_.*'()=-", min_size=1, max_size=8).filter(
    lambda segment: segment not in (".", "..")
)
URL_TEXT = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=20)
LABEL = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=8)
EMAIL = st.builds("{}@{}.{}".format, st.text(string.ascii_letters + string.digits + "._%+'-", min_size=1), LABEL, LABEL)
BRANCH = st.builds("{}{}".format, st.sampled_from("abc_09"), st.text(string.ascii_letters + string.digits + "_-./"))


@st.composite
def free_text_answers(draw) -> dict[str, Any]:
    lake = draw(st.booleans())
    answers = dict(CSV_TO_ICEBERG if lake else CSV_TO_CSV)
    answers["description"] = draw(TEXT)
    answers["tags"] = draw(st.lists(TEXT.filter(str.strip), max_size=4))
    answers["owner"] = draw(EMAIL)
    answers["file_paths"] = draw(st.lists(PATH_TEXT, min_size=1, max_size=3))
    if lake:
        answers["s3_prefix"] = "/".join(draw(st.lists(PREFIX_SEGMENT, min_size=1, max_size=3)))
        answers["warehouse"] = f"s3://lake/{draw(URL_TEXT)}"
        answers["nessie_uri"] = f"https://nessie.acme.internal:19120/{draw(URL_TEXT)}"
        answers["target_branch"] = draw(BRANCH)
    else:
        answers["target_path"] = draw(PATH_TEXT)
    return answers


# The runtime reads YAML with PyYAML (YAML 1.1); other tools read YAML 1.2, where 1e3 is a number.
YAML_1_2 = YAML(typ="safe", pure=True)
PYYAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
PARSERS = {"YAML 1.1": lambda text: yaml.load(text, Loader=PYYAML_LOADER), "YAML 1.2": YAML_1_2.load}

VALIDATORS = {
    "description": checks.check_text,
    "tags": checks.check_tags,
    "owner": checks.check_email,
    "file_paths": checks.check_path_list,
    "s3_prefix": location_checks.check_s3_prefix,
    "warehouse": location_checks.check_warehouse,
    "nessie_uri": location_checks.check_http_url,
    "target_branch": checks.check_branch,
    "target_path": checks.check_path_text,
}


def valid(answers: dict[str, Any]) -> bool:
    return all(check(key, answers[key]) == "" for key, check in VALIDATORS.items() if key in answers)


def answered_back(asset: dict[str, Any], job: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """The free-text answers as read back from the parsed files."""
    found = {
        "description": (asset.get("description") or {}).get("purpose", ""),
        "tags": asset["tags"],
        "owner": asset["team"]["owner"],
        "file_paths": [entry["path"] for entry in job["source"]["files"]],
    }
    target = job["target"]
    if "s3_prefix" in answers:
        found["s3_prefix"] = target["connection"]["s3"]["prefix"]
        found["warehouse"] = target["warehouse"]
        found["nessie_uri"] = target["connection"]["nessie"]["uri"]
        found["target_branch"] = target["branch"]
    else:
        found["target_path"] = target["path"]
    return found


def expected(answers: dict[str, Any]) -> dict[str, Any]:
    return {key: answers[key] for key in VALIDATORS if key in answers}


@pytest.fixture(scope="module")
def recorded_answers(tmp_path_factory) -> dict[str, dict[str, Any]]:
    """Complete answers of real copies, as the templates see them."""
    recorded = {}
    for name, answers in (("lake", CSV_TO_ICEBERG), ("files", CSV_TO_CSV)):
        recorded[name] = generate(tmp_path_factory.mktemp(name) / "workspace", answers)
    return recorded


@pytest.fixture(scope="module")
def render_files(tmp_path_factory, recorded_answers):
    """Render the template's asset and job files for a set of answers, as Copier would."""
    template = copy_template(tmp_path_factory.mktemp("template") / "template")
    # The internal Worker builds exactly the environment `copier copy` renders with.
    environment = Worker(src_path=str(template), dst_path=str(template.parent / "out"), unsafe=True).jinja_env
    asset_template = environment.get_template(f"{PARTS}/asset.yaml.jinja")
    job_template = environment.get_template(f"{PARTS}/job.yaml.jinja")
    conf = {"answers_file": ".copier-answers/acme/job.yml", "data": {}, "defaults": True, "overwrite": True}

    def render(answers: dict[str, Any]) -> tuple[str, str]:
        base = recorded_answers["lake" if "s3_prefix" in answers else "files"]
        context = {**base, **answers, "_copier_conf": conf}
        return asset_template.render(context), job_template.render(context)

    yield render
    shutil.rmtree(template.parent, ignore_errors=True)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=free_text_answers())
def test_rendered_files_give_back_every_free_text_answer(render_files, answers):
    assume(valid(answers))
    asset_text, job_text = render_files(answers)
    for parser, load in PARSERS.items():
        assert answered_back(load(asset_text), load(job_text), answers) == expected(answers), parser


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=free_text_answers())
def test_copier_copy_gives_back_every_free_text_answer(tmp_path_factory, answers):
    assume(valid(answers))
    workspace = tmp_path_factory.mktemp("roundtrip") / "workspace"
    recorded = generate(workspace, answers)
    asset, job = generated_files(workspace, recorded)
    assert answered_back(asset, job, answers) == expected(answers)
    shutil.rmtree(workspace.parent)


def test_the_round_trip_sees_the_tricky_values(render_files):
    """One fixed example, so a change that drops the tricky values from the strategy shows."""
    answers = {
        **CSV_TO_CSV,
        "description": "yes: #1 - {a: [b]} & *c !d |e >f %g @h `i`\n\ttab 1e3 0o17 \u2028 end",
        "tags": ["no", "on", "1e3", "0o17", "- x", "a: b", "#c", "~", "null"],
        "owner": "o'brien+data@acme.io",
        "file_paths": ["gdrive://acme/{x}[y]&z*!|>%@`.csv", "- lead.csv"],
        "target_path": "out: #1.csv",
    }
    assert valid(answers)
    asset_text, job_text = render_files(answers)
    for parser, load in PARSERS.items():
        assert answered_back(load(asset_text), load(job_text), answers) == expected(answers), parser
