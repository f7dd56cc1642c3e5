"""The benchmark behind `make bench` and `python -m planner bench [--quick] [--json PATH]`.

It builds a seeded synthetic workload (200 campaigns, 50,000 posts, a 1,000,000-row Facebook export
of daily rows; a tenth of that with --quick) in a temporary SQLite database, then measures, each as
the median of several runs:

- import throughput through the real import path (parse, validate, match to posts, idempotent upsert)
  and its ratio to raw sqlite3 `executemany` of the very rows the import stored (every column, what
  each figure counts for included) into an empty table with the same indexes, in this run;
- re-importing the same file, against the first import;
- the dashboard's queries: one campaign's reach by theme and week, and the team's by platform and
  language (also on PostgreSQL when PLANNER_BENCH_POSTGRES_URL or --postgres names a database);
- warm reruns of the Reach and Calendar pages through AppTest against an empty page, and the peak
  memory of the process serving them (in a process of its own).

Targets are checked and reported, never asserted in tests: timings on shared machines vary.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from time import perf_counter

from sqlalchemy import delete, text
from sqlmodel import Session

from benchmarks import workload
from planner import dashboard, db, reach, schema
from planner.models import ReachFigure, ReachImport

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
BIG = 1024 * 1024 * 1024

TARGETS = {
    "import_ratio_vs_sqlite3": (">=", 0.5),
    "reimport_ratio": ("<", 0.1),
    "campaign_query_ms": ("<=", 30),
    "team_query_ms": ("<=", 300),
    "dashboard_rerun_ms": ("<=", 100),
    "calendar_rerun_ms": ("<=", 100),
    "peak_rss_mb": ("<=", 300),
}


def _median(values: list[float]) -> float:
    return statistics.median(values)


def _clear_reach(engine) -> None:
    with Session(engine) as s:
        s.execute(delete(ReachFigure))
        s.execute(delete(ReachImport))
        s.commit()


def _import(engine, world: workload.World, data: bytes) -> tuple[float, reach.ImportReport]:
    with Session(engine, expire_on_commit=False) as s:
        started = perf_counter()
        report = reach.import_file(s, team_id=world.team_id, membership_id=None, now=NOW, data=data, max_bytes=BIG)
        return perf_counter() - started, report


def _stored_rows(engine) -> tuple[list[str], list[tuple]]:
    """The reach rows exactly as the import stored them, every column but the id."""
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT * FROM reach_figure ORDER BY id")
        names = [column[0] for column in cursor.description]
        keep = [i for i, name in enumerate(names) if name != "id"]
        rows = [tuple(row[i] for i in keep) for row in cursor.fetchall()]
    finally:
        connection.close()
    return [names[i] for i in keep], rows


def _raw_sqlite(engine, runs: int) -> float:
    """Raw sqlite3 executemany of the rows the import stored, into the same emptied table of the same file.

    Same file, indexes and settings as the import's (WAL, synchronous=NORMAL), starting as the import did from
    a table just emptied: only the work done before the rows reach SQLite differs.
    """
    names, rows = _stored_rows(engine)
    insert = f"INSERT INTO reach_figure ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"  # noqa: S608
    path = engine.url.database
    times = []
    for _ in range(runs):
        _clear_reach(engine)
        connection = sqlite3.connect(path)
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("PRAGMA foreign_keys=OFF")  # the ledger rows were cleared with the figures
        started = perf_counter()
        connection.executemany(insert, rows)
        connection.commit()
        times.append(perf_counter() - started)
        connection.close()
    _clear_reach(engine)
    return _median(times)


def _query_ms(engine, world: workload.World, runs: int) -> tuple[float, float]:
    campaign = world.campaign_ids[len(world.campaign_ids) // 2]
    one = dashboard.Filters(campaign_id=campaign)
    everything = dashboard.Filters()
    campaign_times, team_times = [], []
    with Session(engine) as s:
        for _ in range(runs):
            started = perf_counter()
            dashboard.theme_weeks(s, team_id=world.team_id, filters=one)
            campaign_times.append((perf_counter() - started) * 1000)
            started = perf_counter()
            dashboard.platform_languages(s, team_id=world.team_id, filters=everything)
            team_times.append((perf_counter() - started) * 1000)
    return round(_median(campaign_times), 1), round(_median(team_times), 1)


def _reruns(url: str, runs: int) -> dict[str, float]:
    done = subprocess.run(  # noqa: S603 - our own module, no shell
        [sys.executable, "-m", "benchmarks.reruns", url, str(runs)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _postgres(url: str, size: workload.Size, data_runs: int) -> dict[str, float]:
    engine = db.build_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    schema.upgrade(engine, backup_first=False)
    world = workload.seed(engine, size, now=NOW)
    seconds, _ = _import(engine, world, workload.facebook_daily_export(world, size))
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    campaign_ms, team_ms = _query_ms(engine, world, data_runs)
    engine.dispose()
    return {
        "postgres_import_rows_per_s": round(size.daily_rows / seconds),
        "postgres_campaign_query_ms": campaign_ms,
        "postgres_team_query_ms": team_ms,
    }


def _met(name: str, value: float) -> str:
    if name not in TARGETS:
        return ""
    op, target = TARGETS[name]
    ok = {">=": value >= target, "<": value < target, "<=": value <= target}[op]
    return f"{'met' if ok else 'MISSED'} ({op} {target})"


def run(quick: bool = False, json_path: Path | None = None, postgres: str | None = None, runs: int = 3) -> dict:
    size = workload.Size().scaled(0.1) if quick else workload.Size()
    figures: dict[str, float | str] = {}
    with tempfile.TemporaryDirectory(prefix="planner-bench-") as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        engine = db.build_engine(url)
        schema.upgrade(engine, backup_first=False)
        print(f"Workload: {size.campaigns} campaigns, {size.posts:,} posts, {size.daily_rows:,} daily reach rows")
        world = workload.seed(engine, size, now=NOW)
        data = workload.facebook_daily_export(world, size)
        print(f"Export file: {len(data) / 1e6:.0f} MB")
        import_times = []
        for run_number in range(runs):
            _clear_reach(engine)
            seconds, report = _import(engine, world, data)
            if report.refused or report.inserted != report.rows:
                shown = report.model_dump(exclude={"preview", "matched_post_ids"})
                raise SystemExit(f"import went wrong: {shown}")
            rows = report.rows
            import_times.append(seconds)
            print(f"  import {run_number + 1}: {seconds:.2f} s")
        reimport_times = [_import(engine, world, data)[0] for _ in range(runs)]
        raw = _raw_sqlite(engine, runs)
        _import(engine, world, data)  # the baseline emptied the table: the queries and pages need the figures
        first = _median(import_times)
        figures["import_rows"] = rows
        figures["import_rows_per_s"] = round(rows / first)
        figures["import_ratio_vs_sqlite3"] = round(raw / first, 3)
        figures["reimport_ratio"] = round(_median(reimport_times) / first, 4)
        figures["campaign_query_ms"], figures["team_query_ms"] = _query_ms(engine, world, max(runs, 7))
        engine.dispose()
        figures.update(_reruns(url, max(runs, 7)))
        figures["dashboard_rerun_vs_empty"] = round(figures["dashboard_rerun_ms"] / figures["empty_rerun_ms"], 2)
        figures["calendar_rerun_vs_empty"] = round(figures["calendar_rerun_ms"] / figures["empty_rerun_ms"], 2)
        if postgres:
            figures.update(_postgres(postgres, size, max(runs, 7)))
    figures["machine"] = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    figures["quick"] = quick
    print()
    print(f"{'figure':<32}{'value':>14}  target")
    for name, value in figures.items():
        shown = f"{value:,}" if isinstance(value, int | float) and not isinstance(value, bool) else str(value)
        print(f"{name:<32}{shown:>14}  {_met(name, value) if isinstance(value, int | float) else ''}")
    for name in ("dashboard_rerun_vs_empty", "calendar_rerun_vs_empty"):
        print(f"  {name}: {'met' if figures[name] <= 4 else 'MISSED'} (<= 4x the empty page)")
    if json_path:
        json_path.write_text(json.dumps(figures, indent=2) + "\n", "utf-8")
        print(f"Wrote {json_path}")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m planner bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the workload (a quick check)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--postgres", default=os.environ.get("PLANNER_BENCH_POSTGRES_URL"), help="also time PostgreSQL")
    parser.add_argument("--runs", type=int, default=3, help="runs per timing (the median is reported)")
    args = parser.parse_args(argv)
    run(args.quick, args.json, args.postgres, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
