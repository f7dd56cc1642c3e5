"""The reach figures and charts of the member's team, cached between reruns and shared by the team's members."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from planner import charts, dashboard, db
from planner.dashboard import Filters
from ui.calls import call


# One entry holds a team's figures and charts for one choice of filters: about 4 MB at a million reach rows.
# Entries of an older stamp are never asked for again, so an hour and 16 entries bound what the server keeps.
@st.cache_resource(max_entries=16, ttl=timedelta(hours=1), show_spinner="Adding up the figures…")
def _built(team_id: int, filters: Filters, version: int) -> tuple[dashboard.Dashboard, dict[str, charts.Chart]]:
    """The figures and charts of one team, for one choice of filters, as of one change that can move them.

    Shared between the team's members (the key holds the team id; the caller was authorised just before by
    dashboard.stamp) and rebuilt after any change that can move the figures (see dashboard.stamp).
    """
    with db.session(readonly=True) as s:
        built = dashboard.build(s, team_id=team_id, filters=filters)
    return built, {chart.key: charts.frozen(chart) for chart in charts.all_charts(built)}


def figures(filters: Filters) -> tuple[dashboard.Dashboard, dict[str, charts.Chart]] | None:
    """The team's dashboard and its charts by key, for a campaign of the team's own choosing; None (with the
    reason shown) when the member may not see them."""
    stamp = call(dashboard.stamp, readonly=True).value
    if stamp is None:
        return None
    return _built(stamp.team_id, filters, stamp.version)
