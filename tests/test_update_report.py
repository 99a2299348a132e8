"""What `copier update` says it did: the closing message of a real update, as Copier prints it.

Each test updates the spec's job in a git workspace with the real `copier update` and reads
the message on stderr: the files it changed, the ones it moved, the template version moved
from and to, and, framed at the very end, any conflict it left. One test types an update
at an 80-column terminal.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import sys
from pathlib import Path

import pexpect
import pytest
import yaml

from conftest import COPIER, EXAMPLE_ANSWERS, copy_template, generate, git, load_yaml, run_copier
from spec_example import ANSWERS_FILE, ASSET_FILE, JOB_FILE

RULE = "=" * 80
OWNER = "  owner: data-team@mycompany.com\n"
ANSI = re.compile(r"\x1b\[[0-9;?<>=]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]")


def commit(workspace: Path, message: str) -> None:
    git(workspace, "add", "-A")
    git(workspace, "commit", "-qm", message)


def build_workspace(template: Path, workspace: Path) -> Path:
    workspace.mkdir(parents=True)
    git(workspace, "init", "-q")
    generate(workspace, yaml.safe_load(EXAMPLE_ANSWERS.read_text()), template)
    commit(workspace, "the spec's job")
    return workspace


@pytest.fixture(scope="module")
def spec_job_once(committed_template, tmp_path_factory) -> Path:
    return build_workspace(committed_template, tmp_path_factory.mktemp("spec-job") / "workspace")


@pytest.fixture
def spec_job(spec_job_once, workspace) -> Path:
    """A fresh copy of the committed one-job workspace, .git included."""
    return Path(shutil.copytree(spec_job_once, workspace, symlinks=True))


def update(workspace: Path, *args: str) -> list[str]:
    """`copier update --trust --defaults -a <the spec job> ARGS`: the lines of the closing message."""
    status, stderr = run_copier("update", "--trust", "--defaults", "-a", ANSWERS_FILE, *args, str(workspace))
    assert status == 0, stderr
    lines = stderr.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("Update complete: job ")]
    assert len(starts) == 1, stderr
    return lines[starts[0] :]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def files_listed(message: list[str]) -> dict[str, str]:
    """{path: what happened to it} from the message's list of files."""
    start = message.index("Files this update changed:") + 1
    listed = {}
    for line in message[start:]:
        if not line.startswith("  ") or line.startswith("  git"):
            break
        if line.lstrip().startswith("->"):
            continue
        word, path = line.split()
        listed[path] = word
    return listed


def moved_listed(message: list[str]) -> list[tuple[str, str]]:
    return [
        (line.split()[1], after.split()[1])
        for line, after in itertools.pairwise(message)
        if line.startswith("  moved ") and after.lstrip().startswith("-> ")
    ]


def test_a_clean_update_lists_the_files_it_changed_and_how_to_commit(spec_job):
    message = update(spec_job, "--data", "retention_days=60")

    assert message[0] == "Update complete: job mycompany/stripe_customers_to_iceberg"
    assert files_listed(message) == {ANSWERS_FILE: "changed", ASSET_FILE: "changed"}
    commit_line = "  git commit -m 'dativo-gen: update mycompany/stripe_customers_to_iceberg'"
    assert message[-2:] == ["  git add -A", commit_line]
    assert not any("WARNING" in line for line in message)
    assert all(len(line) <= 80 for line in message), message
    assert load_yaml(spec_job / ASSET_FILE)["compliance"]["retention_days"] == 60


def test_an_update_that_changes_nothing_says_so(spec_job):
    message = update(spec_job)

    assert message[2] == "Nothing changed: the job's files already match its answers and the template."
    assert git(spec_job, "status", "--porcelain") == ""


def test_a_kept_hand_edit_is_no_conflict(spec_job):
    edit(spec_job / ASSET_FILE, OWNER, OWNER + "  slack: '#data'\n")
    commit(spec_job, "hand edit")

    message = update(spec_job, "--data", "retention_days=60")

    assert files_listed(message) == {ANSWERS_FILE: "changed", ASSET_FILE: "changed"}
    assert not any("conflict" in line.lower() for line in message)
    assert load_yaml(spec_job / ASSET_FILE)["team"] == {"owner": "data-team@mycompany.com", "slack": "#data"}


def warning_block(message: list[str]) -> list[str]:
    """The framed block, which must be the message's last lines."""
    assert message[-1] == RULE, message
    start = len(message) - 2 - message[-2::-1].index(RULE)
    return message[start:]


def test_a_conflicting_edit_ends_the_message_with_the_file_and_its_markers(spec_job):
    edit(spec_job / ASSET_FILE, "retention_days: 30", "retention_days: 45")
    commit(spec_job, "hand edit on the line the update changes")

    message = update(spec_job, "--data", "retention_days=60")

    assert message[2] == "  Conflicts left: 1 file, see the WARNING at the end"
    assert files_listed(message)[ASSET_FILE] == "conflict"
    block = warning_block(message)
    assert block[1] == "WARNING: the update left conflicts in 1 file. Resolve them before the job runs:"
    assert block[2:4] == [f"  {ASSET_FILE}", "    conflict markers <<<<<<< before updating ... >>>>>>> after updating"]
    assert "    git diff --check" in block
    assert all(len(line) <= 80 for line in message), message
    # what the message says is in the file: both answers between the markers
    text = (spec_job / ASSET_FILE).read_text()
    assert "<<<<<<< before updating\n  retention_days: 45\n=======\n  retention_days: 60\n>>>>>>>" in text


def test_hunks_left_in_a_rej_file_are_named_with_their_file(spec_job):
    edit(spec_job / ASSET_FILE, "retention_days: 30", "retention_days: 45")
    commit(spec_job, "hand edit on the line the update changes")

    message = update(spec_job, "--conflict", "rej", "--data", "retention_days=60")

    block = warning_block(message)
    assert block[2:4] == [f"  {ASSET_FILE}.rej", f"    hunks that did not apply to {ASSET_FILE}"]
    assert any("A .rej file holds your edits that did not apply" in line for line in block)
    assert (spec_job / f"{ASSET_FILE}.rej").is_file()


def test_a_rename_lists_each_file_from_its_old_to_its_new_path(spec_job):
    edit(spec_job / ASSET_FILE, OWNER, OWNER + "  slack: '#data'\n")
    commit(spec_job, "hand edit in a file that will move")

    message = update(spec_job, "--data", "asset_version=1.1", "--data", "target_connector=s3")

    new_answers = ".copier-answers/mycompany/stripe_customers_to_s3.yml"
    new_asset, new_job = "assets/stripe/v1.1/stripe_customers.yaml", "jobs/mycompany/stripe_customers_to_s3.yaml"
    assert message[0] == "Update complete: job mycompany/stripe_customers_to_s3"
    assert sorted(moved_listed(message)) == sorted(
        [(ANSWERS_FILE, new_answers), (ASSET_FILE, new_asset), (JOB_FILE, new_job)]
    )
    assert load_yaml(spec_job / new_asset)["team"] == {"owner": "data-team@mycompany.com", "slack": "#data"}
    assert not any("WARNING" in line for line in message)


def test_a_conflicting_edit_carried_to_a_moved_file_is_named_at_its_new_path(spec_job):
    edit(spec_job / ASSET_FILE, "retention_days: 30", "retention_days: 45")
    commit(spec_job, "hand edit on the line the update changes")

    message = update(spec_job, "--data", "asset_version=1.1", "--data", "retention_days=60")

    new_asset = "assets/stripe/v1.1/stripe_customers.yaml"
    assert (ASSET_FILE, new_asset) in moved_listed(message)
    block = warning_block(message)
    assert block[2:4] == [f"  {new_asset}", "    conflict markers <<<<<<< after updating ... >>>>>>> your edits"]


def test_the_message_names_the_template_versions_moved_from_and_to(tmp_path):
    template = copy_template(tmp_path / "template")
    git(template, "init", "-q")
    commit(template, "template 1.0.0")
    git(template, "tag", "1.0.0")
    workspace = build_workspace(template, tmp_path / "workspace")
    job_template = next((template / "template").rglob("job.yaml.jinja"))
    job_template.write_text(job_template.read_text() + "# runtime: dativo 2\n")
    commit(template, "template 2.0.0")
    git(template, "tag", "2.0.0")

    status, stderr = run_copier("update", "--trust", "--defaults", "-a", ANSWERS_FILE, str(workspace))

    assert status == 0, stderr
    message = stderr[stderr.index("Update complete") :].splitlines()
    assert message[1] == "  Template version: 1.0.0 -> 2.0.0"
    assert files_listed(message) == {ANSWERS_FILE: "changed", JOB_FILE: "changed"}
    assert load_yaml(workspace / ANSWERS_FILE)["_commit"] == "2.0.0"


# --- typed at a terminal -------------------------------------------------------

ENTER = "\r"
QUESTION = "🎤"


def interactive_update(workspace: Path, *args: str, columns: int = 80) -> str:
    """`copier update ARGS` at a terminal of `columns` columns, Enter typed at every question
    (each recorded answer kept); the text the terminal showed.

    Copier draws a question's 🎤 again once it is answered: the Enter sent then goes to the
    next question, which also takes its recorded answer, or to no question at all."""
    command, argv = (str(COPIER), []) if COPIER.is_file() else (sys.executable, ["-m", "copier"])
    argv += ["update", "--trust", "--vcs-ref", "HEAD", "-a", ANSWERS_FILE, *args, str(workspace)]
    env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(columns), LINES="50", PROMPT_TOOLKIT_NO_CPR="1")
    try:
        child = pexpect.spawn(command, argv, env=env, dimensions=(50, columns), timeout=120, encoding="utf-8")
    except OSError as error:  # no pty available on this machine
        pytest.skip(f"pexpect cannot spawn a pseudo-terminal: {error}")
    screen: list[str] = []
    try:
        while child.expect_exact([QUESTION, pexpect.EOF]) == 0:
            screen.append(child.before + child.after)
            child.send(ENTER)
        screen.append(child.before)
    except pexpect.TIMEOUT:
        pytest.fail("copier update stopped answering:\n" + ANSI.sub("", "".join(screen))[-3000:])
    finally:
        child.close(force=True)
    text = ANSI.sub("", "".join(screen)).replace("\r", "")
    assert child.exitstatus == 0, text[-3000:]
    return text


def test_an_interactive_update_that_conflicts_says_so_at_the_end(spec_job):
    edit(spec_job / ASSET_FILE, "retention_days: 30", "retention_days: 45")
    commit(spec_job, "hand edit on the line the update changes")

    screen = interactive_update(spec_job, "--data", "retention_days=60")

    message = screen[screen.index("Update complete: job") :].rstrip("\n").splitlines()
    assert files_listed(message)[ASSET_FILE] == "conflict", screen[-3000:]
    block = warning_block(message)
    assert block[2] == f"  {ASSET_FILE}"
    assert all(len(line) <= 80 for line in message), message
    assert "Traceback" not in screen
