"""Benchmark: cost against the number of fields, and how fast hostile input is refused.

  fields    copier copy (in-process) of a csv job with N fields, all marked PII, for
            N = 1,000 ... 10,000; prints seconds and milliseconds per field. Linear
            work shows as a flat ms/field column (it was quadratic: 10,000 took minutes).
  refusals  copier copy with an alias bomb in --data-file, and with a 50 MB `fields`
            value given with --data (which Copier does not parse) and in --data-file
            (which Copier parses itself, before the template loads).

Runs against this checkout's working tree (--vcs-ref HEAD); the exit code is 0 either way.
"""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "extensions")]

from test_hostile_input import ALIAS_BOMB, FIFTY_MB  # noqa: E402

from conftest import generate, run_copier  # noqa: E402

FIELD_COUNTS = (1_000, 2_500, 5_000, 10_000)
COPY = ["copy", "--trust", "--defaults", "--quiet", "--vcs-ref", "HEAD"]


def time_fields(count: int, workdir: Path) -> float:
    names = [f"column_{index}" for index in range(count)]
    answers = {"source_connector": "csv", "fields": names, "pii_fields": names, "file_paths": ["in.csv"]}
    start = time.perf_counter()
    with contextlib.redirect_stderr(io.StringIO()):
        generate(workdir / f"fields-{count}", answers)
    return time.perf_counter() - start


def time_refusal(*args: str) -> tuple[float, str]:
    start = time.perf_counter()
    status, stderr = run_copier(*COPY, *args)
    elapsed = time.perf_counter() - start
    return elapsed, f"exit {status}: {stderr.strip().splitlines()[-1][:70]}"


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="dativo-bench-hostile-") as tmp:
        workdir = Path(tmp)
        print(f"{'fields':>8} {'seconds':>8} {'ms/field':>9}")
        for count in FIELD_COUNTS:
            elapsed = time_fields(count, workdir)
            print(f"{count:>8,} {elapsed:8.2f} {elapsed * 1000 / count:9.3f}")

        bomb = workdir / "bomb.yml"
        bomb.write_text(f"source_connector: stripe\ntags: {ALIAS_BOMB}\n", encoding="utf-8")
        big = workdir / "big.yml"
        line = "id_" + "x" * 60 + ",\n"
        with big.open("w", encoding="utf-8") as file:
            file.write("source_connector: csv\nfields: |\n")
            file.writelines("  " + line for _ in range(FIFTY_MB // len(line)))
        cases = {
            "alias bomb, --data-file": ["--data-file", str(bomb)],
            "50 MB, --data": ["--data", "source_connector=csv", "--data", "fields=" + "x" * FIFTY_MB],
            "50 MB, --data-file": ["--data-file", str(big)],
        }
        print()
        for name, args in cases.items():
            elapsed, outcome = time_refusal(*args, str(ROOT), str(workdir / "refused"))
            print(f"{name:24} {elapsed:7.2f}s  {outcome}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
