"""Any split and any order of the same rows, imported as several files, stores the same totals as one file,
and each row says what it counts for exactly as a fresh computation does (planner/reach_counted.py)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from planner import reach, reach_counted
from planner.models import REACH_METRICS, ReachFigure
from tests.conftest import NOW, make_team
from tests.integration.reach_csv import FACEBOOK_HEADER, X_HEADER, export, facebook_row, x_row

_teams = itertools.count()
FIRST_DAY = date(2026, 10, 1)


def _count(n: int, separators: bool) -> str:
    return f"{n:,}" if separators else str(n)


@st.composite
def x_rows(draw) -> list[dict]:
    ids = draw(st.lists(st.integers(10**17, 10**18 - 1), min_size=1, max_size=8, unique=True))
    rows = []
    for post_id in ids:
        day = FIRST_DAY + timedelta(days=draw(st.integers(0, 60)))
        counts = draw(st.lists(st.integers(0, 2_000_000), min_size=3, max_size=3))
        commas = draw(st.booleans())
        rows.append(
            x_row(
                str(post_id),
                f"post {post_id}",
                day=f"{day:%a, %b %d, %Y}",
                impressions=_count(counts[0], commas),
                Likes=counts[1],
                Engagements=_count(counts[2], commas),
            )
        )
    return rows


@st.composite
def facebook_rows(draw) -> list[dict]:
    """Posts with daily rows, a lifetime row, or both: the key is the post and the period."""
    ids = draw(st.lists(st.integers(10**15, 10**16 - 1), min_size=1, max_size=5, unique=True))
    rows = []
    for post_id in ids:
        offsets = draw(st.sets(st.integers(0, 30), max_size=3))
        periods = [f"{FIRST_DAY + timedelta(days=d):%m/%d/%Y}" for d in sorted(offsets)]
        if draw(st.booleans()) or not periods:
            periods.append("Lifetime")
        for period in periods:
            reached = draw(st.integers(0, 500_000))
            rows.append(
                facebook_row(str(post_id), date=period, reach=_count(reached, draw(st.booleans())), Views=reached * 2)
            )
    return rows


@st.composite
def splits(draw):
    """Rows of one kind, cut into files (a row may sit in several), imported in any order, some twice."""
    header, rows = draw(
        st.one_of(st.tuples(st.just(X_HEADER), x_rows()), st.tuples(st.just(FACEBOOK_HEADER), facebook_rows()))
    )
    parts = draw(st.integers(1, 4))
    homes = [draw(st.sets(st.integers(0, parts - 1), min_size=1)) for _ in rows]
    files = []
    for part in range(parts):
        mine = [row for row, where in zip(rows, homes, strict=True) if part in where]
        if mine:
            files.append(export(header, draw(st.permutations(mine)), bom=header is FACEBOOK_HEADER))
    order = draw(st.permutations(files))
    again = draw(st.lists(st.sampled_from(files), max_size=2))
    return header, rows, [*order, *again]


def _stored(session, team_id: int) -> dict[tuple[str, str, str], tuple]:
    figures = session.exec(select(ReachFigure).where(ReachFigure.team_id == team_id)).all()
    return {(f.platform, f.platform_post_id, f.period): tuple(getattr(f, m) for m in REACH_METRICS) for f in figures}


def _totals(stored: dict) -> list[float]:
    return [sum(values[i] or 0 for values in stored.values()) for i in range(len(REACH_METRICS))]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=splits())
def test_any_split_and_order_of_the_same_rows_stores_the_same_totals(session, case):
    header, rows, files = case
    n = next(_teams)
    whole, pieces = make_team(session, f"whole-{n}", "Whole"), make_team(session, f"pieces-{n}", "Pieces")
    at_once = reach.import_file(session, team_id=whole.id, membership_id=None, now=NOW, data=export(header, rows))
    assert not at_once.refused and at_once.inserted == len(rows)
    for data in files:
        assert not reach.import_file(session, team_id=pieces.id, membership_id=None, now=NOW, data=data).refused
    expected, got = _stored(session, whole.id), _stored(session, pieces.id)
    assert got == expected and len(got) == len(rows)
    assert _totals(got) == _totals(expected)
    for team in (whole, pieces):
        assert reach_counted.stored(session, team_id=team.id) == reach_counted.expected(session, team_id=team.id)
    assert _counted(session, whole.id) == _counted(session, pieces.id)


def _counted(session, team_id: int) -> dict[tuple[str, str], tuple]:
    """Per platform post: which periods count, and the people they reached."""
    figures = session.exec(select(ReachFigure).where(ReachFigure.team_id == team_id, ReachFigure.counted)).all()
    out: dict[tuple[str, str], list] = {}
    for f in figures:
        out.setdefault((f.platform, f.platform_post_id), []).append((f.period, f.day, f.seen, f.engagement))
    return {key: tuple(sorted(values)) for key, values in out.items()}
