"""HTML or script typed into any field shows as text on every page, never as markup.

The demo team gets `<img src=x onerror=alert(1)><script>alert(1)</script>` in every text a member
can type (campaign name and plan, objectives, segments, messengers, message title, core idea,
sources, consent reference, variant bodies, comments, acknowledgement notes, channel names, member
and team names, denylist entries, the crisis pause reason, failure reasons, imported post texts,
consent labels, results' sources), then an admin opens every page. Whatever Streamlit renders as
HTML (st.html, markdown with unsafe_allow_html, Plotly labels) must carry the tags escaped; whatever
it renders as Markdown (markdown, captions, headings, alerts, toasts, progress text, and the labels
and help of widgets, expanders and tabs, which may also hold images) must carry them backslash-escaped
by ui.text.plain(), so the text shows exactly as typed and nothing is fetched or run.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, time, timedelta

import pytest
from sqlmodel import select

from planner import (
    accounts,
    campaigns,
    consent,
    db,
    members,
    messages,
    posts,
    reach,
    report,
    results,
    review,
)
from planner.config import ROOT
from planner.models import Team, User
from planner.plans import Step
from tests.pages.conftest import DEMO_PASSWORD, log_in, new_app
from ui import editor
from ui.text import plain

PAYLOAD = "<img src=x onerror=alert(1)><script>alert(1)</script>"
# A tag that would run: in HTML any occurrence; in Markdown one not escaped with a backslash.
TAG_IN_HTML = re.compile(r"<\s*/?\s*(img|script)\b|\\u003c\s*/?\s*(img|script)\b", re.IGNORECASE)
TAG_IN_MARKDOWN = re.compile(r"(?<!\\)<\s*/?\s*(img|script)\b", re.IGNORECASE)
# Inside a code span a backslash escape is shown as typed: plain() there shows "example\.net".
ESCAPE_IN_CODE = re.compile(r"`[^`]*\\[<>()\[\].\-][^`]*`")
PAGES = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "screens").glob("*.py"))
X_EXPORT = (ROOT / "tests" / "fixtures" / "reach" / "x-current.csv").read_bytes()
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def typed(label: str) -> str:
    """What a member typed into the field `label`."""
    return f"{PAYLOAD} {label}"


# What each page must show (escaped): proof that the typed text reached the screen at all.
SHOWN = {
    "screens/campaigns.py": ["campaign"],
    "screens/campaign.py": ["campaign", "goal", "core message", "segment", "interests", "messenger", "call to action"],
    "screens/plan.py": ["campaign", "segment", "messenger"],
    "screens/studio.py": ["body", "comment", "author"],
    "screens/library.py": ["in review", "campaign"],
    "screens/review.py": ["in review", "core idea", "consent", "body", "comment", "note", "campaign"],
    "screens/inbox.py": ["came back", "please change"],
    "screens/calendar.py": ["approved", "channel", "failure"],
    "screens/safety.py": ["pause", "denied"],
    "screens/home.py": ["admin", "team", "campaign"],
    "screens/team.py": ["team"],
}


@dataclass(frozen=True)
class Marked:
    campaign_id: int
    in_review_id: int
    opened_post_id: int  # the post whose panel the calendar opens
    post_day: date


def _actor(s, username: str, now):
    token = accounts.log_in(s, username=username, password=DEMO_PASSWORD, now=now)
    return accounts.resolve(s, token=token, now=now)


def _mark_the_plan(s, admin, now) -> int:
    plan = campaigns.create_campaign(
        s, actor=admin, now=now, name=typed("campaign"), start_date=now.date(), template_id="shared-grief"
    )

    def save_section(step, **fields):
        nonlocal plan
        plan = campaigns.update_section(
            s, actor=admin, now=now, campaign_id=plan.id, expected_version=plan.version, step=step, **fields
        )

    def save_part(kind, part, **text):
        nonlocal plan
        fields = part.model_dump(exclude={"id", "tier"}) | text
        plan = campaigns.save_part(
            s, actor=admin, now=now, campaign_id=plan.id, expected_version=plan.version, kind=kind, **fields
        )

    save_section(Step.GOAL, goal_statement=typed("goal"))
    save_section(
        Step.MESSAGE, core_message=typed("core message"), narrative_type=plan.narrative_type, themes=plan.themes
    )
    save_section(Step.ACTION, cta_text=typed("call to action"), cta_type=plan.cta_type, cta_link=plan.cta_link)
    save_part("objective", plan.objectives[0], part_id=plan.objectives[0].id, description=typed("objective"))
    segment = plan.segments[0]
    save_part("segment", segment, part_id=segment.id, name=typed("segment"), interests=typed("interests"))
    messenger = plan.messengers[0]
    save_part(
        "messenger",
        messenger,
        part_id=messenger.id,
        name=typed("messenger"),
        credibility=typed("credibility"),
        safety_plan=typed("safety plan"),
    )
    campaigns.change_status(
        s, actor=admin, now=now, campaign_id=plan.id, expected_version=plan.version, status="active"
    )
    return plan.id


def _message(s, author, now, campaign_id, title, body, **fields):
    message = messages.create_message(s, actor=author, now=now, campaign_id=campaign_id, title=title, **fields)
    for platform, language in (("x", "en"), ("telegram", "fa")):
        message = messages.save_variant(
            s,
            actor=author,
            now=now,
            message_id=message.id,
            expected_version=None,
            platform=platform,
            language=language,
            body=body,
        )
    review.submit(s, actor=author, now=now, message_id=message.id, comment=typed("submitted"))
    return message


def _acknowledge_warnings(s, reviewer, now, message_id):
    view = review.review(s, actor=reviewer, now=now, message_id=message_id)
    for finding in view.findings:
        if finding.severity == "warning":
            review.acknowledge(
                s,
                actor=reviewer,
                now=now,
                message_id=message_id,
                finding_key=finding.key,
                content_hash_seen=view.content_hash,
                note=typed("note"),
            )
    return review.review(s, actor=reviewer, now=now, message_id=message_id).content_hash


def _mark_everything(s, now) -> Marked:
    admin, drafter, facilitator = (_actor(s, name, now) for name in ("admin", "drafter", "facilitator"))
    campaign_id = _mark_the_plan(s, admin, now)

    in_review = _message(
        s,
        drafter,
        now,
        campaign_id,
        typed("in review"),
        f"70% of parents trust the drops {typed('body')}",
        core_idea=typed("core idea"),
        features_person=True,
        consent_reference=typed("consent"),
    )
    review.add_comment(s, actor=facilitator, now=now, message_id=in_review.id, body=typed("comment"))
    _acknowledge_warnings(s, facilitator, now, in_review.id)

    came_back = _message(s, admin, now, campaign_id, typed("came back"), typed("body"))
    review.request_changes(s, actor=facilitator, now=now, message_id=came_back.id, comment=typed("please change"))

    approved = _message(
        s,
        drafter,
        now,
        campaign_id,
        typed("approved"),
        "Two cities, one grief.",
        sources=[{"reference": typed("source"), "note": typed("source note")}],
    )
    digest = _acknowledge_warnings(s, facilitator, now, approved.id)
    approved = review.approve(s, actor=facilitator, now=now, message_id=approved.id, content_hash_seen=digest)
    channel = posts.add_channel(s, actor=admin, now=now, platform="x", name=typed("channel"))
    day = now.date() + timedelta(days=2)
    posts.schedule_post(
        s,
        actor=drafter,
        now=now,
        variant_id=approved.variants[0].id,
        channel_id=channel.id,
        day=day,
        at=time(18),
        zone="Asia/Karachi",
    )
    [failed] = posts.schedule_post(
        s,
        actor=drafter,
        now=now,
        variant_id=approved.variants[0].id,
        channel_id=channel.id,
        day=day,
        at=time(20),
        zone="Asia/Karachi",
    )
    posts.mark_failed(
        s, actor=drafter, now=now, post_id=failed.id, expected_version=failed.version, reason=typed("failure")
    )

    review.add_denylist_entry(s, actor=admin, now=now, entry="<script>alert(1)</script>.net", note=typed("denied"))
    review.add_denylist_entry(s, actor=admin, now=now, entry="<img/src=x/onerror=alert(1)>.org")
    reach.import_reach(s, actor=drafter, now=now, data=X_EXPORT.replace(b"Same grief", PAYLOAD.encode()))
    consent.upload_document(
        s, actor=admin, now=now, data=PNG, reference=typed("reference"), person_label=typed("person")
    )
    results.add_result(
        s,
        actor=admin,
        now=now,
        campaign_id=campaign_id,
        kind="offline-event",
        value=30,
        period_start=now.date(),
        period_end=now.date(),
        source=typed("head count"),
    )
    members.add_member(
        s, actor=admin, now=now, username="gul", display_name=typed("member"), role="drafter", real_name=typed("real")
    )
    admin_user = s.exec(select(User).where(User.username == "admin")).one()
    admin_user.display_name = typed("admin")[:80]
    s.get(Team, admin.team_id).name = typed("team")
    s.add(admin_user)
    s.commit()
    drafter_user = s.exec(select(User).where(User.username == "drafter")).one()
    drafter_user.display_name = typed("author")[:80]
    s.add(drafter_user)
    s.commit()
    review.pause_team(s, actor=admin, now=now, reason=typed("pause"))
    return Marked(campaign_id=campaign_id, in_review_id=in_review.id, opened_post_id=failed.id, post_day=day)


@pytest.fixture(scope="module")
def marked(demo_db) -> Marked:
    """The demo team with markup typed into every field."""
    with db.session() as s:
        return _mark_everything(s, db.utcnow())


# ---- what the page rendered --------------------------------------------------------------------


def _markdown_texts(node) -> list[str]:
    """The strings Streamlit renders as Markdown in this element (bodies, labels, help, radio options)."""
    kind = getattr(node, "type", "")
    texts = []
    if kind in ("markdown", "caption", "title", "header", "subheader", "error", "warning", "info", "success", "toast"):
        texts.append(node.value)
    if kind == "progress":
        texts.append(node.proto.text)
    for name in ("label", "help"):
        value = getattr(node, name, None)
        if isinstance(value, str) and value:
            texts.append(value)
    if kind == "radio":
        texts += [str(option) for option in node.options]
    return texts


def _html_texts(node) -> list[str]:
    """The strings the browser receives as HTML: st.html, unsafe markdown, Plotly figures."""
    kind = getattr(node, "type", "")
    if kind == "html":
        return [node.value]
    if kind == "markdown" and node.proto.allow_html:
        return [node.value]
    if kind == "plotly_chart":
        return [node.proto.spec]
    return []


def _elements(at) -> list:
    return [node for root in (at.main, at.sidebar) for node in root] + list(at.toast)


def markup_problems(at) -> list[str]:
    problems = []
    for node in _elements(at):
        for text in _html_texts(node):
            if TAG_IN_HTML.search(text):
                problems.append(f"{node.type} renders a raw tag as HTML: {text[:160]!r}")
        if not _html_texts(node):
            for text in _markdown_texts(node):
                if TAG_IN_MARKDOWN.search(text):
                    problems.append(f"{node.type} shows a tag not escaped by plain(): {text[:160]!r}")
                if ESCAPE_IN_CODE.search(text):
                    problems.append(f"{node.type} shows plain()'s backslashes inside a code span: {text[:160]!r}")
    return problems


def shown_labels(at) -> set[str]:
    """Which typed fields the page shows, escaped (the crisis banner aside)."""
    found = set()
    for node in _elements(at):
        texts = [t for t in _markdown_texts(node) if "Crisis pause since" not in t]
        for label in {label for labels in SHOWN.values() for label in labels}:
            if any(plain(typed(label)) in t for t in texts) or any(
                html.escape(typed(label)) in t for t in _html_texts(node)
            ):
                found.add(label)
    return found


def _open(page: str, marked: Marked):
    at = log_in(new_app(), "admin")
    at.session_state["campaign.current"] = marked.campaign_id
    at.session_state["campaign.picker"] = marked.campaign_id
    at.session_state["studio.message"] = marked.in_review_id
    at.session_state["review.message"] = marked.in_review_id
    at.session_state["calendar.post"] = marked.opened_post_id
    at.session_state["calendar.anchor"] = marked.post_day
    at.switch_page(page).run()
    return at


def _views(page: str, at, marked: Marked):
    """The page as first opened, then in its other views."""
    yield "as opened"
    if page == "screens/plan.py":
        for step in Step:
            at.session_state[f"plan.{marked.campaign_id}.step"] = step
            at.run()
            yield str(step)
    if page == "screens/calendar.py":
        for section in ("schedule", "accounts", "exports"):  # closed sections run nothing: open them all
            at.session_state[f"calendar.{section}"] = True
        at.run()
        yield "its sections open"
        for view in ("Week", "List"):
            at.session_state["calendar.view"] = view
            at.run()
            yield view
    if page == "screens/reach.py":
        for section in [tab.label for tab in at.tabs if tab.label not in ("Chart", "Table")][1:]:
            at.session_state["reach.section"] = section
            at.run()
            yield section


@pytest.mark.parametrize("page", PAGES)
def test_markup_typed_into_any_field_shows_as_text_on_every_page(marked, page):
    at = _open(page, marked)
    seen: set[str] = set()
    for view in _views(page, at, marked):
        assert not at.exception, f"{page} ({view}): {at.exception}"
        problems = markup_problems(at)
        assert not problems, f"{page} ({view}):\n" + "\n".join(problems)
        seen |= shown_labels(at)
    assert set(SHOWN.get(page, [])) <= seen, f"{page} should show these fields (escaped)"


def test_the_live_editor_puts_text_into_the_page_only_as_text():
    """The editor component writes the typed text with textContent and value, never as HTML."""
    assert "textContent" in editor._JS and ".value = data.text" in editor._JS
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write", editor._JS)


def test_the_donor_report_file_shows_typed_markup_as_text(marked):
    """The report is an HTML file a donor opens in a browser: every typed text in it is escaped."""
    now = db.utcnow()
    with db.session() as s:
        admin = _actor(s, "admin", now)
        made = report.donor_report(s, actor=admin, now=now, campaign_id=marked.campaign_id, include_links=True)
    page = made.html.decode("utf-8")
    for tag in ("<img src=x onerror=alert(1)>", "<script>alert(1)</script>", "\\u003cscript\\u003ealert"):
        assert tag not in page
    assert html.escape(typed("campaign")) in page and html.escape(typed("goal")) in page
