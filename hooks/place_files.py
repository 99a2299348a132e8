"""Post-generation task: validate the staged asset and job, then move them and the answers into place.

Copier renders the asset, the job and the answers file as one staged file (see
staged_bundle.py) into a staging folder of its own run (.dativo-gen/staging/<run>/,
git-ignored: see template/.dativo-gen/.gitignore), which this task unpacks there. Only
when each generated file parses and passes its JSON Schema, the job what `dativo run`
checks (hooks/staged_checks.py), and every target stays inside the workspace (see
extensions/dativo_gen/inside.py), are the three moved to their final paths, the answers
last; so invalid output never lands in assets/ or jobs/ and a job's files never
disagree. On failure the staging folder is removed and the task exits 1 with one line
per problem; nothing else was written. Staging folders of runs that died are removed
too: they are never used.

The checks usually ran already, in Copier's process when it rendered this command
(extensions/dativo_gen/staged_output.py): then --checked gives the SHA-256 digests of
the asset and the job that passed, and the files move when they still have them. This
task starts with the standard library only (copier.yml runs it with `python -S`) and
needs PyYAML only to check files itself: without --checked, with other digests, or after
a failed check in Copier, whose messages it then prints.

Copier runs the tasks three times during `copier update`: in the workspace and in the two
throwaway copies it diffs (old and new version), where the extension moves the files in
Copier's process instead (extensions/dativo_gen/staged_output.py, placed_in_throwaway_copy).
It is idempotent and works relative to the current folder.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from inside_module import load_inside
from staged_bundle import PARTS, STAGED_FILE, digests, remove_staging, unpack

STAGING_ROOT = ".dativo-gen/staging"
OPTIONS = ("staging", "asset", "job", "answers_file", "checked")
REQUIRED = ("staging", "asset", "job", "answers_file")
USAGE = "--staging DIR --asset FILE --job FILE --answers-file FILE [--checked DIGESTS]"


def read_bytes(path: str) -> bytes:
    with open(path, "rb") as file:
        return file.read()


class UnreadableStaging(Exception):
    """The staged file is missing, cut short or not one (see staged_bundle.py)."""


def unpack_staged(staging: str) -> dict[str, bytes]:
    """The staged file's parts, each also written beside it to be checked and moved."""
    try:
        parts = unpack(read_bytes(os.path.join(staging, STAGED_FILE)))
        for name, data in parts.items():
            with open(os.path.join(staging, name), "wb") as file:
                file.write(data)
    except (OSError, ValueError) as error:
        raise UnreadableStaging(f"the staged files cannot be read: {error}") from None
    return parts


def check_here(options: dict[str, str]) -> list[str]:
    """The checks, run in this process: with the environment's packages (user site included, as
    Copier has them), which -S left out."""
    if sys.flags.no_site:
        import site

        site.main()
    from pathlib import Path

    import staged_checks

    def staged(name: str, final: str) -> tuple[bytes | OSError, str]:
        return staged_checks.read_staged(Path(options["staging"], name)), final

    return staged_checks.staged_problems(
        staged("asset.yaml", options["asset"]), staged("job.yaml", options["job"]), staged_checks.template_job_problems
    )


def place_file(staged: str, final: str) -> None:
    """Move, overwriting: running twice gives the same result."""
    if os.path.dirname(final):
        os.makedirs(os.path.dirname(final), exist_ok=True)
    os.replace(staged, final)


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process
        return True
    return True


def remove_dead_staging() -> None:
    """Staging folders (named <pid>-<random>) of Copier processes that no longer run: never used again."""
    try:
        entries = list(os.scandir(STAGING_ROOT))
    except OSError:
        return
    for entry in entries:
        pid = entry.name.partition("-")[0]
        if entry.is_dir(follow_symlinks=False) and pid.isdigit() and not process_alive(int(pid)):
            import shutil

            shutil.rmtree(entry.path, ignore_errors=True)


def parse_options(argv: list[str]) -> dict[str, str]:
    """USAGE, parsed by hand: argparse or getopt take longer to import than this whole task."""
    if len(argv) % 2:
        raise SystemExit(f"place_files.py: option {argv[-1]} has no value\n{USAGE}")
    options = {}
    for flag, value in zip(argv[::2], argv[1::2], strict=True):
        name = flag[2:].replace("-", "_")
        if not flag.startswith("--") or name not in OPTIONS:
            raise SystemExit(f"place_files.py: unknown option {flag}\n{USAGE}")
        options[name] = value
    if missing := [name for name in REQUIRED if name not in options]:
        raise SystemExit(f"place_files.py: missing --{missing[0].replace('_', '-')}\n{USAGE}")
    return options


def main(argv: list[str] | None = None) -> int:
    args = parse_options(sys.argv[1:] if argv is None else argv)
    staging = args["staging"]
    inside = load_inside()
    staged = [os.path.join(staging, name) for name in PARTS]
    finals = [args["asset"], args["job"], args["answers_file"]]
    if escaped := inside.escapes(".", [os.path.join(staging, STAGED_FILE), *staged, *finals]):
        print(inside.refusal(escaped), file=sys.stderr)
        return 1
    remove_dead_staging()
    try:
        parts = unpack_staged(staging)
    except UnreadableStaging as error:
        problems = [str(error)]
    else:
        problems = [] if args.get("checked") == digests(parts) else check_here(args)
    if problems:
        remove_staging(staging)
        print("dativo-gen: generated files are invalid; nothing was written:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    try:
        # The answers last; the Copier process puts back what was placed if this fails (see journal.py).
        for source, final in zip(staged, finals, strict=True):
            place_file(source, final)
    except OSError as error:  # a read-only folder, a full disk
        remove_staging(staging)
        print(f"dativo-gen: cannot place the generated files: {error}", file=sys.stderr)
        return 1
    remove_staging(staging)
    return 0


if __name__ == "__main__":
    sys.exit(main())
