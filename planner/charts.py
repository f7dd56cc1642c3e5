"""The dashboard's charts and their tables, built once from the figures (planner/dashboard.py).

Plotly `graph_objects` are built directly (cheaper than plotly.express on every rerun). Every chart
comes with the rows it draws, so each can be read as a table and downloaded as a formula-safe CSV.
Labels that come from users (campaign names, message titles) are escaped: Plotly reads some tags.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta

# Plotly peeks at sys.modules for pandas without the import lock: with two sessions starting at once
# it can find pandas half-initialised. Importing it here waits for the import to finish.
import pandas  # noqa: F401
import plotly.graph_objects as go

from planner import exports
from planner.dashboard import WEEKDAYS, ZONES, Dashboard, DayFigure, HeatCell, Progress, Slice
from planner.languages import Language
from planner.vocabulary import vocabulary

BLUE, GREEN, AMBER, GREY = "#1f6f8b", "#2e8b57", "#d08c2b", "#8a8f98"
TIER_COLOURS = {"awareness": BLUE, "engagement": GREEN, "impact": AMBER}
LAYOUT = {
    "template": "plotly_white",
    "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
    "height": 340,
    "font": {"family": "system-ui, sans-serif", "size": 13},
    "legend": {"orientation": "h", "y": -0.2},
}


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    figure: go.Figure | None  # None when there is nothing to draw
    rows: list[dict[str, object]]
    note: str = ""

    def csv(self) -> bytes:
        """The chart's table as CSV: every text cell made inert for spreadsheets, all cells quoted."""
        header = list(self.rows[0]) if self.rows else ["(no figures)"]
        return exports.table_csv(header, [[_cell(row[h]) for h in header] for row in self.rows])


def _cell(value: object) -> int | float | str:
    if value is None:
        return ""
    if isinstance(value, int | float):
        return round(value, 4) if isinstance(value, float) else value
    return str(value)


def safe_label(text: str) -> str:
    """A user's text as a Plotly label: tags shown as text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _Frozen(go.Figure):
    """A finished figure that nothing changes again: its plain dict is made once and then handed out as is.

    st.plotly_chart asks a figure for `to_dict()` on every rerun, a deep copy of every trace plus a pass over
    every array; the dashboard's cached figures would pay that on each rerun for the same answer. Never give
    one to code that edits the dict it gets (the donor report does: it uses `Chart.figure`).
    """

    def to_dict(self) -> dict:
        if getattr(self, "_plain", None) is None:
            self._plain = super().to_dict()
        return self._plain


def frozen(chart: Chart) -> Chart:
    """The chart with a copy of its figure that is shown again and again unchanged: its dict is made once."""
    return chart if chart.figure is None else replace(chart, figure=_Frozen(chart.figure))


def _figure(**layout) -> go.Figure:
    figure = go.Figure()
    figure.update_layout(**(LAYOUT | layout))
    return figure


def _rate(engaged: int, seen: int) -> float | None:
    return round(engaged / seen, 4) if seen else None


def weekly(days: list[DayFigure]) -> list[tuple[date, int, int]]:
    """Daily figures added up by week (weeks start on Monday)."""
    weeks: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for day in days:
        week = weeks[day.day - timedelta(days=day.day.weekday())]
        week[0] += day.seen
        week[1] += day.engagement
    return [(start, seen, engaged) for start, (seen, engaged) in sorted(weeks.items())]


def over_time(board: Dashboard) -> Chart:
    weeks = weekly(board.over_time)
    rows = [
        {
            "Week of": start.isoformat(),
            "People reached": seen,
            "Engagements": engaged,
            "Engagement rate": _rate(engaged, seen),
        }
        for start, seen, engaged in weeks
    ]
    figure = None
    if weeks:
        figure = _figure(
            yaxis={"title": "People reached"},
            yaxis2={"title": "Engagements", "overlaying": "y", "side": "right", "rangemode": "tozero"},
        )
        x = [start.isoformat() for start, _, _ in weeks]  # as text: JSON-encoded natively, read as dates by Plotly
        figure.add_trace(go.Bar(x=x, y=[seen for _, seen, _ in weeks], name="People reached", marker_color=BLUE))
        figure.add_trace(
            go.Scatter(
                x=x, y=[e for _, _, e in weeks], name="Engagements", yaxis="y2", mode="lines+markers", line_color=GREEN
            )
        )
        figure.update_xaxes(tickformat="%d %b", dtick=7 * 24 * 3600 * 1000, tick0=weeks[0][0].isoformat())
    return Chart("over-time", "Reach and engagement by week", figure, rows)


def breakdown(key: str, title: str, slices: list[Slice], column: str, note: str = "") -> Chart:
    rows = [
        {
            column: s.label,
            "People reached": s.seen,
            "Engagements": s.engagement,
            "Engagement rate": s.engagement_rate,
            "Posts": s.posts,
        }
        for s in slices
    ]
    figure = None
    if slices:
        ordered = list(reversed(slices))
        figure = _figure(height=max(220, 46 * len(slices) + 80), xaxis={"title": "People reached"}, showlegend=False)
        figure.add_trace(
            go.Bar(
                y=[safe_label(s.label) for s in ordered],
                x=[s.seen for s in ordered],
                orientation="h",
                marker_color=BLUE,
                text=[f"{s.seen:,} · {s.engagement_rate:.1%}" if s.engagement_rate else f"{s.seen:,}" for s in ordered],
                textposition="auto",
                textangle=0,
                hovertemplate="%{y}: %{x:,} people reached<extra></extra>",
            )
        )
    return Chart(key, title, figure, rows, note)


def engagement_rates(slices: list[Slice]) -> Chart:
    rated = [s for s in slices if s.engagement]
    rows = [{"Platform": s.label, "Engagement rate": s.engagement_rate, "People reached": s.seen} for s in rated]
    figure = None
    if rated:
        figure = _figure(yaxis={"title": "Engagements per person reached", "tickformat": ".0%"}, showlegend=False)
        figure.add_trace(go.Bar(x=[s.label for s in rated], y=[s.engagement_rate for s in rated], marker_color=GREEN))
    missing = [s.label for s in slices if not s.engagement]
    note = f"No engagement figures in the exports of: {', '.join(missing)}." if missing else ""
    return Chart("engagement-rate", "Engagement rate by platform", figure, rows, note)


def progress(items: list[Progress]) -> Chart:
    words = vocabulary()
    rows = [
        {
            "Campaign": p.campaign,
            "Measures": "Objective" if p.source == "objective" else "KPI",
            "Tier": p.tier.capitalize(),
            "Metric": words.label("metrics", p.metric),
            "What": p.description,
            "Baseline": p.baseline,
            "Target": p.target,
            "So far": p.so_far,
            "Progress": p.share,
            "Deadline": p.deadline.isoformat() if p.deadline else "",
        }
        for p in items
    ]
    shown = [p for p in items if p.source == "kpi" and p.target and p.so_far is not None]
    figure = None
    if shown:
        single = len({p.campaign_id for p in shown}) == 1
        labels = [safe_label(_progress_label(p, single)) for p in shown]
        figure = _figure(
            height=max(240, 34 * len(shown) + 90),
            xaxis={"title": "Share of the way from baseline to target", "tickformat": ".0%", "range": [0, 1.05]},
            showlegend=False,
        )
        figure.add_trace(
            go.Bar(
                y=labels[::-1],
                x=[(p.share or 0) for p in shown][::-1],
                orientation="h",
                marker_color=[TIER_COLOURS.get(p.tier, GREY) for p in shown][::-1],
                text=[_progress_text(p) for p in shown][::-1],
                textposition="auto",
                textangle=0,
                hovertemplate="%{y}: %{x:.0%}<extra></extra>",
            )
        )
    return Chart(
        "kpi-progress",
        "Progress against each campaign's targets",
        figure,
        rows,
        "Colours: blue awareness, green engagement, amber impact. KPIs without figures yet are in the table only.",
    )


def _progress_label(p: Progress, single: bool) -> str:
    metric = vocabulary().label("metrics", p.metric).split(" (")[0]
    if single:
        return metric
    name = p.campaign if len(p.campaign) <= 30 else p.campaign[:29].rstrip() + "…"
    return f"{name} · {metric}"


def _progress_text(p: Progress) -> str:
    if p.so_far is None:
        return "no figures yet"
    unit = " %" if p.metric == "survey-result" else ""
    return f"{p.so_far:,.0f}{unit} of {p.target:,.0f}{unit}"


def heat_map(board: Dashboard, zone: str) -> Chart:
    cells = [c for c in board.heat if c.zone == zone]
    rows = [
        {
            "Weekday": WEEKDAYS[c.weekday],
            f"Hour ({zone} time)": f"{c.hour:02d}:00",
            "Posts": c.posts,
            "People reached per post": round(c.mean_seen),
        }
        for c in sorted(cells, key=lambda c: (c.weekday, c.hour))
    ]
    figure = None
    if cells:
        grid: list[list[float | None]] = [[None] * 24 for _ in WEEKDAYS]
        counts: list[list[int]] = [[0] * 24 for _ in WEEKDAYS]
        for c in cells:
            grid[c.weekday][c.hour] = round(c.mean_seen)
            counts[c.weekday][c.hour] = c.posts
        figure = _figure(height=320, xaxis={"title": f"Hour published ({zone} time)", "dtick": 2})
        figure.add_trace(
            go.Heatmap(
                z=grid,
                x=list(range(24)),
                y=list(WEEKDAYS),
                customdata=counts,
                colorscale="Blues",
                hoverongaps=False,
                colorbar={"title": "Reached<br>per post"},
                hovertemplate="%{y} %{x}:00 — %{z:,} per post (%{customdata} posts)<extra></extra>",
            )
        )
        figure.update_yaxes(autorange="reversed")
    return Chart(f"heat-{zone.lower()}", f"When posts reached most people ({zone} time)", figure, rows)


def suggestion_text(cells: list[HeatCell], zone: str) -> str:
    if not cells:
        return f"Not enough posts yet to suggest times in {zone} time (an hour needs at least two posts)."
    times = "; ".join(f"{WEEKDAYS[c.weekday]} {c.hour:02d}:00–{c.hour + 1:02d}:00" for c in cells)
    return f"Best so far in {zone} time: {times} (people reached per post)."


def top_posts_rows(board: Dashboard) -> list[dict[str, object]]:
    rows = []
    for p in board.top_posts:
        local = p.published_at.astimezone(ZONES["Pakistan"]) if p.published_at else None
        rows.append(
            {
                "Message": p.title,
                "Platform": vocabulary().label("platforms", p.platform),
                "Language": _language(p.language),
                "Published (Pakistan time)": f"{local:%d %b %Y %H:%M}" if local else "",
                "People reached": p.seen,
                "Engagements": p.engagement,
                "Engagement rate": p.engagement_rate,
                "Link": p.permalink,
            }
        )
    return rows


def _language(code: str) -> str:
    try:
        return Language(code).english
    except ValueError:
        return code


def all_charts(board: Dashboard) -> list[Chart]:
    """Every chart of the dashboard, in reading order."""
    theme_note = "A message with two themes counts under both, so the bars can add up to more than the total."
    audience_note = (
        "Platforms do not say which country a post's audience was in: each account's reach is counted for the "
        "audience its team says it mainly reaches (set in the calendar's Accounts section)."
    )
    return [
        over_time(board),
        progress(board.progress),
        breakdown("by-theme", "By theme", board.by_theme, "Theme", theme_note),
        breakdown("by-language", "By language", board.by_language, "Language"),
        breakdown("by-platform", "By platform", board.by_platform, "Platform"),
        breakdown("by-audience", "By audience", board.by_audience, "Audience", audience_note),
        engagement_rates(board.by_platform),
        heat_map(board, "Pakistan"),
        heat_map(board, "Afghanistan"),
        Chart("top-posts", "Top posts", None, top_posts_rows(board)),
    ]
