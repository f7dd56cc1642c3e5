"""The data half of the benchmark, in a process of its own (started by benchmarks/run.py).

It builds the seeded synthetic workload in a SQLite database in the folder it is given, then measures,
each as the median of several runs: import throughput through the real import path (parse, validate,
match to posts, idempotent upsert) and its ratio to raw sqlite3 `executemany` of the very rows the import
stored (every column, what each figure counts for included) into an empty table with the same indexes, in
this run; re-importing the same file, against the first import; the dashboard's queries (one campaign's
reach by theme and week, the team's by platform and language), also on PostgreSQL when asked. It writes
its figures to data.json in that folder and leaves the database there for the pages' half.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import sys
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


def measure(folder: Path, quick: bool, postgres: str | None, runs: int) -> dict[str, float | str]:
    """Build the workload in folder/bench.db and time the import, the re-import, the baseline and the queries."""
    size = workload.Size().scaled(0.1) if quick else workload.Size()
    figures: dict[str, float | str] = {}
    url = f"sqlite:///{folder / 'bench.db'}"
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
    figures["url"] = url
    figures["import_rows"] = rows
    figures["import_rows_per_s"] = round(rows / first)
    figures["import_ratio_vs_sqlite3"] = round(raw / first, 3)
    figures["reimport_ratio"] = round(_median(reimport_times) / first, 4)
    figures["campaign_query_ms"], figures["team_query_ms"] = _query_ms(engine, world, max(runs, 7))
    engine.dispose()
    if postgres:
        print("PostgreSQL: the same workload, import and queries")
        figures.update(_postgres(postgres, size, max(runs, 7)))
    return figures


def main(argv: list[str]) -> int:
    """`python -m benchmarks.data FOLDER QUICK RUNS [POSTGRES_URL]`: writes FOLDER/data.json (see run.py)."""
    folder, quick, runs = Path(argv[0]), argv[1] == "quick", int(argv[2])
    postgres = argv[3] if len(argv) > 3 else None
    figures = measure(folder, quick, postgres, runs)
    (folder / "data.json").write_text(json.dumps(figures), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
