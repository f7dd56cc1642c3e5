"""Warm reruns of the Reach and Calendar pages through AppTest, and this process's peak memory.

Run in its own process by benchmarks/run.py (`python -m benchmarks.reruns URL RUNS`) so that the
peak memory is that of a process serving the pages, not of the one that generated the workload.
Prints one JSON object.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import tempfile
from pathlib import Path
from time import perf_counter


def empty_page(app: str) -> str:
    """app.py's own text with the page left out: log-in gate, navigation, sidebar and crisis banner, then a title."""
    if app.count("page.run()") != 1:
        raise SystemExit("app.py no longer calls page.run() exactly once: update benchmarks/reruns.py's empty page.")
    return app.replace("page.run()", 'st.title("Empty")')


def _empty_app(directory: Path) -> Path:
    """The empty page as an entry file beside a link to screens/, where st.navigation looks its pages up."""
    from planner.config import ROOT

    script = directory / "empty_app.py"
    script.write_text(empty_page((ROOT / "app.py").read_text(encoding="utf-8")), encoding="utf-8")
    (directory / "screens").symlink_to(ROOT / "screens", target_is_directory=True)
    return script


def _current_rss_mb() -> float | None:
    """This process's resident memory now (Linux; None elsewhere)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[1])
    except OSError:
        return None
    return round(pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)


def _status_mb(field: str) -> float | None:
    """A memory figure of this process from /proc/self/status (Linux; None elsewhere), in MB."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def _current_file_pages_mb() -> float | None:
    """How much of the resident memory is pages of files (the libraries, mostly), shared and clean (Linux)."""
    return _status_mb("RssFile")


def _peak_rss_mb() -> float:
    """This process's peak resident memory.

    Linux keeps getrusage's ru_maxrss across exec, so a process started by a big one (the benchmark, holding
    the million rows) would report its parent's size at the fork; /proc's VmHWM starts afresh at exec.
    """
    peak = _status_mb("VmHWM")
    if peak is not None:
        return peak
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # kilobytes on Linux


def _restart_peak() -> bool:
    """Start this process's peak memory afresh (Linux: writing 5 to clear_refs resets VmHWM); whether it could."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
            clear.write("5")
    except OSError:
        return False
    return True


def _median_ms(run, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = perf_counter()
        run()
        times.append((perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def _log_in(at) -> None:
    from benchmarks.workload import PASSWORD

    at.run()
    at.text_input(key="login.username").input("bench-admin")
    at.text_input(key="login.password").input(PASSWORD)
    at.button(key="login.submit").click()
    at.run()


def main(argv: list[str]) -> int:
    url, runs = argv[0], int(argv[1])
    os.environ["PLANNER_DATABASE_URL"] = url
    from streamlit.testing.v1 import AppTest

    from planner.config import ROOT

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    _log_in(at)
    peak_so_far = _peak_rss_mb()  # the log-in's argon2id working memory (64 MiB) is in it
    restarted = _restart_peak()
    figures = {}
    for name, page in (("dashboard_rerun_ms", "screens/reach.py"), ("calendar_rerun_ms", "screens/calendar.py")):
        at.switch_page(page).run()
        if at.exception:
            raise SystemExit(f"{page} failed: {at.exception[0].value}")
        at.run()  # warm
        figures[name] = _median_ms(at.run, runs)
    # What the process holds while serving, and the most it held while serving the pages (the overall peak
    # adds a log-in's argon2id working memory, 64 MiB).
    figures["serving_rss_mb"] = _current_rss_mb()
    figures["serving_file_pages_mb"] = _current_file_pages_mb()
    if restarted:
        figures["serving_peak_mb"] = _peak_rss_mb()
    with tempfile.TemporaryDirectory() as directory:
        empty = AppTest.from_file(str(_empty_app(Path(directory))), default_timeout=60)
        _log_in(empty)
        figures["empty_rerun_ms"] = _median_ms(empty.run, runs)
    figures["peak_rss_mb"] = max(peak_so_far, _peak_rss_mb())
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
