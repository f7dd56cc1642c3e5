"""Shared fixtures: a fresh database per test on SQLite, and on PostgreSQL when configured."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text
from sqlmodel import Session, SQLModel

from planner import db, passwords, schema
from planner.config import ROOT
from planner.models import LoginSession, Membership, Role, Team, User
from planner.policy import Actor, load_actor

POSTGRES_URL = os.environ.get("PLANNER_TEST_DATABASE_URL", "").strip()
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch):
    """argon2id with tiny parameters: the hashing is the same code, only cheaper."""
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


def _postgres_engine():
    engine = db.build_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    schema.upgrade(engine)
    return engine


@pytest.fixture(scope="session")
def postgres_engine():
    if not POSTGRES_URL:
        pytest.skip("PLANNER_TEST_DATABASE_URL is not set: PostgreSQL variant skipped")
    engine = _postgres_engine()
    yield engine
    engine.dispose()


def _truncate_all(engine) -> None:
    names = ", ".join(f'"{table.name}"' for table in SQLModel.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request):
    """A fresh, migrated-equivalent database for one test, installed as the process engine."""
    if request.param == "sqlite":
        engine = db.build_engine("sqlite://")
        SQLModel.metadata.create_all(engine)
    else:
        engine = request.getfixturevalue("postgres_engine")
        _truncate_all(engine)
    db.use_engine(engine)
    yield engine
    db.use_engine(None)


@pytest.fixture(params=["sqlite", "postgresql"])
def concurrent_engine(request, tmp_path):
    """Like `engine`, but SQLite is a file so that threads get connections of their own."""
    if request.param == "sqlite":
        engine = db.build_engine(f"sqlite:///{tmp_path / 'concurrent.db'}")
        SQLModel.metadata.create_all(engine)
    else:
        engine = request.getfixturevalue("postgres_engine")
        _truncate_all(engine)
    db.use_engine(engine)
    yield engine
    db.use_engine(None)


def in_a_fresh_process(script: str) -> str:
    """Run a Python script in a new interpreter at the repository's root; what it printed (it must succeed)."""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def run_at_once(*attempts) -> list[str]:
    """Run callables in threads released together; each returns an outcome string."""
    barrier = threading.Barrier(len(attempts))
    outcomes: list[str] = []

    def run(attempt):
        barrier.wait()
        try:
            outcomes.append(attempt())
        except Exception as exc:
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=run, args=(attempt,)) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


@pytest.fixture
def session(engine):
    with Session(engine, expire_on_commit=False) as s:
        yield s


def make_team(session: Session, slug: str = "peshawar", name: str = "Peshawar Youth Circle") -> Team:
    team = Team(slug=slug, name=name, created_at=NOW)
    session.add(team)
    session.commit()
    return team


def make_member(
    session: Session,
    team: Team,
    role: Role = Role.DRAFTER,
    *,
    username: str | None = None,
    reviewer: bool = False,
    must_change_password: bool = False,
    now: datetime = NOW,
) -> Actor:
    """A member with a live log-in session, returned as the Actor services expect."""
    username = username or f"{role}-{team.slug}-{reviewer:d}"
    user = User(
        username=username,
        display_name=username.title(),
        password_hash=passwords.hash_password(PASSWORD),
        must_change_password=must_change_password,
        created_at=now,
    )
    session.add(user)
    session.flush()
    membership = Membership(team_id=team.id, user_id=user.id, role=role, sensitivity_reviewer=reviewer, created_at=now)
    session.add(membership)
    session.flush()
    login = LoginSession(
        token_hash=f"{user.id:064d}",
        user_id=user.id,
        membership_id=membership.id,
        team_id=team.id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=12),
    )
    session.add(login)
    session.commit()
    return load_actor(session, login, now=now)


@pytest.fixture(scope="session")
def playwright_session():
    """One Playwright driver for the whole run: its sync API refuses a second one in the same process."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver
