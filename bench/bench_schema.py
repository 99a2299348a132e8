"""Benchmark: schema inference from samples and live tables.

  samples  infer_sample() on a 1 MB CSV (the baseline) and on a 1 GB CSV with the same
           rows, run alternately for --rounds rounds after a warm-up; the target is a
           median ratio of at most 1.10, since only the head of a file is read.
  tables   introspect_table() on a 500-column table and on a 5-column table (the
           baseline), connection included, against private PostgreSQL and MariaDB
           servers started for the run; the target is a median under 1 second.

Both CSV files are written to a temporary folder and deleted at the end. The exit code
is 0 either way; the figures and verdicts are printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "extensions"), str(ROOT / "tests")]

from dativo_gen.infer.database import introspect_table  # noqa: E402
from dativo_gen.infer.sample import infer_sample  # noqa: E402
from dativo_gen.registry import load_registry  # noqa: E402
from dativo_gen.schema_source import introspection  # noqa: E402
from db_servers import Server, ServerUnavailable, running_server  # noqa: E402

MB = 1_000_000
SAMPLE_RATIO_TARGET = 1.10
TABLE_SECONDS_TARGET = 1.0
WIDE_COLUMNS = 500
COLUMN_TYPES = {"postgres": ["bigint", "integer", "double precision", "boolean", "date", "timestamp", "text"]}
COLUMN_TYPES["mysql"] = ["bigint", "int", "double", "tinyint(1)", "date", "datetime", "text"]


def write_csv(path: Path, size: int) -> None:
    """A CSV of `size` bytes: a header, then the same block of typed rows over and over."""
    header = "id,email,amount,active,signup_date,updated_at,notes\n"
    rows = "".join(
        f"{i},user{i}@example.com,{i * 1.25:.2f},{'true' if i % 2 else 'false'},2024-01-{i % 28 + 1:02d},"
        f"2024-05-01 12:{i % 60:02d}:00,note {i}\n"
        for i in range(20_000)
    )
    with path.open("w") as file:
        file.write(header)
        written = len(header)
        while written < size:
            chunk = rows[: size - written]
            file.write(chunk)
            written += len(chunk)


def alternate(cases: dict[str, Callable[[], object]], rounds: int, warmup: int = 3) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {name: [] for name in cases}
    for index in range(warmup + rounds):
        for name, run in cases.items():
            start = time.perf_counter()
            run()
            elapsed = time.perf_counter() - start
            if index >= warmup:
                timings[name].append(elapsed)
    return timings


def report(title: str, timings: dict[str, list[float]], unit: float = 1e3, suffix: str = "ms") -> None:
    print(f"\n{title}")
    print(f"  {'':12} {'median':>10} {'min':>10} {'max':>10}")
    for name, values in timings.items():
        figures = (statistics.median(values) * unit, min(values) * unit, max(values) * unit)
        print(f"  {name:12} " + " ".join(f"{figure:8.2f}{suffix}" for figure in figures))


def bench_samples(rounds: int) -> None:
    with tempfile.TemporaryDirectory(prefix="dativo-bench-schema-") as tmp:
        small, large = Path(tmp) / "sample_1mb.csv", Path(tmp) / "sample_1gb.csv"
        write_csv(small, MB)
        started = time.perf_counter()
        write_csv(large, 1000 * MB)
        print(f"wrote {large.stat().st_size / MB:.0f} MB sample in {time.perf_counter() - started:.1f} s")
        assert infer_sample(str(small)).fields == infer_sample(str(large)).fields
        cases = {"1 MB CSV": lambda: infer_sample(str(small)), "1 GB CSV": lambda: infer_sample(str(large))}
        timings = alternate(cases, rounds)
        large.unlink()
    report("sample inference (infer_sample)", timings)
    ratio = statistics.median(timings["1 GB CSV"]) / statistics.median(timings["1 MB CSV"])
    verdict = "OK" if ratio <= SAMPLE_RATIO_TARGET else "OVER TARGET"
    print(f"  ratio 1 GB / 1 MB: {ratio:.3f}x (target <= {SAMPLE_RATIO_TARGET:.2f}x): {verdict}")


def time_tables(dialect: str, server: Server, rounds: int) -> dict[str, list[float]]:
    connector = load_registry(ROOT).get(dialect)
    template, how = dict(connector.recipe["connection_template"]), introspection(connector)
    types = COLUMN_TYPES[dialect]
    wide = ", ".join(f"c{i:03d} {types[i % len(types)]}" for i in range(1, WIDE_COLUMNS))
    server.execute(
        f"CREATE TABLE wide (id bigint NOT NULL PRIMARY KEY, {wide})",
        "CREATE TABLE narrow (id bigint NOT NULL PRIMARY KEY, a int, b text, c date, d double precision)",
    )
    os.environ.update(server.env)
    assert len(introspect_table(template, how, "wide").fields) == WIDE_COLUMNS
    return alternate(
        {
            "5 columns": lambda: introspect_table(template, how, "narrow"),
            "500 columns": lambda: introspect_table(template, how, "wide"),
        },
        rounds,
    )


def bench_table(dialect: str, rounds: int) -> None:
    try:
        with running_server(dialect) as server:
            timings = time_tables(dialect, server, rounds)
    except ServerUnavailable as error:
        print(f"\n{dialect}: skipped, {error}")
        return
    report(f"{dialect} table introspection (connect + information_schema query)", timings)
    wide_median = statistics.median(timings["500 columns"])
    ratio = wide_median / statistics.median(timings["5 columns"])
    verdict = "OK" if wide_median < TABLE_SECONDS_TARGET else "OVER TARGET"
    print(
        f"  500 columns: {wide_median * 1e3:.1f} ms (target < {TABLE_SECONDS_TARGET:.0f} s): {verdict}; "
        f"ratio to 5 columns: {ratio:.2f}x"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30, help="counted rounds per case (default 30)")
    args = parser.parse_args()
    bench_samples(args.rounds)
    for dialect in ("postgres", "mysql"):
        bench_table(dialect, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
