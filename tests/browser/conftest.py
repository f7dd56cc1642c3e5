"""Browser journeys: the real server on a free port with a temporary database, driven in Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from planner import db
from planner.config import ROOT

CHROMIUM = os.environ.get("PLANNER_CHROMIUM", "/usr/bin/chromium")
DEMO_PASSWORD = "browser demo passphrase"
ARTIFACTS = ROOT / "test-artifacts"
TIMEOUT_MS = 30_000
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:  # noqa: S310 - local
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the server did not answer in time")


def _database_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'planner.db'}"


@pytest.fixture(scope="session")
def server_folder(tmp_path_factory) -> Path:
    """Where the server's database and log live."""
    return tmp_path_factory.mktemp("server")


@pytest.fixture(scope="session")
def server(server_folder):
    """The app as `make run` serves it, on a free port, with the demo team seeded."""
    if not Path(CHROMIUM).exists():
        message = f"no Chromium at {CHROMIUM}: browser journeys skipped (apt-get install chromium)"
        if os.environ.get("PLANNER_REQUIRE_BROWSER"):
            pytest.fail(f"{message}, but PLANNER_REQUIRE_BROWSER is set (CI)")
        pytest.skip(message)
    env = os.environ | {
        "PLANNER_DATABASE_URL": _database_url(server_folder),
        "PLANNER_DEMO_PASSWORD": DEMO_PASSWORD,
    }
    subprocess.run([sys.executable, "-m", "planner", "demo"], env=env, cwd=ROOT, check=True, capture_output=True)
    port = _free_port()
    log = (server_folder / "server.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


@pytest.fixture(scope="session")
def server_database(server, server_folder):
    """An engine on the server's own database, for arranging what a journey starts from."""
    engine = db.build_engine(_database_url(server_folder))
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def chromium(server, playwright_session):
    from playwright.sync_api import expect

    # Streamlit answers each click with a whole script run: on a busy machine that takes seconds.
    expect.set_options(timeout=TIMEOUT_MS)
    browser = playwright_session.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
    yield browser
    browser.close()


WIDTH, HEIGHT = 1400, 1000


def _show_everything(tab) -> None:
    """Streamlit scrolls inside its main area, so a full-page screenshot shows only the window: grow it."""
    height = tab.evaluate("() => document.querySelector('[data-testid=stMain]')?.scrollHeight ?? 0")
    if height > HEIGHT:
        tab.set_viewport_size({"width": WIDTH, "height": min(height, 12_000)})


@pytest.fixture
def page(chromium, request):
    """A fresh browser context; a screenshot of the whole page is saved if the test fails."""
    context = chromium.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    yield tab
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        _show_everything(tab)
        tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def log_in(page, url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(url)
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Log in").click()
