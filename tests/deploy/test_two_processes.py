"""Two real server processes on one PostgreSQL database, as docs/deploy.md runs them behind nginx.

What one process writes, the other shows; two facilitators approving the same message at once, one
through each process, make exactly one approval, and the other is told why nothing happened.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func
from sqlalchemy.engine import make_url
from sqlmodel import Session, col, select

from planner import db, review
from planner.config import ROOT
from planner.models import Approval, AuditEvent, Campaign, LoginSession, Membership, Message, MessageStatus, User
from planner.policy import Actor, load_actor
from tests.browser.conftest import ARTIFACTS, CHROMIUM, DEMO_PASSWORD, LAUNCH_ARGS, _free_port, _wait_until_up, log_in

pytestmark = pytest.mark.browser

POSTGRES_URL = os.environ.get("PLANNER_TEST_DATABASE_URL", "").strip()
# The later click waits for the first one's row lock and is refused, or, arriving after the first committed,
# finds the message gone from its queue and is told so.
LOSER_SEES = re.compile(
    r"cannot be approved|changed this message's status|changed while you were reviewing|approval was not recorded"
)


def _admin_engine():
    if make_url(POSTGRES_URL or "sqlite://").get_backend_name() != "postgresql":
        pytest.skip("PLANNER_TEST_DATABASE_URL is not a PostgreSQL URL: the two-process deployment test needs one")
    return create_engine(make_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    """A database of its own beside PLANNER_TEST_DATABASE_URL's (which the integration tests wipe)."""
    admin = _admin_engine()
    base = make_url(POSTGRES_URL)
    url = base.set(database=f"{base.database}_two_processes")
    name = admin.dialect.identifier_preparer.quote(url.database)
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


@pytest.fixture(scope="module")
def database(database_url):
    engine = db.build_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def two_servers(database_url, tmp_path_factory) -> Iterator[tuple[str, str]]:
    """Migrate and seed the demo team, then two `streamlit run app.py` on free ports, as planner@PORT runs."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: the two-process test drives a browser (apt-get install chromium)")
    env = os.environ | {
        "PLANNER_DATABASE_URL": database_url,
        "PLANNER_DEMO_PASSWORD": DEMO_PASSWORD,
        # One cookie secret for every process, as the deployment's environment file sets it.
        "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32),
        "STREAMLIT_SERVER_ADDRESS": "127.0.0.1",
    }
    # `planner demo` migrates the empty database first, once, before any server process starts.
    subprocess.run([sys.executable, "-m", "planner", "demo"], env=env, cwd=ROOT, check=True, capture_output=True)
    folder = tmp_path_factory.mktemp("two-processes")
    processes: list[subprocess.Popen] = []
    logs = []
    try:
        urls = []
        for _ in range(2):
            port = _free_port()
            log = (folder / f"server-{port}.log").open("w")
            logs.append(log)
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)],
                    env=env,
                    cwd=ROOT,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        for url, process in zip(urls, processes, strict=True):
            _wait_until_up(url, process)
        yield urls[0], urls[1]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs:
            log.close()


@pytest.fixture(scope="module")
def chromium(two_servers, playwright_session):
    browser = playwright_session.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
    yield browser
    browser.close()


@contextmanager
def browser_tabs(chromium, name: str, count: int = 2):
    """Separate browser contexts (separate people); screenshots in test-artifacts/ if the block fails."""
    contexts = [chromium.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(count)]
    tabs = [context.new_page() for context in contexts]
    for tab in tabs:
        tab.set_default_timeout(30_000)
    try:
        yield tabs
    except BaseException:
        ARTIFACTS.mkdir(exist_ok=True)
        for index, tab in enumerate(tabs):
            tab.screenshot(path=str(ARTIFACTS / f"two-processes-{name}-{index}.png"), full_page=True)
        raise
    finally:
        for context in contexts:
            context.close()


def _logged_in(tab, url: str, username: str) -> None:
    from playwright.sync_api import expect

    log_in(tab, url, username)
    expect(tab.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()


def _open(tab, link: str, heading: str | None = None) -> None:
    from playwright.sync_api import expect

    tab.get_by_role("link", name=link, exact=True).click()
    expect(tab.get_by_role("heading", name=heading or link).first).to_be_visible()


def test_a_campaign_created_through_one_process_is_listed_through_the_other(two_servers, chromium, database):
    from playwright.sync_api import expect

    first, second = two_servers
    name = f"Shared across processes {secrets.token_hex(3)}"
    with browser_tabs(chromium, "campaign") as (drafter, viewer):
        _logged_in(viewer, second, "viewer")
        _open(viewer, "Campaigns")
        expect(viewer.get_by_text(name)).to_have_count(0)

        _logged_in(drafter, first, "drafter")
        _open(drafter, "Campaigns")
        drafter.get_by_text("Start a new campaign").click()
        drafter.get_by_role("textbox", name="Campaign name").fill(name)
        drafter.get_by_role("button", name="Create campaign").click()
        expect(drafter.get_by_role("heading", name="Plan editor")).to_be_visible()

        _open(viewer, "Themes")
        _open(viewer, "Campaigns")
        expect(viewer.get_by_text(name)).to_be_visible()
    with Session(database) as s:
        assert s.exec(select(func.count()).select_from(Campaign).where(Campaign.name == name)).one() == 1


def _facilitator(s: Session, username: str) -> Actor:
    """A short log-in session for a demo facilitator, to ask the review services what is in the queue."""
    membership = s.exec(select(Membership).join(User).where(User.username == username)).one()
    now = db.utcnow()
    login = LoginSession(
        token_hash=secrets.token_hex(32),
        user_id=membership.user_id,
        membership_id=membership.id,
        team_id=membership.team_id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(minutes=5),
    )
    s.add(login)
    s.commit()
    return load_actor(s, login, now=now)


def _message_both_may_approve(database) -> tuple[int, str]:
    """A demo message in review that one approval completes: not sensitive, no blocker, no open warning."""
    with Session(database, expire_on_commit=False) as s:
        actor = _facilitator(s, "facilitator")
        for item in review.review_queue(s, actor=actor, now=db.utcnow()):
            view = review.review(s, actor=actor, now=db.utcnow(), message_id=item.id)
            if view.needed == "review" and not any(f.severity in ("blocker", "warning") for f in view.findings):
                return item.id, item.title
    pytest.fail("the demo team has no message in review that a single facilitator's approval completes")


def _approvals(database, message_id: int) -> tuple[int, int, str, int]:
    with Session(database) as s:
        live = s.exec(
            select(func.count())
            .select_from(Approval)
            .where(Approval.message_id == message_id, col(Approval.voided_at).is_(None))
        ).one()
        rows = s.exec(select(func.count()).select_from(Approval).where(Approval.message_id == message_id)).one()
        status = s.get(Message, message_id).status
        events = s.exec(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.subject_type == "message",
                AuditEvent.subject_id == message_id,
                AuditEvent.action == "message.approve",
            )
        ).one()
    return live, rows, status, events


USERS = ("facilitator", "reviewer")  # both facilitators, neither the author


def test_two_facilitators_approving_at_once_through_two_processes_make_one_approval(two_servers, chromium, database):
    from playwright.sync_api import expect

    first, second = two_servers
    message_id, title = _message_both_may_approve(database)
    with browser_tabs(chromium, "approval") as tabs:
        for tab, url, username in zip(tabs, (first, second), USERS, strict=True):
            _logged_in(tab, url, username)
            _open(tab, "Review queue")
            tab.locator("label").filter(has_text=title).click()
            expect(tab.get_by_role("heading", name=title)).to_be_visible()
        buttons = [tab.get_by_role("button", name="Approve", exact=True) for tab in tabs]
        for button in buttons:
            expect(button).to_be_enabled()
        handles = [button.element_handle() for button in buttons]

        started = time.monotonic()
        for handle in handles:
            handle.evaluate("button => button.click()")
        print(f"the two Approve clicks were {1000 * (time.monotonic() - started):.0f} ms apart at most")

        deadline = time.monotonic() + 30
        told = []
        while time.monotonic() < deadline:
            told = [tab.get_by_text(LOSER_SEES).count() > 0 for tab in tabs]
            if any(told) and _approvals(database, message_id)[2] == MessageStatus.APPROVED:
                break
            time.sleep(0.3)
        tabs[0].wait_for_timeout(1000)  # let a late rerun show a second message, if there were one
        told = [tab.get_by_text(LOSER_SEES).count() > 0 for tab in tabs]
        assert told.count(True) == 1, f"the one who lost must be told, and only they: {told}"
        loser = told.index(True)
        print(f"{USERS[loser]} lost and read: {tabs[loser].get_by_text(LOSER_SEES).first.inner_text()}")

    live, rows, status, events = _approvals(database, message_id)
    assert (live, rows, status, events) == (1, 1, MessageStatus.APPROVED, 1)
