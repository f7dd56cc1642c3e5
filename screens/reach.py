"""Reach dashboard: which themes and languages reached whom, against the campaigns' targets."""

from datetime import date

import streamlit as st

from planner import charts, dashboard, exports, report
from planner.dashboard import METHODS, Filters
from planner.db import utcnow
from planner.languages import Language
from planner.policy import Action, allows
from planner.text import platforms
from planner.themes import catalog
from planner.wording import count
from ui import filters
from ui.calls import call
from ui.figures import figures
from ui.session import actor

me = actor()
st.title("Reach")
st.caption(
    "What the platforms' own exports and your hand-entered results say: who was reached, who responded, and how far "
    "each campaign has come against its targets."
)

names = filters.campaign_names()
top = st.columns([3, 2])
campaign_id = filters.campaign(names, "reach.campaign", where=top[0], placeholder="All campaigns")
today = date.today()
period = top[1].date_input(
    "Period",
    value=(),
    max_value=today,
    key="reach.period",
    help="Leave empty for everything imported so far.",
    format="DD/MM/YYYY",
)
more = st.columns(3)
themes = more[0].multiselect(
    "Themes", catalog().ids(), key="reach.themes", format_func=lambda t: catalog().get(t).label(), placeholder="All"
)
chosen_platforms = more[1].multiselect(
    "Platforms",
    platforms().variant_ids(),
    key="reach.platforms",
    format_func=lambda p: platforms().variant(p).label,
    placeholder="All",
)
languages = more[2].multiselect(
    "Languages",
    [str(x) for x in Language],
    key="reach.languages",
    format_func=lambda c: Language(c).label,
    placeholder="All",
)
start, end = (period[0], period[-1]) if period else (None, None)
chosen = Filters(
    campaign_id=campaign_id,
    start=start,
    end=end,
    themes=tuple(themes),
    platforms=tuple(chosen_platforms),
    languages=tuple(languages),
)


shown = figures(chosen)
if shown is None:
    st.stop()
board, by_key = shown

if board.figures_from is None and not board.progress:
    st.info(
        "No figures yet for this choice. Import the platforms' analytics exports on **Import reach**, or enter "
        "WhatsApp views, surveys and event counts on **Enter results**.",
        icon=":material/insights:",
    )
covered = (
    f"Figures cover {board.figures_from[0]:%d %b %Y} to {board.figures_from[1]:%d %b %Y}. "
    if board.figures_from
    else ""
)
st.caption(f"{covered}{count(board.posts_published, 'post')} published in this selection.")
if board.unlinked and allows(me.role, Action.SCHEDULE_POSTS):
    st.warning(
        (
            "1 post in imported exports matches no planned post or message yet, so it counts"
            if board.unlinked == 1
            else f"{board.unlinked:,} posts in imported exports match no planned post or message yet, so they count"
        )
        + " only in the platform totals. Link them on **Import reach**.",
        icon=":material/link_off:",
    )


def tier_cards(tiers: dashboard.Tiers) -> None:
    """Awareness, engagement and impact side by side: did people see it, respond, change?"""
    awareness, engagement, impact = st.columns(3, border=True)
    with awareness:
        st.markdown("**Awareness** · did people see it?")
        st.metric("People reached", f"{tiers.people_reached:,}")
        st.caption(f"{tiers.impressions:,} impressions where the platform counts them.")
    with engagement:
        st.markdown("**Engagement** · did they respond?")
        st.metric("Engagements", f"{tiers.engagements:,}")
        rate = f"{tiers.engagement_rate:.1%}" if tiers.engagement_rate is not None else "—"
        st.caption(f"Engagement rate {rate} of people reached.")
    with impact:
        st.markdown("**Impact** · did anything change?")
        st.metric("Offline actions", f"{tiers.offline_actions:,.0f}")
        survey = (
            f"{tiers.survey_agreeing:.0f} % agreed across {count(tiers.surveys, 'survey')} of {tiers.surveyed:,} people"
            if tiers.survey_agreeing is not None
            else "no surveys entered"
        )
        coded = (
            f"{tiers.coded_positive:,.0f} of {tiers.coded_total:,} coded comments showed a shift"
            if tiers.coded_total
            else ""
        )
        st.caption("; ".join(part for part in (survey, coded) if part) + ".")


def draw(chart: charts.Chart) -> None:
    """One chart with its title and note; its table on request, and its figures as CSV."""
    with st.container(border=True):
        st.markdown(f"#### {chart.title}")
        if chart.note:
            st.caption(chart.note)
        if not chart.rows:
            st.caption("No figures for this choice yet.")
            return
        if chart.figure is None:
            st.dataframe(chart.rows, hide_index=True, placeholder="—", width="stretch")
        else:
            # Only the open tab runs: a rerun sends the chart or its table, not both.
            shown, table = st.tabs(["Chart", "Table"], key=f"reach.view.{chart.key}", on_change="rerun")
            if shown.open:
                with shown:
                    st.plotly_chart(chart.figure, key=f"reach.chart.{chart.key}", config={"displaylogo": False})
            if table.open:
                with table:
                    st.dataframe(chart.rows, hide_index=True, placeholder="—", width="stretch")
        st.download_button(
            "Download as CSV",
            data=chart.csv,  # built when someone downloads, not on every rerun
            file_name=exports.data_filename(f"reach-{chart.key}", me.team_slug, utcnow()),
            mime="text/csv",
            key=f"reach.csv.{chart.key}",
            icon=":material/download:",
        )


def draw_rows(rows: tuple[tuple[str, ...], ...]) -> None:
    for row in rows:
        for column, key in zip(st.columns(len(row)), row, strict=True):
            with column:
                draw(by_key[key])


def overview() -> None:
    """The three tiers, the best times to post, reach by week and progress against the targets."""
    tier_cards(board.tiers)
    for zone, cells in board.suggestions.items():
        if cells:
            st.success(charts.suggestion_text(cells, zone), icon=":material/schedule:")
    draw_rows((("over-time",), ("kpi-progress",)))


def who_was_reached() -> None:
    draw_rows((("by-theme",), ("by-language", "by-audience"), ("by-platform",)))


def what_worked() -> None:
    draw_rows((("engagement-rate",), ("top-posts",), ("heat-pakistan",), ("heat-afghanistan",)))


def donor_report() -> None:
    """The chosen campaign's report for donors, as one HTML file prepared on request."""
    if campaign_id is None:
        st.caption("Choose a campaign above to prepare its donor report for the chosen period.")
        return
    st.caption(
        "One HTML file to send to a donor: the plan in brief, what was published, results against targets with the "
        "charts, highlights and where the numbers come from. It covers the chosen campaign and period (the theme, "
        "platform and language filters do not apply), names no team member, and opens without an internet connection."
    )
    with_links = st.checkbox("Include links to the posts", key="reach.report.links")
    if st.button("Prepare the report", key="reach.report.prepare", icon=":material/description:"):
        prepared = call(
            report.donor_report, readonly=True, campaign_id=campaign_id, start=start, end=end, include_links=with_links
        ).value
        if prepared is not None:
            st.download_button(
                "Download the donor report",
                data=prepared.html,
                file_name=prepared.filename,
                mime="text/html",
                key="reach.report.download",
                icon=":material/download:",
                on_click="ignore",
                type="primary",
            )


# Each section names what it holds; only the open one runs, so a rerun draws a few charts, not all ten.
SECTIONS = {
    "Overview: tiers, weeks, targets": overview,
    "Who was reached: theme, language, audience, platform": who_was_reached,
    "What worked: engagement, top posts, best times": what_worked,
    "Donor report": donor_report,
}
for section, fill in zip(
    st.tabs(list(SECTIONS), key="reach.section", on_change="rerun"), SECTIONS.values(), strict=True
):
    if section.open:
        with section:
            fill()

with st.expander("Where these numbers come from"):
    st.markdown(METHODS)
