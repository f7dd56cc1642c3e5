"""Importing reach under bad input and faults: the real import service, all or nothing, on both databases.

Whatever bytes arrive, the import either stores the whole file or refuses it with the documented
answers (FileRefused for a file of no known kind, a report listing every bad row otherwise) and then
writes nothing. A fault in the middle of an import (after some rows were added, at the audit record,
at the commit) leaves the database exactly as it was.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, func, select

from planner import audit, reach, reach_store
from planner.models import AuditEvent, ReachFigure, ReachImport, Role
from planner.reach_files import FileRefused
from tests.conftest import NOW, make_member
from tests.integration.database_rows import snapshot
from tests.integration.reach_csv import X_HEADER, export, x_row
from tests.unit.test_reach_files import TIKTOK_RANGE, csv_like_exports, damaged_real_exports

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "reach"
X_EXPORT = (FIXTURES / "x-current.csv").read_bytes()


class DiskFull(Exception):
    """A fault no service expects."""


@pytest.fixture
def coordinator(session, team):
    return make_member(session, team, Role.DRAFTER, username="coordinator")


def counts(session: Session) -> tuple[int, int, int]:
    """Rows of the figures, the import ledger and the audit trail."""
    return tuple(
        session.exec(select(func.count()).select_from(model)).one() for model in (ReachFigure, ReachImport, AuditEvent)
    )


def _import(session: Session, actor, data: bytes, export_range, dry_run: bool):
    try:
        return reach.import_reach(session, actor=actor, now=NOW, data=data, export_range=export_range, dry_run=dry_run)
    except FileRefused as refused:
        assert str(refused) and refused.known_kinds
        return None


def _imports_all_or_nothing(session: Session, actor, data: bytes, export_range=None, dry_run: bool = False) -> None:
    figures, ledger, events = counts(session)
    report = _import(session, actor, data, export_range, dry_run)
    session.rollback()  # as the page's session ends: only what was committed stays
    after = counts(session)
    if report is None or report.refused or report.dry_run:
        assert after == (figures, ledger, events), "a refused file or a dry run wrote something"
        assert report is None or not report.refused or report.errors
        return
    assert report.inserted + report.updated + report.unchanged == report.rows
    if report.already_imported_at is not None:
        assert after == (figures, ledger, events)
    else:
        assert after == (figures + report.inserted, ledger + 1, events + 1), "a partial import"


ANY_FILE = st.one_of(
    st.binary(max_size=2000),
    csv_like_exports(),
    damaged_real_exports().map(lambda export: export[0]),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=ANY_FILE, export_range=st.sampled_from([None, TIKTOK_RANGE]), dry_run=st.booleans())
def test_any_file_is_imported_whole_or_refused_without_a_trace(session, coordinator, data, export_range, dry_run):
    _imports_all_or_nothing(session, coordinator, data, export_range, dry_run)


# ---- faults in the middle of an import ----------------------------------------------------------


def _fault_after_figures(session: Session, monkeypatch, n: int) -> None:
    """The database write fails after n new reach rows went in, as a full disk or a dropped connection would."""
    insert = reach_store._insert

    def failing_insert(session_, names, rows):
        def rows_then_fault():
            for number, row in enumerate(rows):
                if number == n:
                    raise DiskFull
                yield row

        return insert(session_, names, rows_then_fault())

    monkeypatch.setattr(reach_store, "_insert", failing_insert)


def _fault_while_comparing(session: Session, monkeypatch, n: int) -> None:
    """The import fails after its ledger row is written, while n rows have been compared with what is stored."""
    write = reach_store.write

    def failing_write(session_, metrics, rows, **kwargs):
        def rows_then_fault():
            for number, row in enumerate(rows):
                if number == n:
                    raise DiskFull
                yield row

        return write(session_, metrics, list(rows_then_fault()), **kwargs)

    monkeypatch.setattr(reach_store, "write", failing_write)


def _fault_at_audit(session: Session, monkeypatch) -> None:
    def failing_record(*args, **kwargs):
        raise DiskFull

    monkeypatch.setattr(audit, "record", failing_record)


def _fault_at_commit(session: Session, monkeypatch) -> None:
    """Everything reaches the database, then the commit fails."""

    def failing_commit():
        session.flush()
        raise DiskFull

    monkeypatch.setattr(session, "commit", failing_commit)


def six_posts(impressions: int) -> bytes:
    return export(X_HEADER, [x_row(str(10**18 + n), f"post {n}", impressions=impressions + n) for n in range(6)])


SIX_POSTS = six_posts(100)
FAULTS = {
    "while comparing rows": lambda s, m: _fault_while_comparing(s, m, 1),
    "before the first row": lambda s, m: _fault_after_figures(s, m, 0),
    "after one row": lambda s, m: _fault_after_figures(s, m, 1),
    "before the last row": lambda s, m: _fault_after_figures(s, m, 5),
    "at the audit record": _fault_at_audit,
    "at the commit": _fault_at_commit,
}


def test_a_fault_anywhere_in_an_import_leaves_the_database_as_it_was(session, coordinator):
    reach.import_reach(session, actor=coordinator, now=NOW, data=X_EXPORT)
    before = snapshot(session)
    for where, inject in FAULTS.items():
        with pytest.MonkeyPatch.context() as monkeypatch:
            inject(session, monkeypatch)
            with pytest.raises(DiskFull):
                reach.import_reach(session, actor=coordinator, now=NOW, data=SIX_POSTS)
        assert snapshot(session) == before, f"a fault {where} left a partial import"
    again = reach.import_reach(session, actor=coordinator, now=NOW, data=SIX_POSTS)
    assert (again.inserted, again.already_imported_at) == (6, None), "a failed import left its ledger row"


def test_a_fault_while_a_newer_export_replaces_figures_keeps_the_older_figures(session, coordinator):
    reach.import_reach(session, actor=coordinator, now=NOW, data=SIX_POSTS)
    before = snapshot(session)
    newer = six_posts(500)
    for where in ("while comparing rows", "at the audit record", "at the commit"):
        with pytest.MonkeyPatch.context() as monkeypatch:
            FAULTS[where](session, monkeypatch)
            with pytest.raises(DiskFull):
                reach.import_reach(session, actor=coordinator, now=NOW, data=newer)
        assert snapshot(session) == before, f"a fault {where} changed some figures"
    assert reach.import_reach(session, actor=coordinator, now=NOW, data=newer).updated == 6
