"""The spec's example session, typed at the real `copier copy` prompts in a pseudo-terminal.

No --data and no --defaults: every question is answered the way a person would, with arrow
keys, space, Ctrl-U and Enter, and the generated files must be the spec's.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pexpect
import pytest
import yaml

from conftest import COPIER, ROOT, copy_spec_example, git, missing_from
from spec_example import ANSWERS_FILE, ASSET_FILE, JOB_FILE, SPEC_JOB, SPEC_SCHEMA

ENTER = "\r"
DOWN = "\x1b[B"
UP = "\x1b[A"
CLEAR = "\x15"  # Ctrl-U: wipe the pre-filled default of a text prompt
TIMEOUT = 30  # seconds per prompt

# The source connector choices, in the order Copier lists them (sorted by name).
SOURCE_CONNECTORS = ["csv", "gdrive_csv", "google_sheets", "hubspot", "mysql", "postgres", "stripe"]


def pick(choices: list[str], choice: str) -> str:
    """Keys that move a select prompt's cursor from the first choice to `choice` and confirm."""
    return DOWN * choices.index(choice) + ENTER


def retype(value: str) -> str:
    """Keys that replace a text prompt's pre-filled default with `value`."""
    return CLEAR + value + ENTER


# (distinctive text of the prompt, keys to send once it is on screen), in the order Copier asks.
SESSION: list[tuple[str, str]] = [
    # A bad answer shows the validator's message and the same question again.
    ("Tenant ID, the team or customer", retype("my/company")),
    ("'my/company' is not a valid name", retype("mycompany")),
    # no: deployment mode, asset format, job name, folders and runtime root take their defaults
    ("Show the advanced questions?", ENTER),
    ("Source connector (from registry", pick(SOURCE_CONNECTORS, "stripe")),
    # The help starts with the stripe summary; the question itself is its last line.
    ("Asset name (e.g. stripe_customers", retype("stripe_customers")),
    ("Object, table or file the asset reads", ENTER),  # suggested from the asset name: customers
    ("Asset version", ENTER),  # 1.0
    ("What the dataset is for", ENTER),  # empty description
    # select: the cursor starts on stripe's default, catalog (none, sample, catalog); the spec types its fields
    ("Where the schema comes from", UP * 2 + ENTER),
    ("Start the schema with these fields?", ENTER),  # yes: keep the starter fields id and created
    # A type: yaml question typed as one line; the prompt starts empty.
    ("Fields, comma-separated: name:type", "email, created:timestamp!, balance:double" + ENTER),
    ("Fields holding personal data (PII)", ENTER),  # pre-filled: email
    ("Other sensitive fields (SENSITIVE)", retype("")),  # balance is suggested; the spec leaves it unclassified
    ("Owner email", retype("data-team")),
    ("'data-team' is not an email address", retype("data-team@mycompany.com")),
    ("Data domain (optional", ENTER),  # empty: the runtime writes to default/
    ("Data product within the domain", ENTER),  # empty
    ("Tags, comma-separated", ENTER),  # stripe, customers
    ("Retention in days", retype("30")),
    ("File format of the landed data", ENTER),  # parquet, the only choice
    ("Partitioning columns, comma-separated", ENTER),  # ingest_date
    ("Schema evolution mode", ENTER),  # strict
    ("Environment", ENTER),  # dev
    ("Objects to sync, comma-separated", ENTER),  # customers
    ("Enable incremental sync?", ENTER),  # yes
    ("Cursor field for incremental sync", ENTER),  # created, stripe's cursor
    ("Lookback days", ENTER),  # 1, stripe's suggestion
    ("Target connector (from registry", ENTER),  # select: iceberg is the default
    ("Nessie branch to write to", ENTER),  # mycompany
    ("Warehouse location", ENTER),  # s3://lake/mycompany/
    ("Configure the target connection?", ENTER),  # yes
    ("S3/MinIO bucket", retype("My_Bucket")),
    ("is not a valid S3 bucket name", retype("mycompany-data-lake")),  # 'My_Bucket' is on the line above
    ("S3 key prefix", ENTER),  # raw/stripe/stripe_customers
    ("Commit to the Nessie catalog", ENTER),  # yes
    ("Nessie URI", ENTER),  # http://nessie.mycompany.internal:19120/api/v1
    ("Rows that do not fit the asset's types", ENTER),  # select: strict is the default
    ("Log level", ENTER),  # select: INFO is the default
    ("Enable log redaction?", ENTER),  # yes
]

ANSI = re.compile(r"\x1b\[[0-9;?<>=]*[A-Za-z]|\x1b[()][A-Z0-9]")


COLUMNS = 80  # the terminal a person has: every prompt and message must read whole in it


class Terminal:
    """Copier running in an 80-column pseudo-terminal, with everything it printed kept for errors."""

    def __init__(self, copier_args: list[str], cwd: Path | None = None) -> None:
        if COPIER.is_file():
            command, args = str(COPIER), []
        else:
            command, args = sys.executable, ["-m", "copier"]
        args += copier_args
        env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(COLUMNS), LINES="50")
        # prompt_toolkit asks the terminal for the cursor position; pexpect never answers,
        # which costs a delay and a warning at the first prompt.
        env["PROMPT_TOOLKIT_NO_CPR"] = "1"
        self.log: list[str] = []
        try:
            self.child = pexpect.spawn(
                command,
                args,
                env=env,
                dimensions=(50, COLUMNS),
                cwd=cwd,
                timeout=TIMEOUT,
                encoding="utf-8",
                codec_errors="replace",
            )
        except OSError as error:  # no pty available on this machine
            pytest.skip(f"pexpect cannot spawn a pseudo-terminal: {error}")
        self.child.logfile_read = self

    # pexpect writes everything it reads here (it expects a file-like object).
    def write(self, text: str) -> None:
        self.log.append(text)

    def flush(self) -> None:
        pass

    def tail(self, chars: int = 3000) -> str:
        screen = ANSI.sub("", "".join(self.log)).replace("\r", "")
        return f"--- last {chars} characters of the terminal ---\n{screen[-chars:]}"

    def answer(self, prompt: str, keys: str) -> None:
        try:
            self.child.expect_exact(prompt)
        except pexpect.TIMEOUT:
            pytest.fail(f"no prompt {prompt!r} within {TIMEOUT}s\n{self.tail()}")
        except pexpect.EOF:
            pytest.fail(f"copier exited before the prompt {prompt!r}\n{self.tail()}")
        self.child.send(keys)

    def finish(self) -> None:
        try:
            self.child.expect(pexpect.EOF, timeout=120)
        except pexpect.TIMEOUT:
            self.child.terminate(force=True)
            pytest.fail(f"copier did not exit after the last answer\n{self.tail()}")
        self.child.close()
        assert self.child.exitstatus == 0, f"copier exited with {self.child.exitstatus}\n{self.tail()}"


def run_session(
    dst: Path, session: list[tuple[str, str]], copier_args: list[str] | None = None, chars: int = 3000
) -> str:
    """Answer every prompt of a session in a fresh terminal; the terminal's last `chars`, for messages.

    A `copier copy` of the template into dst, unless other arguments are given (run in dst)."""
    if copier_args is None:
        terminal = Terminal(["copy", "--trust", "--vcs-ref", "HEAD", str(ROOT), str(dst)])
    else:
        terminal = Terminal(copier_args, cwd=dst)
    try:
        for prompt, keys in session:
            terminal.answer(prompt, keys)
        terminal.finish()
    finally:
        if terminal.child.isalive():
            terminal.child.terminate(force=True)
    return terminal.tail(chars)


def test_spec_session_typed_at_the_prompts(tmp_path):
    dst = tmp_path / "workspace"
    tail = run_session(dst, SESSION)

    assert (dst / ANSWERS_FILE).is_file(), f"no answers file {ANSWERS_FILE}\n{tail}"
    for relative in (ASSET_FILE, JOB_FILE):
        assert (dst / relative).is_file(), f"{relative} was not generated\n{tail}"

    job = yaml.safe_load((dst / JOB_FILE).read_text(encoding="utf-8"))
    assert missing_from(job, SPEC_JOB) == [], tail

    asset = yaml.safe_load((dst / ASSET_FILE).read_text(encoding="utf-8"))
    assert asset["name"] == "stripe_customers", tail
    assert asset["source_type"] == "stripe", tail
    assert asset["object"] == "customers", tail
    assert asset["version"] == "1.0", tail
    assert asset["schema"] == SPEC_SCHEMA, tail
    assert asset["compliance"] == {"classification": ["PII"], "retention_days": 30}, tail
    assert asset["team"] == {"owner": "data-team@mycompany.com"}, tail
    assert asset["tags"] == ["stripe", "customers"], tail
    assert asset["target"] == {"file_format": "parquet", "partitioning": ["ingest_date"], "mode": "strict"}, tail


# A csv job named people, up to its schema's source.
CSV_SESSION_UNTIL_SCHEMA: list[tuple[str, str]] = [
    ("Tenant ID, the team or customer", ENTER),
    ("Show the advanced questions?", ENTER),
    ("Source connector (from registry", pick(SOURCE_CONNECTORS, "csv")),
    ("Asset name (e.g. stripe_customers", retype("people")),
    ("Object, table or file the asset reads", ENTER),
    ("Asset version", ENTER),
    ("What the dataset is for", ENTER),
]

# A csv job's questions after its fields, each taking its default.
CSV_SESSION_AFTER_FIELDS: list[tuple[str, str]] = [
    ("Fields holding personal data (PII)", ENTER),  # pre-filled: email
    ("Other sensitive fields (SENSITIVE)", ENTER),
    *((prompt, ENTER) for prompt in ("Owner email", "Data domain", "Data product", "Tags, comma-separated")),
    ("Retention in days", ENTER),
    *((prompt, ENTER) for prompt in ("File format of the landed data", "Partitioning columns", "Schema evolution")),
    *((prompt, ENTER) for prompt in ("Environment", "File paths or identifiers")),
    *((prompt, ENTER) for prompt in ("Enable incremental sync?", "Lookback days", "Target connector (from")),
    *((prompt, ENTER) for prompt in ("Nessie branch", "Warehouse location", "Configure the target connection?")),
    *((prompt, ENTER) for prompt in ("S3/MinIO bucket", "S3 key prefix", "Commit to the Nessie catalog")),
    *((prompt, ENTER) for prompt in ("Nessie URI", "Rows that do not fit", "Log level", "Enable log redaction?")),
]


def test_fields_inferred_from_a_sample_are_the_editable_default(tmp_path):
    sample = tmp_path / "people.csv"
    sample.write_text("person_id,email,born\n1,a@example.com,1990-01-01\n2,b@example.com,\n")
    dst = tmp_path / "workspace"
    session = [
        *CSV_SESSION_UNTIL_SCHEMA,
        ("Where the schema comes from", DOWN + ENTER),  # none, sample: no sample given yet, so none is the default
        ("Sample file to infer the fields from", str(sample) + ENTER),
        # the help says where the list came from; the prompt is pre-filled with it
        ("Inferred from sample people.csv (CSV, ','-separated, with header, 2 rows", ""),
        # the pre-filled list is typed as a person types it: append a field to it
        ("Fields, comma-separated: name:type", ", note" + ENTER),
        *CSV_SESSION_AFTER_FIELDS,
    ]
    tail = run_session(dst, session)
    asset = yaml.safe_load((dst / "assets" / "csv" / "v1.0" / "people.yaml").read_text(encoding="utf-8"))
    assert asset["schema"] == [
        {"name": "person_id", "type": "integer", "required": True},
        {"name": "email", "type": "string", "required": True, "classification": "PII"},
        {"name": "born", "type": "date", "required": False},
        {"name": "note", "type": "string", "required": False},
    ], tail


def test_a_file_source_without_a_sample_asks_for_its_fields(tmp_path):
    """csv has no starter fields: with nothing to infer, the fields are typed at an empty prompt."""
    dst = tmp_path / "workspace"
    session = [
        *CSV_SESSION_UNTIL_SCHEMA,
        ("Where the schema comes from", ENTER),  # none: no sample given
        # An empty answer is an empty schema: said so, and asked again.
        ("Fields, comma-separated: name:type", ENTER),
        ("the schema is empty", "person_id:integer!, email" + ENTER),
        *CSV_SESSION_AFTER_FIELDS,
    ]
    tail = run_session(dst, session)
    asset = yaml.safe_load((dst / "assets" / "csv" / "v1.0" / "people.yaml").read_text(encoding="utf-8"))
    assert asset["schema"] == [
        {"name": "person_id", "type": "integer", "required": True},
        {"name": "email", "type": "string", "required": False, "classification": "PII"},
    ], tail


# The spec session's questions as an update asks them again, each pre-filled with its answer.
REFUSED_ANSWERS = ("'my/company' is not a valid name", "'data-team' is not an email address", "is not a valid S3")
UPDATE_SESSION = [(prompt, ENTER) for prompt, _ in SESSION if not prompt.startswith(REFUSED_ANSWERS)]


def spec_job_in_git(workspace: Path) -> None:
    workspace.mkdir()
    git(workspace, "init", "-q")
    copy_spec_example(workspace)
    git(workspace, "add", "-A")
    git(workspace, "commit", "-qm", "the spec job")


def test_an_update_pre_fills_lists_as_typed_and_takes_appended_items(tmp_path):
    """The recorded lists come back as one line, without YAML punctuation, and a field added
    to them comes pre-selected as PII when its name says so."""
    workspace = tmp_path / "workspace"
    spec_job_in_git(workspace)
    appended = {
        "Fields, comma-separated: name:type": ", phone" + ENTER,  # after email, created:timestamp!, balance:double
        "Tags, comma-separated": ", sales" + ENTER,  # after stripe, customers
    }
    session = [(prompt, appended.get(prompt, keys)) for prompt, keys in UPDATE_SESSION]
    # The PII prompt offers the recorded email and the new phone.
    pii = next(index for index, (prompt, _) in enumerate(session) if prompt.startswith("Fields holding personal"))
    session.insert(pii + 1, ("email, phone", ""))
    tail = run_session(
        workspace,
        session,
        ["update", "--trust", "--vcs-ref", "HEAD", "--conflict", "inline", "-a", ANSWERS_FILE],
        chars=100_000,  # the whole session
    )

    assert not re.search(r"^\s*\.\.\.\s*$", tail, re.MULTILINE), tail  # no YAML end-of-document line
    assert "[stripe" not in tail and "Traceback" not in tail, tail
    asset = yaml.safe_load((workspace / ASSET_FILE).read_text(encoding="utf-8"))
    assert asset["tags"] == ["stripe", "customers", "sales"], tail
    assert asset["schema"][-1] == {"name": "phone", "type": "string", "required": False, "classification": "PII"}
    answers = yaml.safe_load((workspace / ANSWERS_FILE).read_text(encoding="utf-8"))
    assert (answers["fields"], answers["pii_fields"]) == (
        "email, created:timestamp!, balance:double, phone",
        "email, phone",
    )


def test_a_scripted_connector_asked_with_ask_offers_every_connector(tmp_path):
    """Copier renders only the scripted connector's choice (answered_choices.py), unless told to ask."""
    dst = tmp_path / "workspace"
    options = ("--defaults", "--data", "source_connector=stripe", "--ask", "source_connector")
    terminal = Terminal(["copy", "--trust", "--vcs-ref", "HEAD", *options, str(ROOT), str(dst)])
    try:
        # The cursor starts on the scripted stripe; three up is hubspot.
        terminal.answer("Source connector (from registry", UP * 3 + ENTER)
        terminal.finish()
    finally:
        if terminal.child.isalive():
            terminal.child.terminate(force=True)
    (answers_file,) = (dst / ".copier-answers" / "acme").glob("*.yml")
    assert yaml.safe_load(answers_file.read_text(encoding="utf-8"))["source_connector"] == "hubspot", terminal.tail()
