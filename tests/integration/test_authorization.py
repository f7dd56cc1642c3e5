"""Every service × every role × own team / other team: allowed, denied, or not found.

A new service joins this table when it is written; a service missing here is a test failure
(see test_every_public_service_is_in_the_matrix).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from planner import (
    accounts,
    audit,
    campaigns,
    consent,
    dashboard,
    members,
    messages,
    posts,
    reach,
    reach_links,
    report,
    results,
    review,
)
from planner.errors import NotFound, PermissionDenied
from planner.models import ConsentDocument, ManualResult, ReachFigure, Role
from planner.plans import Step
from tests.conftest import NOW, make_member, make_team

EVERYONE = frozenset(Role)
ADMINS = frozenset({Role.ADMIN})
EDITORS = frozenset({Role.ADMIN, Role.FACILITATOR, Role.DRAFTER})
REVIEWERS = frozenset({Role.ADMIN, Role.FACILITATOR})


@dataclass(frozen=True)
class Target:
    """Things in the team under test: a member (with a live session) and a campaign."""

    member: object
    campaign: object
    message: object

    @property
    def membership_id(self) -> int:
        return self.member.membership_id

    @property
    def session_id(self) -> int:
        return self.member.session_id


def _campaign_args(t: Target) -> dict:
    return {"campaign_id": t.campaign.id, "expected_version": t.campaign.version, "now": NOW}


def _consent_document(s, t: Target) -> int:
    """A consent document in the target's team, for the services that open or delete one."""
    row = ConsentDocument(
        team_id=t.member.team_id,
        reference="CF-1",
        reference_key="cf-1",
        file_name="consent-1.pdf",
        media_type="application/pdf",
        size_bytes=5,
        sha256="0" * 64,
        content=b"%PDF-",
        uploaded_by_membership_id=t.membership_id,
        uploaded_at=NOW,
    )
    s.add(row)
    s.commit()
    return row.id


def _reach_figure(s, t: Target, *, message_id: int | None = None) -> int:
    """An imported reach row in the target's team (linked to `message_id` when given)."""
    data = (Path(__file__).resolve().parent.parent / "fixtures" / "reach" / "x-current.csv").read_bytes()
    reach.import_file(s, team_id=t.member.team_id, membership_id=None, now=NOW, data=data)
    figure = s.exec(select(ReachFigure).where(ReachFigure.team_id == t.member.team_id)).first()
    figure.message_id = message_id
    s.add(figure)
    s.commit()
    return figure.id


def _manual_result(s, t: Target) -> int:
    """A result entered by hand in the target's team."""
    row = ManualResult(
        team_id=t.member.team_id,
        campaign_id=t.campaign.id,
        kind="offline-event",
        metric="offline-actions",
        value=40,
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 2),
        source="Sign-in sheet of the Peshawar dialogue",
        entered_by_membership_id=t.membership_id,
        entered_at=NOW,
    )
    s.add(row)
    s.commit()
    return row.id


_RESULT = {"value": 12, "period_start": date(2026, 11, 1), "period_end": date(2026, 11, 2), "source": "Sign-in sheet"}


@dataclass(frozen=True)
class Case:
    name: str
    allowed: frozenset[Role]
    call: Callable  # (session, actor, target) -> object; `target` is a member of the team under test
    team_scoped: bool = True


CASES = [
    Case("members.list_members", EVERYONE, lambda s, a, t: members.list_members(s, actor=a, now=NOW), False),
    Case(
        "members.add_member",
        ADMINS,
        lambda s, a, t: members.add_member(s, actor=a, now=NOW, username="newbie", display_name="N", role="viewer"),
        False,
    ),
    Case(
        "members.update_member",
        ADMINS,
        lambda s, a, t: members.update_member(
            s, actor=a, membership_id=t.membership_id, expected_version=1, role="viewer", now=NOW
        ),
    ),
    Case(
        "members.revoke_sessions",
        ADMINS,
        lambda s, a, t: members.revoke_sessions(s, actor=a, membership_id=t.membership_id, now=NOW),
    ),
    Case(
        "members.reset_password",
        ADMINS,
        lambda s, a, t: members.reset_password(s, actor=a, membership_id=t.membership_id, now=NOW),
    ),
    Case(
        "accounts.change_password",
        EVERYONE,
        lambda s, a, t: accounts.change_password(
            s, actor=a, current_password="correct horse battery staple", new_password="another fine phrase", now=NOW
        ),
        False,
    ),
    Case("campaigns.list_campaigns", EVERYONE, lambda s, a, t: campaigns.list_campaigns(s, actor=a, now=NOW), False),
    Case("campaigns.owner_choices", EVERYONE, lambda s, a, t: campaigns.owner_choices(s, actor=a, now=NOW), False),
    Case(
        "campaigns.campaign_choices", EVERYONE, lambda s, a, t: campaigns.campaign_choices(s, actor=a, now=NOW), False
    ),
    Case(
        "campaigns.get_plan",
        EVERYONE,
        lambda s, a, t: campaigns.get_plan(s, actor=a, now=NOW, campaign_id=t.campaign.id),
    ),
    Case(
        "campaigns.create_campaign",
        EDITORS,
        lambda s, a, t: campaigns.create_campaign(
            s, actor=a, now=NOW, name="New", start_date=date(2027, 1, 1), end_date=date(2027, 2, 1)
        ),
        False,
    ),
    Case(
        "campaigns.update_basics",
        EDITORS,
        lambda s, a, t: campaigns.update_basics(
            s, actor=a, name="Renamed", start_date=date(2027, 1, 1), end_date=date(2027, 2, 1), **_campaign_args(t)
        ),
    ),
    Case(
        "campaigns.update_section",
        EDITORS,
        lambda s, a, t: campaigns.update_section(s, actor=a, step=Step.GOAL, goal_statement="g", **_campaign_args(t)),
    ),
    Case(
        "campaigns.save_part",
        EDITORS,
        lambda s, a, t: campaigns.save_part(
            s, actor=a, kind="kpi", metric="reach", data_source="survey", **_campaign_args(t)
        ),
    ),
    Case(
        "campaigns.remove_part",
        EDITORS,
        lambda s, a, t: campaigns.remove_part(
            s, actor=a, kind="kpi", part_id=t.campaign.kpis[0].id, **_campaign_args(t)
        ),
    ),
    Case(
        "campaigns.change_status",
        ADMINS,
        lambda s, a, t: campaigns.change_status(s, actor=a, status="archived", **_campaign_args(t)),
    ),
    Case("messages.list_messages", EVERYONE, lambda s, a, t: messages.list_messages(s, actor=a, now=NOW), False),
    Case("messages.page_messages", EVERYONE, lambda s, a, t: messages.page_messages(s, actor=a, now=NOW), False),
    Case(
        "messages.get_message",
        EVERYONE,
        lambda s, a, t: messages.get_message(s, actor=a, now=NOW, message_id=t.message.id),
    ),
    Case("messages.history", EVERYONE, lambda s, a, t: messages.history(s, actor=a, now=NOW, message_id=t.message.id)),
    Case(
        "messages.create_message",
        EDITORS,
        lambda s, a, t: messages.create_message(s, actor=a, now=NOW, campaign_id=t.campaign.id, title="New"),
    ),
    Case(
        "messages.update_message",
        EDITORS,
        lambda s, a, t: messages.update_message(
            s, actor=a, now=NOW, message_id=t.message.id, expected_version=t.message.version, title="Renamed"
        ),
    ),
    Case(
        "messages.save_variant",
        EDITORS,
        lambda s, a, t: messages.save_variant(
            s,
            actor=a,
            now=NOW,
            message_id=t.message.id,
            expected_version=None,
            platform="x",
            language="ur",
            body="امن",
        ),
    ),
    Case(
        "messages.remove_variant",
        EDITORS,
        lambda s, a, t: messages.remove_variant(
            s,
            actor=a,
            now=NOW,
            message_id=t.message.id,
            variant_id=t.message.variants[0].id,
            expected_version=t.message.variants[0].version,
        ),
    ),
    Case("review.review", EVERYONE, lambda s, a, t: review.review(s, actor=a, now=NOW, message_id=t.message.id)),
    Case(
        "review.message_events",
        EVERYONE,
        lambda s, a, t: review.message_events(s, actor=a, now=NOW, message_id=t.message.id),
    ),
    Case("review.submit", EDITORS, lambda s, a, t: review.submit(s, actor=a, now=NOW, message_id=t.message.id)),
    Case(
        "review.add_comment",
        EDITORS,
        lambda s, a, t: review.add_comment(s, actor=a, now=NOW, message_id=t.message.id, body="Looks good"),
    ),
    Case(
        "review.hold",
        REVIEWERS,
        lambda s, a, t: review.hold(s, actor=a, now=NOW, message_id=t.message.id, comment="wait"),
    ),
    Case("review.archive", REVIEWERS, lambda s, a, t: review.archive(s, actor=a, now=NOW, message_id=t.message.id)),
    Case("review.review_queue", REVIEWERS, lambda s, a, t: review.review_queue(s, actor=a, now=NOW), False),
    Case("review.inbox", EDITORS, lambda s, a, t: review.inbox(s, actor=a, now=NOW), False),
    Case("review.list_denylist", EVERYONE, lambda s, a, t: review.list_denylist(s, actor=a, now=NOW), False),
    Case(
        "review.add_denylist_entry",
        ADMINS,
        lambda s, a, t: review.add_denylist_entry(s, actor=a, now=NOW, entry="bad.example.net"),
        False,
    ),
    Case("review.pause_state", EVERYONE, lambda s, a, t: review.pause_state(s, actor=a, now=NOW), False),
    Case("review.pause_team", ADMINS, lambda s, a, t: review.pause_team(s, actor=a, now=NOW, reason="attack"), False),
    Case("posts.list_channels", EVERYONE, lambda s, a, t: posts.list_channels(s, actor=a, now=NOW), False),
    Case(
        "posts.add_channel",
        ADMINS,
        lambda s, a, t: posts.add_channel(s, actor=a, now=NOW, platform="x", name="@new"),
        False,
    ),
    Case(
        "posts.calendar",
        EVERYONE,
        lambda s, a, t: posts.calendar(s, actor=a, now=NOW, start=NOW, end=NOW + timedelta(days=30)),
        False,
    ),
    Case("posts.schedulable", EDITORS, lambda s, a, t: posts.schedulable(s, actor=a, now=NOW), False),
    Case(
        "posts.export",
        EVERYONE,
        lambda s, a, t: posts.export(s, actor=a, now=NOW, kind="csv", campaign_id=t.campaign.id),
    ),
    Case(
        "reach.import_reach",
        EDITORS,
        lambda s, a, t: reach.import_reach(s, actor=a, now=NOW, data=b"Post id,Date,Post text,Impressions\n"),
        False,
    ),
    Case(
        "reach_links.list_unmatched", EVERYONE, lambda s, a, t: reach_links.list_unmatched(s, actor=a, now=NOW), False
    ),
    Case("reach_links.list_linked", EVERYONE, lambda s, a, t: reach_links.list_linked(s, actor=a, now=NOW), False),
    Case(
        "reach_links.link_figures",
        EDITORS,
        lambda s, a, t: reach_links.link_figures(
            s, actor=a, now=NOW, figure_id=_reach_figure(s, t), message_id=t.message.id
        ),
    ),
    Case(
        "reach_links.unlink_figures",
        EDITORS,
        lambda s, a, t: reach_links.unlink_figures(
            s, actor=a, now=NOW, figure_id=_reach_figure(s, t, message_id=t.message.id)
        ),
    ),
    Case(
        "results.add_result",
        EDITORS,
        lambda s, a, t: results.add_result(
            s, actor=a, now=NOW, campaign_id=t.campaign.id, kind="offline-event", **_RESULT
        ),
    ),
    Case(
        "results.correct_result",
        EDITORS,
        lambda s, a, t: results.correct_result(s, actor=a, now=NOW, result_id=_manual_result(s, t), **_RESULT),
    ),
    Case(
        "results.void_result",
        EDITORS,
        lambda s, a, t: results.void_result(s, actor=a, now=NOW, result_id=_manual_result(s, t)),
    ),
    Case(
        "results.list_results",
        EVERYONE,
        lambda s, a, t: results.list_results(s, actor=a, now=NOW, campaign_id=t.campaign.id),
    ),
    Case(
        "results.entry_choices",
        EVERYONE,
        lambda s, a, t: results.entry_choices(s, actor=a, now=NOW, campaign_id=t.campaign.id),
    ),
    Case("dashboard.stamp", EVERYONE, lambda s, a, t: dashboard.stamp(s, actor=a, now=NOW), False),
    Case(
        "dashboard.dashboard",
        EVERYONE,
        lambda s, a, t: dashboard.dashboard(s, actor=a, now=NOW, filters=dashboard.Filters(campaign_id=t.campaign.id)),
    ),
    Case(
        "report.donor_report",
        EVERYONE,  # viewers are often the donor liaisons
        lambda s, a, t: report.donor_report(s, actor=a, now=NOW, campaign_id=t.campaign.id),
    ),
    Case(
        "members.erase_personal_data",
        ADMINS,
        lambda s, a, t: members.erase_personal_data(
            s, actor=a, now=NOW, membership_id=t.membership_id, confirm_username=t.member.username
        ),
    ),
    Case("audit.list_events", ADMINS, lambda s, a, t: audit.list_events(s, actor=a, now=NOW), False),
    Case("audit.filter_choices", ADMINS, lambda s, a, t: audit.filter_choices(s, actor=a, now=NOW), False),
    Case("audit.chain_status", ADMINS, lambda s, a, t: audit.chain_status(s, actor=a, now=NOW), False),
    Case("audit.export_events", ADMINS, lambda s, a, t: audit.export_events(s, actor=a, now=NOW), False),
    Case("consent.list_documents", ADMINS, lambda s, a, t: consent.list_documents(s, actor=a, now=NOW), False),
    Case(
        "consent.upload_document",
        ADMINS,
        lambda s, a, t: consent.upload_document(
            s, actor=a, now=NOW, data=b"%PDF-1.7 signed", reference="CF-9", subject_membership_id=t.membership_id
        ),
    ),
    Case(
        "consent.open_document",
        ADMINS,
        lambda s, a, t: consent.open_document(s, actor=a, now=NOW, document_id=_consent_document(s, t)),
    ),
    Case(
        "consent.delete_document",
        ADMINS,
        lambda s, a, t: consent.delete_document(s, actor=a, now=NOW, document_id=_consent_document(s, t)),
    ),
    Case("consent.missing_forms", ADMINS, lambda s, a, t: consent.missing_forms(s, actor=a, now=NOW), False),
    Case("consent.on_file", EVERYONE, lambda s, a, t: consent.on_file(s, actor=a, now=NOW, reference="CF-1"), False),
    Case("accounts.list_my_sessions", EVERYONE, lambda s, a, t: accounts.list_my_sessions(s, actor=a, now=NOW), False),
    Case(
        "accounts.end_my_session",
        EVERYONE,
        lambda s, a, t: accounts.end_my_session(s, actor=a, session_id=t.session_id, now=NOW),
    ),
]

# Services that take no actor: log-in itself and the trusted CLI paths.
UNGUARDED = {"accounts.log_in", "accounts.resolve", "accounts.log_out", "accounts.revoke_user_sessions"}
UNGUARDED |= {"messages.tally"}  # pure: counts summaries the caller was already allowed to read
UNGUARDED |= {"review.content_hash", "review.void_approvals"}  # helpers inside already-checked services
UNGUARDED |= {"reach.import_file"}  # the trusted path under import_reach and the CLI
UNGUARDED |= {"reach_links.linked_to"}  # inside the import's checked dry run
UNGUARDED |= {"results.check_result"}  # pure: the rules of an entry, no database
# The chain itself (written inside checked services, verified by the CLI) and pure wording:
UNGUARDED |= {"audit.record", "audit.event_hash", "audit.verify"}
UNGUARDED |= {"audit.action_label", "audit.subject_label", "audit.describe_details"}
UNGUARDED |= {"consent.sniff", "consent.reference_key", "consent.cites", "consent.cites_any"}  # pure
UNGUARDED |= {"consent.delete_documents_about"}  # inside members.erase_personal_data
UNGUARDED |= {"consent.references_on_file"}  # inside posts.schedulable, on_file and missing_forms
# The trusted path under dashboard/stamp, the report and the benchmark; pure helpers:
UNGUARDED |= {"dashboard.build", "dashboard.suggestions", "dashboard.theme_weeks", "dashboard.platform_languages"}
UNGUARDED |= {"report.build_report", "report.plotly_library"}  # the CLI's trusted path; pure
UNGUARDED |= {"posts.set_channel_audience"}  # covered by tests/integration/test_dashboard.py (needs a channel)
# Hooks called inside already-checked services, and the CLI's trusted export path:
UNGUARDED |= {
    "posts.hold_posts",
    "posts.release_posts",
    "posts.cancel_posts",
    "posts.theme_labels",
    "posts.export_posts",
}
# Covered by tests/integration/test_posts.py (they need an approved message and a channel first):
UNGUARDED |= {
    "posts.schedule_post",
    "posts.move_post",
    "posts.mark_published",
    "posts.mark_failed",
    "posts.cancel_post",
}
# Covered by their own tests (they need a message in review, a warning or a paused team first):
UNGUARDED |= {
    "review.approve",
    "review.request_changes",
    "review.resume",
    "review.acknowledge",
    "review.remove_denylist_entry",
    "review.end_pause",
}


def _public_services(module) -> set[str]:
    return {
        f"{module.__name__.split('.')[-1]}.{name}"
        for name, fn in inspect.getmembers(module, inspect.isfunction)
        if fn.__module__ == module.__name__ and not name.startswith("_")
    }


def test_every_public_service_is_in_the_matrix():
    listed = {case.name for case in CASES} | UNGUARDED
    modules = (members, accounts, campaigns, messages, review, posts, reach, dashboard, audit, consent)
    modules += (reach_links, results, report)
    assert set().union(*map(_public_services, modules)) <= listed


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
@pytest.mark.parametrize("role", list(Role), ids=str)
@pytest.mark.parametrize("where", ["own team", "other team"])
def test_authorization_matrix(session, case, role, where):
    home = make_team(session, "home", "Home team")
    away = make_team(session, "away", "Away team")
    make_member(session, home, Role.ADMIN, username="home-admin")
    make_member(session, away, Role.ADMIN, username="away-admin")
    actor = make_member(session, home, role, username="actor")
    member = make_member(session, home if where == "own team" else away, Role.DRAFTER, username="target")
    campaign = campaigns.create_campaign(
        session, actor=member, now=NOW, name="Target", start_date=date(2027, 1, 1), end_date=date(2027, 2, 1)
    )
    campaign = campaigns.save_part(
        session,
        actor=member,
        now=NOW,
        campaign_id=campaign.id,
        expected_version=campaign.version,
        kind="kpi",
        metric="reach",
        data_source="survey",
    )
    message = messages.create_message(session, actor=member, now=NOW, campaign_id=campaign.id, title="Target")
    message = messages.save_variant(
        session,
        actor=member,
        now=NOW,
        message_id=message.id,
        expected_version=None,
        platform="x",
        language="en",
        body="Peace",
    )
    if case.name == "accounts.end_my_session" and where == "own team":
        member = actor  # "own" for a session means the actor's own
    target = Target(member=member, campaign=campaign, message=message)
    if role not in case.allowed:
        with pytest.raises(PermissionDenied):
            case.call(session, actor, target)
    elif where == "other team" and case.team_scoped:
        with pytest.raises(NotFound):
            case.call(session, actor, target)
    else:
        case.call(session, actor, target)
