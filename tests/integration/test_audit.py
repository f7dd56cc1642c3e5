"""The audit trail is append-only and hash-chained; verification finds the first broken link."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from planner import audit, db, demo, schema
from planner.__main__ import main

DEMO_PASSWORD = "a demo passphrase"


@pytest.fixture
def demo_db(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANNER_DATABASE_URL", f"sqlite:///{tmp_path / 'audit.db'}")
    monkeypatch.setenv("PLANNER_DEMO_PASSWORD", DEMO_PASSWORD)
    db.use_engine(None)
    main(["demo"])
    yield db.engine()
    db.use_engine(None)


def test_the_demo_chain_verifies_intact(demo_db, capsys):
    assert main(["audit", "verify", "--team", "demo"]) == 0
    assert "intact" in capsys.readouterr().out


def test_the_database_refuses_to_change_or_delete_an_audit_event(demo_db):
    with demo_db.begin() as connection, pytest.raises(DBAPIError, match="append-only"):
        connection.execute(text("UPDATE audit_event SET action = 'nothing happened' WHERE id = 1"))
    with demo_db.begin() as connection, pytest.raises(DBAPIError, match="append-only"):
        connection.execute(text("DELETE FROM audit_event WHERE id = 2"))


def test_tampering_behind_the_apps_back_is_found_at_the_first_broken_link(demo_db, capsys):
    with demo_db.begin() as connection:
        connection.execute(text("DROP TRIGGER audit_event_no_update"))  # an attacker with file access
        connection.execute(text("UPDATE audit_event SET actor_membership_id = NULL WHERE id = 5"))
    assert main(["audit", "verify", "--team", "demo"]) == 1
    assert "broken at event 5" in capsys.readouterr().out


def test_the_chain_also_verifies_on_postgresql(postgres_engine):
    with postgres_engine.begin() as connection:
        connection.execute(text("TRUNCATE team RESTART IDENTITY CASCADE"))
    db.use_engine(postgres_engine)
    try:
        with db.session() as s:
            team = demo.seed(s, password=DEMO_PASSWORD, now=db.utcnow())
        with db.session(readonly=True) as s:
            checked, broken = audit.verify(s, team_id=team.id)
        assert checked > 50 and broken is None
        with postgres_engine.begin() as connection, pytest.raises(DBAPIError, match="append-only"):
            connection.execute(text("DELETE FROM audit_event"))
    finally:
        db.use_engine(None)
    assert schema.current_revision(postgres_engine) == schema.head_revision()
