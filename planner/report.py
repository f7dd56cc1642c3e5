"""The donor report: one campaign over one period, as a single self-contained HTML file to send to a donor.

It holds the plan in brief, what was published, results against targets (with the dashboard's charts), the
highlights and a methods note. The file fetches nothing: plotly.js is inlined once, styles are inline, the one
font (Noto Naskh Arabic, for Urdu, Pashto and Dari letters the reader's computer may lack) is inlined as data,
there are no images, and a Content-Security-Policy forbids every request, so opening it tells no one.

Privacy: campaigners in this region have been abducted. The report names no team member and no messenger
(messengers appear by type only), and carries no comments, review notes, post text or draft of an
unpublished message: only the titles of messages that were published. Every text a user typed is
HTML-escaped and marked ``dir="auto"`` so Urdu, Pashto and Dari read right to left.
"""

from __future__ import annotations

import base64
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from html import escape

import plotly.io
from plotly.offline import get_plotlyjs
from sqlmodel import Session, col, func, or_, select

from planner import charts, exports, results
from planner.config import ROOT
from planner.dashboard import IMPACT_METRICS, METHODS, ZONES, Dashboard, Filters, Progress, build
from planner.errors import NotFound, ValidationFailed
from planner.languages import Language
from planner.models import (
    AudienceSegment,
    Campaign,
    Kpi,
    ManualResult,
    Message,
    Messenger,
    Objective,
    Post,
    PostStatus,
    ReachFigure,
    ReachImport,
    Team,
    Variant,
)
from planner.policy import Action, Actor, require
from planner.reach_files import reach_formats
from planner.themes import catalog
from planner.vocabulary import vocabulary

CHART_WIDTH = 680  # px: the text width of an A4 page with 15 mm margins, so charts print as they show
TOP_POSTS = 5
# The report's charts in reading order: how each is built from the figures, its title and its note.
CHARTS: dict[str, tuple[Callable[[Dashboard], charts.Chart], str, str]] = {
    "over-time": (charts.over_time, "People reached and engagements, week by week", "Weeks start on Monday."),
    "kpi-progress": (
        lambda board: charts.progress(board.progress),
        "Progress towards the KPI targets",
        "Share of the way from baseline to target. Blue: awareness, green: engagement, amber: impact. "
        "KPIs without figures yet are in the table above only.",
    ),
    "by-theme": (
        lambda board: charts.breakdown("by-theme", "", board.by_theme, "Theme"),
        "People reached by theme",
        "A message with two themes counts under both, so the bars can add up to more than the total.",
    ),
    "by-language": (
        lambda board: charts.breakdown("by-language", "", board.by_language, "Language"),
        "People reached by language",
        "The figure after each bar is the engagement rate.",
    ),
    "by-platform": (
        lambda board: charts.breakdown("by-platform", "", board.by_platform, "Platform"),
        "People reached by platform",
        "The figure after each bar is the engagement rate.",
    ),
    "by-audience": (
        lambda board: charts.breakdown("by-audience", "", board.by_audience, "Audience"),
        "People reached by audience",
        "Platforms do not report which country a post's audience was in: each account's reach is counted for "
        "the audience the team says it mainly reaches.",
    ),
}
PLOTLY_CONFIG = {"displayModeBar": False, "displaylogo": False, "responsive": False}
# Nothing may leave the machine: no request of any kind, only the inline script and styles.
CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; "
    "font-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'"
)


@dataclass(frozen=True)
class Report:
    filename: str
    html: bytes


@dataclass(frozen=True)
class _Period:
    start: date | None
    end: date | None
    today: date

    def describe(self) -> str:
        last = self.end or self.today
        if self.start is None:
            return f"from the start to {_day(last)}"
        return f"{_day(self.start)} to {_day(last)}"


def donor_report(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    campaign_id: int,
    start: date | None = None,
    end: date | None = None,
    include_links: bool = False,
) -> Report:
    """The donor report of one campaign of the actor's team for a period (dates inclusive; None: open)."""
    actor = require(session, actor, Action.VIEW_CAMPAIGNS, now=now)
    return build_report(
        session,
        team_id=actor.team_id,
        campaign_id=campaign_id,
        start=start,
        end=end,
        now=now,
        include_links=include_links,
    )


def build_report(
    session: Session,
    *,
    team_id: int,
    campaign_id: int,
    start: date | None,
    end: date | None,
    now: datetime,
    include_links: bool = False,
) -> Report:
    """The donor report as HTML bytes and a server-made file name (no permission check: see donor_report)."""
    if start is not None and end is not None and end < start:
        raise ValidationFailed({"end": "the period must end on or after the day it starts"})
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or campaign.team_id != team_id:
        raise NotFound("No such campaign in your team.")
    team = session.get(Team, team_id)
    period = _Period(start, end, now.astimezone(ZONES["Pakistan"]).date())
    board = build(session, team_id=team_id, filters=Filters(campaign_id=campaign.id, start=start, end=end))
    body = [
        _cover(campaign, team, period, board, now),
        _plan(session, campaign, include_links),
        _published(session, campaign, period),
        _results(board, period),
        _highlights(session, campaign, period, board, include_links),
        _methods(session, campaign, period),
    ]
    page = _page(f"Donor report: {campaign.name}", "\n".join(body))
    name = exports.data_filename(f"donor-report-campaign-{campaign.id}", team.slug, now, "html")
    return Report(name, page.encode("utf-8"))


# ---- small pieces of HTML ----------------------------------------------------------------------


def _user(text: str | None, tag: str = "span") -> str:
    """Text a user typed: escaped, in its own direction (Urdu, Pashto and Dari read right to left)."""
    return f'<{tag} dir="auto">{escape(text or "")}</{tag}>'


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _moment(when: datetime, zone: str | None = None) -> str:
    """'22 Nov 2026, 09:00' in UTC, or in a zone of dashboard.ZONES."""
    local = when.astimezone(ZONES[zone] if zone else UTC)
    return f"{local.day} {local:%b %Y, %H:%M}"


def _n(count: int, word: str, plural: str = "") -> str:
    """'1 post', '24 posts'."""
    return f"{count:,} {word if count == 1 else plural or word + 's'}"


def _count(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def _figure(value: float | None, metric: str) -> str:
    if value is None:
        return "—"
    if metric == "survey-result":
        return f"{value:,.0f} %"
    if metric == "watch-time":
        return f"{value:,.1f} h"
    return _count(value)


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _language(code: str | None) -> str:
    try:
        return Language(code).english
    except ValueError:
        return code or "Unknown"


def _label(list_name: str, term: str | None) -> str:
    return vocabulary().label(list_name, term) if term else "—"


def _theme(theme_id: str) -> str:
    return catalog().get(theme_id).label() if theme_id in catalog().ids() else theme_id


def _table(header: list[str], rows: list[list[str]], numeric: set[int] = frozenset(), css: str = "") -> str:
    """A table of cells already rendered as HTML; columns in `numeric` align right."""

    def cell(tag: str, index: int, content: str) -> str:
        return f'<{tag} class="num">{content}</{tag}>' if index in numeric else f"<{tag}>{content}</{tag}>"

    head = "".join(cell("th", i, escape(h)) for i, h in enumerate(header))
    body = "".join("<tr>" + "".join(cell("td", i, c) for i, c in enumerate(row)) + "</tr>" for row in rows)
    attributes = f' class="{css}"' if css else ""
    return f"<table{attributes}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _section(anchor: str, title: str, content: str) -> str:
    return f'<section id="{anchor}"><h2>{escape(title)}</h2>{content}</section>'


def _facts(items: list[tuple[str, str]]) -> str:
    """A definition list of (label, HTML) pairs, skipping empty values."""
    rows = "".join(f"<dt>{escape(label)}</dt><dd>{value}</dd>" for label, value in items if value)
    return f"<dl>{rows}</dl>"


def _web_link(url: str, text: str = "") -> str | None:
    """An http(s) address as a link, or None: a stored link is never trusted to be a web address.

    Printed, a link shows its address (see STYLE), so a paper copy still says where the post is."""
    if not re.fullmatch(r"https?://[^\s\"'<>]+", url or ""):
        return None
    if not text:
        return f'<a href="{escape(url)}" rel="noopener noreferrer">{escape(url)}</a>'
    return f'<a class="named" href="{escape(url)}" rel="noopener noreferrer">{escape(text)}</a>'


# ---- the cover: who, what, when, and the figures at a glance -----------------------------------


def _cover(campaign: Campaign, team: Team, period: _Period, board: Dashboard, now: datetime) -> str:
    return (
        '<header class="cover">'
        '<p class="kicker">Campaign report for donors and partners</p>'
        f"{_user(campaign.name, 'h1')}"
        f'<p class="team">{_user(team.name)}</p>'
        + _facts(
            [
                ("Period", escape(period.describe())),
                ("Campaign", f"{_day(campaign.start_date)} to {_day(campaign.end_date)} · {_status(campaign)}"),
                ("Generated", f"{_moment(now)} UTC · {_moment(now, 'Pakistan')} Pakistan time"),
            ]
        )
        + "<h2>At a glance</h2>"
        + f'<p class="lead">{_n(board.posts_published, "post")} published in this period. {_targets(board)}</p>'
        + _tier_cards(board)
        + "</header>"
    )


def _targets(board: Dashboard) -> str:
    """How many objectives and KPIs have reached their targets, e.g. '1 of 3 objectives and 2 of 6 KPIs …'."""
    counts = []
    for source, word in (("objective", "objective"), ("kpi", "KPI")):
        items = [p for p in board.progress if p.source == source and p.target is not None]
        if items:
            counts.append(f"{sum(1 for p in items if p.share == 1.0)} of {_n(len(items), word)}")
    return f"Targets reached so far: {' and '.join(counts)}." if counts else ""


def _tier_cards(board: Dashboard) -> str:
    tiers = board.tiers
    seen = f"{tiers.impressions:,} impressions where platforms count them" if tiers.impressions else ""
    asked = f"{_n(tiers.surveys, 'survey')}, {_n(tiers.surveyed, 'person', 'people')}"
    survey = (
        f"{tiers.survey_agreeing:.0f} % agreed ({asked})"
        if tiers.survey_agreeing is not None
        else "no survey in this period"
    )
    coded = (
        f"{tiers.coded_positive:,.0f} of {tiers.coded_total:,} coded comments showed a shift"
        if tiers.coded_total
        else ""
    )
    cards = [
        ("awareness", "did people see it?", _count(tiers.people_reached), "people reached", seen),
        ("engagement", "did they respond?", _count(tiers.engagements), "engagements",
         f"{_rate(tiers.engagement_rate)} of people reached responded" if tiers.engagement_rate is not None else ""),
        ("impact", "did anything change?", _count(tiers.offline_actions), "offline actions",
         "; ".join(part for part in (survey, coded) if part)),
    ]  # fmt: skip
    boxes = "".join(
        f'<div class="tier tier-{tier}"><p class="tier-name">{tier.capitalize()} <span>· {question}</span></p>'
        f'<p class="big">{value}</p><p class="unit">{unit}</p><p class="small">{escape(detail)}</p></div>'
        for tier, question, value, unit, detail in cards
    )
    return f'<div class="tiers">{boxes}</div>'


def _status(campaign: Campaign) -> str:
    return escape(str(campaign.status).capitalize())


# ---- the plan ----------------------------------------------------------------------------------


def _plan(session: Session, campaign: Campaign, include_links: bool) -> str:
    words = vocabulary()
    narrative = {"counter": "Counter-narrative", "alternative": "Alternative narrative"}.get(
        campaign.narrative_type or "", ""
    )
    action = _user(campaign.cta_text) if campaign.cta_text else ""
    if action and campaign.cta_type:
        action += f' <span class="muted">({escape(words.label("cta_types", campaign.cta_type))})</span>'
    link = _web_link(campaign.cta_link or "") if include_links else None
    if action and link:
        action += f"<br>{link}"
    summary = _facts(
        [
            ("Goal", _user(campaign.goal_statement, "p") if campaign.goal_statement else "<p>Not written yet.</p>"),
            ("Core message", _user(campaign.core_message, "p") if campaign.core_message else ""),
            ("Narrative", escape(narrative)),
            ("Themes", escape(", ".join(_theme(t) for t in campaign.themes))),
            ("Countries", escape(", ".join(words.label("countries", c) for c in campaign.countries))),
            ("Languages", escape(", ".join(_language(code) for code in campaign.languages))),
            ("Platforms", escape(", ".join(words.label("platforms", p) for p in campaign.media_platforms))),
            ("Formats", escape(", ".join(words.label("formats", f) for f in campaign.media_formats))),
            ("Call to action", action),
            ("Messengers", _messengers(session, campaign)),
            ("Review of results", escape(_label("review_cadences", campaign.review_cadence))),
        ]
    )
    return _section(
        "plan",
        "The plan",
        summary
        + "<h3>Objectives</h3>"
        + _objectives(session, campaign)
        + "<h3>Audiences</h3>"
        + _audiences(session, campaign)
        + "<h3>How results are measured</h3>"
        + _kpis(session, campaign),
    )


def _messengers(session: Session, campaign: Campaign) -> str:
    """How many messengers of each type: never a name, which may be a real person at risk."""
    rows = session.exec(
        select(Messenger.messenger_type, func.count())
        .where(Messenger.campaign_id == campaign.id)
        .group_by(Messenger.messenger_type)
        .order_by(Messenger.messenger_type)
    ).all()
    if not rows:
        return "None planned yet."
    total = sum(count for _, count in rows)
    kinds = ", ".join(f"{escape(_label('messenger_types', kind))} ({count})" for kind, count in rows)
    return f'{_n(total, "messenger")}: {kinds}. <span class="muted">Named by type only, for their safety.</span>'


def _objectives(session: Session, campaign: Campaign) -> str:
    objectives = session.exec(
        select(Objective).where(Objective.campaign_id == campaign.id).order_by(Objective.position, Objective.id)
    ).all()
    if not objectives:
        return "<p>No objectives set yet.</p>"
    rows = [
        [
            _user(o.description or _label("metrics", o.metric)),
            escape(_label("metrics", o.metric)),
            f"{_figure(o.baseline, o.metric)} → {_figure(o.target, o.metric)}",
            escape(_day(o.deadline)),
        ]
        for o in objectives
    ]
    return _table(["Objective", "Measured by", "Baseline → target", "Deadline"], rows, {2}, css="objectives")


def _audiences(session: Session, campaign: Campaign) -> str:
    segments = session.exec(
        select(AudienceSegment.name, AudienceSegment.region, AudienceSegment.languages, AudienceSegment.age_band)
        .where(AudienceSegment.campaign_id == campaign.id)
        .order_by(AudienceSegment.position, AudienceSegment.id)
    ).all()
    if not segments:
        return "<p>No audience described yet.</p>"
    rows = [
        [
            _user(name),
            escape(_label("regions", region)),
            escape(", ".join(_language(code) for code in languages) or "—"),
            escape(_label("age_bands", age_band)),
        ]
        for name, region, languages, age_band in segments
    ]
    return _table(["Audience", "Where", "Languages", "Ages"], rows, css="audiences")


def _kpis(session: Session, campaign: Campaign) -> str:
    kpis = session.exec(select(Kpi).where(Kpi.campaign_id == campaign.id).order_by(Kpi.position, Kpi.id)).all()
    if not kpis:
        return "<p>No KPIs set yet.</p>"
    words = vocabulary()
    rows = [
        [
            escape((words.tier_of(k.metric) or "").capitalize()),
            escape(words.label("metrics", k.metric)),
            _figure(k.target, k.metric),
            escape(words.label("data_sources", k.data_source)),
        ]
        for k in kpis
    ]
    return _table(["Tier", "KPI", "Target", "Data from"], rows, {2})


# ---- what was published ------------------------------------------------------------------------


def _published_posts(campaign: Campaign, period: _Period):
    query = select(Post.id, Post.message_id, Variant.platform, Variant.language).join(
        Variant, Variant.id == Post.variant_id
    )
    query = query.where(Post.campaign_id == campaign.id, Post.status == PostStatus.PUBLISHED)
    if period.start is not None:
        query = query.where(Post.published_at >= _midnight(period.start))
    if period.end is not None:
        query = query.where(Post.published_at < _midnight(period.end, 1))
    return query


def _midnight(day: date, plus_days: int = 0) -> datetime:
    """The start of a UTC day: the dashboard counts days in UTC too."""
    return datetime.combine(day + timedelta(days=plus_days), time(0), tzinfo=UTC)


def _published(session: Session, campaign: Campaign, period: _Period) -> str:
    posts = session.exec(_published_posts(campaign, period)).all()
    if not posts:
        return _section("published", "What was published", "<p>No posts were published in this period.</p>")
    return _section(
        "published",
        "What was published",
        f'<p class="lead">{_n(len(posts), "post")} of {_n(len({p.message_id for p in posts}), "message")} went out '
        "in this period.</p>"
        "<h3>Posts by platform and language</h3>"
        + _platform_language(posts)
        + "<h3>Messages</h3>"
        + _messages(session, posts),
    )


def _platform_language(posts) -> str:
    counts = Counter((p.platform, p.language) for p in posts)
    platforms = sorted({p.platform for p in posts}, key=lambda p: vocabulary().label("platforms", p))
    languages = [str(code) for code in Language if any(p.language == code for p in posts)]
    languages += sorted({p.language for p in posts} - set(languages))
    rows = [
        [escape(vocabulary().label("platforms", platform))]
        + [str(counts[(platform, code)] or "·") for code in languages]
        + [f"<strong>{sum(counts[(platform, code)] for code in languages)}</strong>"]
        for platform in platforms
    ]
    rows.append(
        ["<strong>All platforms</strong>"]
        + [f"<strong>{sum(counts[(p, code)] for p in platforms)}</strong>" for code in languages]
        + [f"<strong>{len(posts)}</strong>"]
    )
    header = ["Platform", *[_language(code) for code in languages], "All languages"]
    return _table(header, rows, set(range(1, len(header))))


def _messages(session: Session, posts) -> str:
    """Only messages that were published: a draft's title is not for donors."""
    per_message = Counter(p.message_id for p in posts)
    found = session.exec(
        select(Message.id, Message.title, Message.themes).where(col(Message.id).in_(list(per_message)))
    ).all()
    found = sorted(found, key=lambda m: (-per_message[m.id], m.title))
    rows = [
        [_user(title), escape(", ".join(_theme(t) for t in themes) or "—"), str(per_message[message_id])]
        for message_id, title, themes in found
    ]
    return _table(["Message", "Themes", "Posts"], rows, {2})


# ---- results against targets -------------------------------------------------------------------


def _results(board: Dashboard, period: _Period) -> str:
    scope = (
        '<p class="note">Figures count only what happened in this period; targets are for the whole campaign.</p>'
        if period.start is not None
        else ""
    )
    figures = "".join(_chart(build_chart(board), title, note) for build_chart, title, note in CHARTS.values())
    noscript = (
        '<noscript><p class="note">The charts below need JavaScript to show; the table above holds every '
        "objective and KPI.</p></noscript>"
    )
    return _section(
        "results",
        "Results against targets",
        scope + _progress_table(board.progress) + noscript + figures,
    )


def _progress_table(items: list[Progress]) -> str:
    if not items:
        return "<p>The plan sets no objectives or KPIs yet.</p>"
    rows = [
        [
            _user(p.description, "div")
            + f'<div class="small"><span class="dot dot-{escape(p.tier)}"></span>'
            + f"{'Objective' if p.source == 'objective' else 'KPI'} · {escape(p.tier.capitalize() or '—')}</div>",
            _figure(p.baseline, p.metric),
            _figure(p.target, p.metric),
            _figure(p.so_far, p.metric),
            _bar(p),
        ]
        for p in items
    ]
    return _table(["Objective or KPI", "Baseline", "Target", "So far", "Progress"], rows, {1, 2, 3}, css="progress")


def _bar(p: Progress) -> str:
    """A progress bar drawn in CSS, so it prints; the share is also written out."""
    if p.target is None:
        return '<span class="muted">no target set</span>'
    if p.so_far is None:
        return '<span class="muted">no figures yet</span>'
    share = p.share or 0.0
    words = "target reached" if share >= 1 else f"{share:.0%}"
    return (
        f'<div class="bar" role="img" aria-label="{share:.0%} of the way from baseline to target">'
        f'<span class="fill fill-{escape(p.tier)}" style="width:{share * 100:.0f}%"></span></div>'
        f'<span class="share">{words}</span>'
    )


def _chart(chart: charts.Chart, title: str, note: str) -> str:
    head = f'<h3>{escape(title)}</h3><p class="note">{escape(note)}</p>'
    if chart.figure is None:
        return f'<div class="chart">{head}<p class="muted">No figures for this period.</p></div>'
    spec = chart.figure.to_dict()  # a plain copy: cheaper to adjust than a validated Figure
    spec["layout"].update(width=CHART_WIDTH, autosize=False)
    spec["layout"].setdefault("margin", {})["t"] = 12
    if chart.key == "over-time":  # weekly ticks on the Mondays the weeks start on (Plotly's default: Sundays)
        spec["layout"].setdefault("xaxis", {})["tick0"] = chart.rows[0]["Week of"]
    height = spec["layout"].get("height") or 340
    div = plotly.io.to_html(
        spec,
        validate=False,
        full_html=False,
        include_plotlyjs=False,
        div_id=f"chart-{chart.key}",
        config=PLOTLY_CONFIG,
        default_width=f"{CHART_WIDTH}px",
        default_height=f"{height}px",
    )
    return f'<div class="chart">{head}{div}</div>'


# ---- highlights --------------------------------------------------------------------------------


def _highlights(session: Session, campaign: Campaign, period: _Period, board: Dashboard, include_links: bool) -> str:
    times = "".join(
        f"<li>{escape(charts.suggestion_text(cells, zone))}</li>" for zone, cells in board.suggestions.items()
    )
    return _section(
        "highlights",
        "Highlights",
        "<h3>Posts that reached the most people</h3>"
        + _top_posts(board, include_links)
        + "<h3>Best posting times so far</h3>"
        + f"<ul>{times}</ul>"
        + "<h3>Impact: surveys, events and coded comments</h3>"
        + _impact(session, campaign, period),
    )


def _top_posts(board: Dashboard, include_links: bool) -> str:
    top = board.top_posts[:TOP_POSTS]
    if not top:
        return "<p>No post has figures for this period yet.</p>"
    rows = []
    for post in top:
        link = _web_link(post.permalink, "View the post") if include_links else None
        where = f"{vocabulary().label('platforms', post.platform)} · {_language(post.language)}"
        rows.append(
            [
                _user(post.title, "div") + (f'<div class="small">{link}</div>' if link else ""),
                escape(where),
                _moment(post.published_at, "Pakistan") if post.published_at else "—",
                _count(post.seen),
                _rate(post.engagement_rate) if post.engagement else "—",
            ]
        )
    header = ["Message", "Where", "Published (Pakistan time)", "People reached", "Engagement rate"]
    note = '<p class="note">—: the platform reported no engagements for the post (WhatsApp Channels never do).</p>'
    return _table(header, rows, {3, 4}, css="top") + (note if any(not post.engagement for post in top) else "")


def _hand_entries(campaign: Campaign, period: _Period, metrics: tuple[str, ...] | None = None):
    """Entries made by hand, counted by the day their period ends (as the dashboard counts them)."""
    m = ManualResult
    query = select(m).where(m.campaign_id == campaign.id, m.voided_at.is_(None))
    if metrics is not None:
        query = query.where(col(m.metric).in_(metrics))
    if period.start is not None:
        query = query.where(m.period_end >= period.start)
    if period.end is not None:
        query = query.where(m.period_end <= period.end)
    return query.order_by(m.period_start, m.id)


def _impact(session: Session, campaign: Campaign, period: _Period) -> str:
    entries = session.exec(_hand_entries(campaign, period, IMPACT_METRICS)).all()
    if not entries:
        return "<p>No survey, event or coded comments entered for this period.</p>"
    rows = [
        [
            escape(_kind(entry.kind)),
            escape(_impact_result(entry)),
            escape(_span(entry.period_start, entry.period_end)),
            _user(entry.source),
        ]
        for entry in entries
    ]
    return _table(["What", "Result", "When", "How it was measured"], rows, css="impact")


def _kind(kind: str) -> str:
    found = results.KINDS.get(kind)
    return found.label if found else kind


def _impact_result(entry: ManualResult) -> str:
    if entry.metric == "survey-result":
        answered = f" of {entry.sample_size:,} people who answered" if entry.sample_size else ""
        return f"{entry.value:.0f} % agreed{answered}"
    if entry.metric == "coded-comments":
        coded = f" of {entry.sample_size:,}" if entry.sample_size else ""
        return f"{entry.value:,.0f}{coded} comments coded as a positive shift"
    return f"{entry.value:,.0f} offline actions"


def _span(first: date, last: date) -> str:
    """'4 Oct 2026', '4–6 Oct 2026', '28 Sep – 6 Oct 2026' or '20 Dec 2026 – 3 Jan 2027'."""
    if first == last:
        return _day(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{_day(last)}"
    if first.year == last.year:
        return f"{first.day} {first:%b} – {_day(last)}"
    return f"{_day(first)} – {_day(last)}"


# ---- methods -----------------------------------------------------------------------------------


def _methods(session: Session, campaign: Campaign, period: _Period) -> str:
    imports = _imports(session, campaign)
    if imports:
        latest = max(i.imported_at for i in imports)
        as_of = f'<p class="lead">Figures as of {_moment(latest)} UTC, the latest export imported.</p>'
        rows = [[escape(_format_label(i.kind)), f"{_moment(i.imported_at)} UTC", f"{i.rows:,}"] for i in imports]
        files = _table(["Export file", "Imported", "Rows"], rows, {2})
    else:
        as_of = '<p class="lead">No platform export has been imported for this campaign yet.</p>'
        files = ""
    by_kind = Counter(entry.kind for entry in session.exec(_hand_entries(campaign, period)).all())
    kinds = ", ".join(f"{_kind(kind)} ({count})" for kind, count in sorted(by_kind.items()))
    by_hand = (
        f"<p>{_n(sum(by_kind.values()), 'figure')} entered by hand in this period, each with a note of how it was "
        f"measured: {escape(kinds)}.</p>"
        if by_kind
        else "<p>No figures were entered by hand in this period.</p>"
    )
    return _section(
        "methods",
        "Where the numbers come from",
        as_of
        + _markdown_list(METHODS)
        + "<h3>Platform exports imported</h3>"
        + (files or "<p>None yet.</p>")
        + "<h3>Figures entered by hand</h3>"
        + by_hand
        + '<p class="footer">This report names no team member and describes messengers by type only. '
        "It was made by the campaign planner and opens without an internet connection.</p>",
    )


def _imports(session: Session, campaign: Campaign) -> list[ReachImport]:
    """The export files whose figures this campaign's posts and messages carry now."""
    posts = select(Post.id).where(Post.campaign_id == campaign.id)
    messages = select(Message.id).where(Message.campaign_id == campaign.id)
    used = select(ReachFigure.import_id).where(
        ReachFigure.team_id == campaign.team_id,
        or_(col(ReachFigure.post_id).in_(posts), col(ReachFigure.message_id).in_(messages)),
    )
    query = select(ReachImport).where(col(ReachImport.id).in_(used))
    return list(session.exec(query.order_by(ReachImport.imported_at, ReachImport.id)).all())


def _format_label(kind: str) -> str:
    try:
        return reach_formats().get(kind).label
    except KeyError:
        return kind


def _markdown_list(text: str) -> str:
    """METHODS is a Markdown list with **bold** and *italic*: rendered here without a Markdown library."""
    items: list[str] = []
    for line in text.splitlines():
        if line.startswith("- "):
            items.append(line[2:])
        elif items and line.strip():
            items[-1] += " " + line.strip()

    def inline(item: str) -> str:
        html = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escape(item))
        return re.sub(r"\*(.+?)\*", r"<em>\1</em>", html)

    return '<ul class="methods">' + "".join(f"<li>{inline(item)}</li>" for item in items) + "</ul>"


# ---- the page ----------------------------------------------------------------------------------


@cache
def plotly_library() -> str:
    """plotly.js as inlined in the report. Two defaults name a CDN (map tiles' icons and world outlines,
    never used by these charts); they are blanked so the file names no CDN at all."""
    script = re.sub(r"https://cdn\.[^\"'`]*", "", get_plotlyjs())
    if "</script" in script.lower():  # would end the inline script early
        raise RuntimeError("plotly.js cannot be inlined: it contains </script")
    return script


# The font the app serves (static/fonts, SIL Open Font License) for Arabic-script letters only; a test checks
# that this range is the one .streamlit/config.toml gives it.
ARABIC_FONT = ROOT / "static" / "fonts" / "noto-naskh-arabic-arabic-wght-normal.woff2"
ARABIC_RANGE = (
    "U+0600-06FF, U+0750-077F, U+0870-088E, U+0890-0891, U+0897-08E1, U+08E3-08FF, U+200C-200E, U+2010-2011, "
    "U+204F, U+2E41, U+FB50-FDFF, U+FE70-FE74, U+FE76-FEFC"
)


@cache
def _font_face() -> str:
    data = base64.b64encode(ARABIC_FONT.read_bytes()).decode("ascii")
    return (
        '@font-face { font-family: "planner-arabic"; font-style: normal; font-weight: 400 700; '
        f'src: url(data:font/woff2;base64,{data}) format("woff2"); unicode-range: {ARABIC_RANGE}; }}\n'
    )


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{escape(title)}</title>\n<style>{_font_face()}{STYLE}</style>\n"
        f"<script>{plotly_library()}</script>\n"
        f"</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


STYLE = """
@page { size: A4; margin: 15mm; }
:root { --ink: #1d2433; --muted: #5b6472; --line: #dde2e8; --soft: #f3f5f8;
  --awareness: #1f6f8b; --engagement: #2e8b57; --impact: #d08c2b; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: #eef1f4; color: var(--ink); font-size: 15px; line-height: 1.5;
  font-family: planner-arabic, system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Tahoma, "DejaVu Sans",
  Arial, sans-serif; }
main { width: 760px; max-width: 100%; margin: 24px auto; padding: 36px 40px; background: #fff;
  box-shadow: 0 1px 4px rgba(0, 0, 0, .08); }
h1 { font-size: 28px; line-height: 1.25; margin: 4px 0 2px; }
h2 { font-size: 21px; margin: 0 0 14px; padding-bottom: 6px; border-bottom: 2px solid var(--ink); }
header h2 { margin-top: 26px; }
h3 { font-size: 16px; margin: 22px 0 8px; }
p { margin: 0 0 10px; }
section { margin-top: 40px; padding-top: 8px; }
.kicker { text-transform: uppercase; letter-spacing: .08em; font-size: 12px; color: var(--muted); margin: 0; }
.team { font-size: 17px; color: var(--muted); margin-bottom: 16px; }
.lead { font-size: 16px; }
.muted, .note, .small { color: var(--muted); }
.note, .small { font-size: 13px; }
dl { display: grid; grid-template-columns: 150px 1fr; gap: 6px 16px; margin: 0 0 8px; }
dt { font-weight: 600; color: var(--muted); }
dd { margin: 0; }
dd p { margin: 0; }
table { width: 100%; border-collapse: collapse; font-size: 13.5px; margin: 4px 0 12px; }
thead { display: table-header-group; }
th { text-align: start; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted);
  border-bottom: 2px solid var(--line); padding: 6px 8px; }
td { border-bottom: 1px solid var(--line); padding: 6px 8px; vertical-align: top; }
tr, .tier, .chart, dl { break-inside: avoid; page-break-inside: avoid; }
.num { text-align: end; white-space: nowrap; font-variant-numeric: tabular-nums; }
.tiers { display: grid; grid-template-columns: repeat(3, 1fr); gap: 12px; margin-top: 10px; }
.tier { border: 1px solid var(--line); border-top: 5px solid var(--muted); border-radius: 4px; padding: 10px 12px;
  background: #fff; }
.tier-awareness { border-top-color: var(--awareness); }
.tier-engagement { border-top-color: var(--engagement); }
.tier-impact { border-top-color: var(--impact); }
.tier-name { font-weight: 700; margin: 0; }
.tier-name span { font-weight: 400; color: var(--muted); font-size: 13px; }
.big { font-size: 28px; font-weight: 700; margin: 6px 0 0; font-variant-numeric: tabular-nums; }
.unit { margin: 0 0 6px; }
.small { margin: 0; }
.progress td:first-child { width: 46%; }
.progress td:last-child { width: 130px; }
.top td:nth-child(3) { white-space: nowrap; }
th.num { white-space: normal; }
.bar { height: 10px; background: #e3e7ec; border-radius: 5px; overflow: hidden; margin-top: 5px; }
.fill { display: block; height: 100%; background: var(--muted); }
.fill-awareness { background: var(--awareness); }
.fill-engagement { background: var(--engagement); }
.fill-impact { background: var(--impact); }
.share { font-size: 12px; color: var(--muted); }
.dot { display: inline-block; width: 9px; height: 9px; border-radius: 50%; margin-inline-end: 6px;
  background: var(--muted); }
.dot-awareness { background: var(--awareness); }
.dot-engagement { background: var(--engagement); }
.dot-impact { background: var(--impact); }
.chart { margin: 18px 0 10px; }
.chart .plotly-graph-div { margin-top: 4px; }
.objectives td:nth-child(3), .objectives td:nth-child(4), .audiences td:nth-child(4) { white-space: nowrap; }
ul { padding-inline-start: 22px; margin: 6px 0 10px; }
li { margin-bottom: 6px; }
a { color: var(--awareness); word-break: break-all; }
.footer { margin-top: 28px; padding-top: 10px; border-top: 1px solid var(--line); font-size: 12px;
  color: var(--muted); }
[dir="auto"] { unicode-bidi: isolate; }
@media print {
  body { background: #fff; font-size: 13.5px; }
  main { width: auto; margin: 0; padding: 0; box-shadow: none; }
  section { break-before: page; page-break-before: always; margin-top: 0; padding-top: 0; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  a { color: inherit; text-decoration: none; }
  a.named::after { content: " " attr(href); word-break: break-all; }
}
@media screen and (max-width: 720px) {
  main { padding: 20px 16px; margin: 0; }
  .tiers { grid-template-columns: 1fr; }
  dl { grid-template-columns: 1fr; }
}
"""
