"""Page tests: the real app.py through Streamlit's AppTest, on a migrated temporary file database."""

from __future__ import annotations

import re

import pytest
import streamlit as st
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

from planner import db, demo, passwords, schema
from planner.config import ROOT

DEMO_PASSWORD = "demo pass phrase for tests"
TIMEOUT = 30


@pytest.fixture
def app_db(tmp_path, monkeypatch):
    """A file database (pages run on another thread), migrated and seeded with the demo team."""
    monkeypatch.setenv("PLANNER_DATABASE_URL", f"sqlite:///{tmp_path / 'planner.db'}")
    db.use_engine(None)
    schema.upgrade()
    with db.session() as s:
        demo.seed(s, password=DEMO_PASSWORD, now=db.utcnow())
    st.cache_data.clear()
    st.cache_resource.clear()
    # Users see a generic message (config.toml); a failing test should show the real one.
    st.set_option("client.showErrorDetails", "full")
    yield
    db.use_engine(None)


def new_app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)


def log_in(at: AppTest, username: str, password: str = DEMO_PASSWORD) -> AppTest:
    at.run()
    at.text_input(key="login.username").input(username)
    at.text_input(key="login.password").input(password)
    at.button(key="login.submit").click()
    at.run()
    return at


def texts(at: AppTest) -> str:
    """Everything a user reads on the page, as one string (user text escaped by ui.text.plain as typed)."""
    parts = [e.value for e in (*at.title, *at.header, *at.subheader, *at.markdown, *at.caption)]
    parts += [e.value for e in (*at.error, *at.warning, *at.info, *at.success)]
    return re.sub(r"\\(.)", r"\1", "\n".join(str(p) for p in parts))


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    """Like app_db, but one database for a whole module, for tests that each use rows of their own."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
        patch.setenv("PLANNER_DATABASE_URL", f"sqlite:///{tmp_path_factory.mktemp('app') / 'planner.db'}")
        db.use_engine(None)
        schema.upgrade()
        with db.session() as s:
            demo.seed(s, password=DEMO_PASSWORD, now=db.utcnow())
        st.cache_data.clear()
        st.cache_resource.clear()
        st.set_option("client.showErrorDetails", "full")
        yield
        db.use_engine(None)
