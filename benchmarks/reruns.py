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
from time import perf_counter

# The app's own frame around a page that draws nothing: log-in check, sidebar and crisis banner.
EMPTY_PAGE = """
import streamlit as st
from ui import session
from ui.text import plain
st.set_page_config(page_title="Campaign planner", layout="wide")
session.ensure_schema()
current = session.resolve()
if current is None:
    session.login_form()
    st.stop()
with st.sidebar:
    st.markdown(f"**{plain(current.team_name)}**")
session.crisis_banner()
st.title("Empty")
"""


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
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import AppTest

    from planner.config import ROOT

    # As in tests/pages/conftest.py: run the app through app.py's st.navigation, as the server does.
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    _log_in(at)
    figures = {}
    for name, page in (("dashboard_rerun_ms", "pages/reach.py"), ("calendar_rerun_ms", "pages/calendar.py")):
        at.switch_page(page).run()
        if at.exception:
            raise SystemExit(f"{page} failed: {at.exception[0].value}")
        at.run()  # warm
        figures[name] = _median_ms(at.run, runs)
    empty = AppTest.from_string(EMPTY_PAGE, default_timeout=60)
    _log_in(empty)
    figures["empty_rerun_ms"] = _median_ms(empty.run, runs)
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
