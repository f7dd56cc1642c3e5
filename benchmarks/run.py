"""The benchmark behind `make bench` and `python -m planner bench [--quick] [--json PATH]`.

It builds a seeded synthetic workload (200 campaigns, 50,000 posts, a 1,000,000-row Facebook export of
daily rows; a tenth of that with --quick) in a temporary SQLite database and measures, each as the median
of several runs, in two processes of their own:

- benchmarks/data.py: import throughput through the real import path and its ratio to raw sqlite3
  `executemany` in the same run, re-importing the same file, and the dashboard's queries (also on
  PostgreSQL when PLANNER_BENCH_POSTGRES_URL or --postgres names a database);
- benchmarks/reruns.py: warm reruns of the Reach and Calendar pages through AppTest against an empty page,
  and the peak memory of the process serving them.

This process only starts them and prints the table: it loads none of the libraries whose memory the
second one measures (see _drop_cached_libraries). Targets are checked and reported, never asserted in
tests: timings on shared machines vary.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TARGETS = {
    "import_ratio_vs_sqlite3": (">=", 0.5),
    "reimport_ratio": ("<", 0.1),
    "campaign_query_ms": ("<=", 30),
    "team_query_ms": ("<=", 300),
    "dashboard_rerun_ms": ("<=", 100),
    "calendar_rerun_ms": ("<=", 100),
    "peak_rss_mb": ("<=", 300),
}


def _shared_libraries() -> list[Path]:
    """The compiled libraries installed beside this interpreter's packages (pyarrow's, numpy's, pandas'...)."""
    folders = {Path(sysconfig.get_paths()[name]) for name in ("purelib", "platlib")}
    return sorted(
        path
        for folder in folders
        for path in folder.rglob("*.so*")
        if path.is_file() and not path.is_symlink() and (path.suffix == ".so" or ".so." in path.name)
    )


def _drop_cached_libraries() -> int | None:
    """Ask the kernel to drop its cached pages of the installed libraries; how many files, None where it cannot.

    The serving process's memory counts the pages of libraries it maps, and how many it maps depends on how
    those pages came into the page cache: on Linux 6.18 with ext4 here, a fresh installation measured 36 MB
    more than the same files read back from disk (324 against 288 MB: same code, same database; our reading
    is that a file pip has just written stays cached in large pieces and a fault maps a whole piece).
    Dropping them first measures every installation as a server finds its libraries after the machine
    restarts, whenever pip ran. The kernel keeps pages some process maps, which is why this process loads
    none of these libraries and `python -m planner bench`, which has, becomes this process by exec rather
    than starting it.
    """
    if not hasattr(os, "posix_fadvise"):
        return None
    dropped = 0
    for path in _shared_libraries():
        try:
            descriptor = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            os.fsync(descriptor)  # written pages must reach the disk before they can be dropped
            os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
            dropped += 1
        except OSError:
            pass  # a file system that keeps no such cache, or will not be asked: measured as found
        finally:
            os.close(descriptor)
    return dropped


def _child(module: str, *arguments: str, capture: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own modules, no shell
        [sys.executable, "-m", module, *arguments], capture_output=capture, text=True, check=True, cwd=ROOT
    )


def _pages(url: str, runs: int) -> dict[str, float]:
    done = _child("benchmarks.reruns", url, str(runs), capture=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _met(name: str, value: float) -> str:
    if name not in TARGETS:
        return ""
    op, target = TARGETS[name]
    ok = {">=": value >= target, "<": value < target, "<=": value <= target}[op]
    return f"{'met' if ok else 'MISSED'} ({op} {target})"


def run(quick: bool = False, json_path: Path | None = None, postgres: str | None = None, runs: int = 3) -> dict:
    with tempfile.TemporaryDirectory(prefix="planner-bench-") as folder:
        _child("benchmarks.data", folder, "quick" if quick else "full", str(runs), *([postgres] if postgres else []))
        figures = json.loads((Path(folder) / "data.json").read_text("utf-8"))
        url = figures.pop("url")
        page_runs = max(runs, 7)
        # Memory as this installation's libraries happen to sit in the page cache, then as read from disk.
        as_found = _pages(url, page_runs)
        dropped = _drop_cached_libraries()
        if dropped is not None:
            print(f"Dropped the page cache of {dropped} installed libraries before measuring the pages (README).")
        pages = _pages(url, page_runs)
    postgres_figures = {name: figures.pop(name) for name in list(figures) if name.startswith("postgres_")}
    figures.update(pages)
    figures["peak_rss_mb_before_the_drop"] = as_found["peak_rss_mb"]
    figures["dashboard_rerun_vs_empty"] = round(figures["dashboard_rerun_ms"] / figures["empty_rerun_ms"], 2)
    figures["calendar_rerun_vs_empty"] = round(figures["calendar_rerun_ms"] / figures["empty_rerun_ms"], 2)
    figures.update(postgres_figures)
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
