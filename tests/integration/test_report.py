"""The donor report: the hand-built world's figures in one self-contained HTML file (both databases), and the
`report` command end to end.

The world and the figures worked out by hand are in tests/integration/reach_world.py. For its campaign:
people reached 1000 + 400 + 500 + 100 (WhatsApp, by hand) = 2000 (the unlinked X post belongs to no campaign);
engagements 65 + 20 + 40 = 125; three posts published; the reach objective (target 1000) is reached; the survey
stands at 62 % on the way from 50 % to 70 %, that is 60 %.
"""

import re
from datetime import date

import pytest
from sqlmodel import select

from planner import campaigns, db, messages, report, review
from planner.__main__ import main
from planner.errors import NotFound, ValidationFailed
from planner.models import Campaign, PersonalDetail, Post, Role
from tests.conftest import NOW, make_member, make_team


def donor_report(session, world, **options) -> str:
    built = report.donor_report(session, actor=world["drafter"], now=NOW, campaign_id=world["plan"].id, **options)
    return built.html.decode("utf-8")


def without_library(html: str) -> str:
    """The report as written by the planner: everything but the inlined plotly.js."""
    assert html.count(report.plotly_library()) == 1
    return html.replace(report.plotly_library(), "")


def test_the_report_holds_the_hand_computed_figures(session, world):
    page = without_library(donor_report(session, world))
    assert '<p class="big">2,000</p><p class="unit">people reached</p>' in page
    assert '<p class="big">125</p><p class="unit">engagements</p>' in page
    assert '<p class="big">40</p><p class="unit">offline actions</p>' in page
    assert "3 posts published in this period" in page
    assert "62 % agreed (1 survey, 100 people)" in page
    # The reach objective is past its target; the survey is 60 % of the way from 50 % to 70 %.
    assert "Targets reached so far: 1 of 2 objectives and 0 of 1 KPI." in page
    assert page.count('style="width:100%"') == 1 and "target reached" in page
    assert page.count('style="width:60%"') == 2  # the survey objective and the survey KPI


def test_the_plan_summary_shows_the_objectives_and_what_was_published(session, world):
    page = without_library(donor_report(session, world))
    assert '<h1 dir="auto">Polio</h1>' in page and '<span dir="auto">Peshawar Youth Circle</span>' in page
    assert '<td><span dir="auto">Reach parents</span></td>' in page
    assert '<span dir="auto">Trust the drops</span>' in page
    assert "50 % → 70 %" in page and "0 → 1,000" in page and "31 Dec 2026" in page
    # Posts by platform and language: Facebook in Urdu and Pashto, X in English.
    assert "<th>Platform</th>" in page and '<th class="num">Urdu</th>' in page
    assert '<span dir="auto">Drops</span></td><td>Polio eradication</td><td class="num">2</td>' in page
    assert '<span dir="auto">Returnees</span>' in page


def test_messengers_appear_by_type_never_by_name_and_no_member_is_named(session, world):
    plan = world["plan"]
    plan = campaigns.get_plan(session, actor=world["drafter"], now=NOW, campaign_id=plan.id)
    campaigns.save_part(
        session,
        actor=world["drafter"],
        now=NOW,
        campaign_id=plan.id,
        expected_version=plan.version,
        kind="messenger",
        name="Zarghuna, vaccinator in Bara",
        messenger_type="health-worker",
        credibility="Has vaccinated children in Bara for ten years",
        risk_level="high",
        safety_plan="Appears without her face; moves between two houses",
    )
    drafter = world["drafter"]
    session.add(PersonalDetail(user_id=drafter.user_id, real_name="Farid Ahmadzai", phone="+93 70 123 4567"))
    session.commit()
    review.add_comment(session, actor=drafter, now=NOW, message_id=world["m1"].id, body="Reviewer note: Jalalabad")
    draft = messages.create_message(
        session, actor=drafter, now=NOW, campaign_id=plan.id, title="Unsent draft about the convoy"
    )
    messages.save_variant(
        session,
        actor=drafter,
        now=NOW,
        message_id=draft.id,
        expected_version=None,
        platform="x",
        language="en",
        body="Draft text that never went out",
    )
    page = without_library(donor_report(session, world))
    assert "1 messenger: Health worker (1)." in page
    for secret in (
        "Zarghuna",
        "vaccinated children in Bara",
        "two houses",
        "Farid",
        "farid",
        "Samina",
        "samina",
        "Ahmadzai",
        "123 4567",
        "Jalalabad",
        "convoy",
        "never went out",
    ):
        assert secret not in page, secret


def test_the_file_fetches_nothing_and_names_no_cdn(session, world):
    html = donor_report(session, world)
    assert "<script src" not in html and '<script src="http' not in html
    assert "https://cdn" not in html and "<link" not in html and "@import" not in html
    assert "default-src 'none'" in html  # the browser refuses any request, should one slip in
    page = without_library(html)
    # Outside the library no address appears at all (no images, nor links without --links); the one font is data.
    assert not re.search(r"https?://", page)
    assert re.findall(r"url\(([a-z]+):", page) == ["data"]
    assert page.count("<script") == 1 + 6  # the library's (emptied here) and one per chart


def test_links_to_the_posts_only_when_asked_and_only_web_addresses(session, world):
    p1, p2, _ = world["posts"]
    for post, link in ((p1, "https://facebook.example.org/posts/1"), (p2, "javascript:alert(1)")):
        row = session.get(Post, post.id)
        row.permalink = link
        session.add(row)
    session.commit()
    assert "facebook.example.org" not in donor_report(session, world)
    page = without_library(donor_report(session, world, include_links=True))
    assert 'href="https://facebook.example.org/posts/1"' in page
    assert "javascript:" not in page


def test_a_script_in_a_message_title_shows_as_text(session, world):
    m1 = messages.get_message(session, actor=world["drafter"], now=NOW, message_id=world["m1"].id)
    messages.update_message(
        session,
        actor=world["drafter"],
        now=NOW,
        message_id=m1.id,
        expected_version=m1.version,
        title='<script>alert("x")</script> دو قطرے',
    )
    page = without_library(donor_report(session, world))
    assert '<script>alert("x")' not in page
    assert '<span dir="auto">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; دو قطرے</span>' in page


def test_the_period_changes_the_figures(session, world):
    page = without_library(donor_report(session, world, start=date(2026, 11, 3), end=date(2026, 11, 9)))
    # p2 (3 Nov) 400 + WhatsApp (period ending 5 Nov) 100 + p3's day of 9 Nov 300.
    assert '<p class="big">800</p><p class="unit">people reached</p>' in page
    assert "2 posts published in this period" in page
    assert "3 Nov 2026 to 9 Nov 2026" in page
    assert "targets are for the whole campaign" in page
    later = without_library(donor_report(session, world, start=date(2026, 11, 10)))
    assert '<p class="big">200</p><p class="unit">people reached</p>' in later
    assert "No posts were published in this period." in later
    assert "from the start to 22 Nov 2026" in without_library(donor_report(session, world))


def test_a_period_ending_before_it_starts_is_refused(session, world):
    with pytest.raises(ValidationFailed):
        donor_report(session, world, start=date(2026, 11, 9), end=date(2026, 11, 3))


def test_highlights_and_the_methods_note(session, world):
    page = without_library(donor_report(session, world))
    # Top posts in order of people reached, with their engagement rate; p1 went out at 18:00 Pakistan time.
    assert page.index("2 Nov 2026, 18:00") < page.index("9 Nov 2026, 18:00") < page.index("3 Nov 2026, 20:30")
    assert '<td class="num">1,000</td><td class="num">6.5%</td>' in page
    assert "Best so far in Pakistan time: Monday 18:00–19:00" in page
    assert "Best so far in Afghanistan time: Monday 17:00–18:00" in page
    assert "62 % agreed of 100 people who answered" in page and "40 offline actions" in page
    assert "1–5 Nov 2026" in page and '<span dir="auto">counted</span>' in page
    assert "<strong>One figure per post.</strong>" in page
    assert "Figures as of 22 Nov 2026, 09:00 UTC" in page
    assert "3 figures entered by hand in this period" in page


def test_the_file_name_is_made_by_the_server(session, world):
    built = report.donor_report(session, actor=world["drafter"], now=NOW, campaign_id=world["plan"].id)
    assert built.filename == f"peshawar-donor-report-campaign-{world['plan'].id}-20261122-0900.html"


def test_another_teams_campaign_is_not_found(session, world):
    other = make_team(session, "kabul", "Kabul Circle")
    outsider = make_member(session, other, Role.VIEWER, username="outsider")
    with pytest.raises(NotFound):
        report.donor_report(session, actor=outsider, now=NOW, campaign_id=world["plan"].id)
    with pytest.raises(NotFound):
        report.build_report(session, team_id=other.id, campaign_id=world["plan"].id, start=None, end=None, now=NOW)


def test_a_viewer_may_prepare_the_report(session, world):
    liaison = make_member(session, world["team"], Role.VIEWER, username="donor-liaison")
    built = report.donor_report(session, actor=liaison, now=NOW, campaign_id=world["plan"].id)
    assert b"Polio" in built.html


# ---- the command line --------------------------------------------------------------------------

DEMO_PASSWORD = "a demo passphrase"


@pytest.fixture
def demo_database(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANNER_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("PLANNER_DEMO_PASSWORD", DEMO_PASSWORD)
    db.use_engine(None)
    assert main(["demo"]) == 0
    with db.session(readonly=True) as s:
        campaign_id = s.exec(select(Campaign.id).where(Campaign.name == "Check before you share")).one()
    yield campaign_id
    db.use_engine(None)


def test_the_report_command_writes_the_demo_report(demo_database, tmp_path, capsys):
    out = tmp_path / "report.html"
    capsys.readouterr()
    assert main(["report", "--team", "demo", "--campaign", str(demo_database), "--out", str(out)]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    html = out.read_text("utf-8")
    page = without_library(html)
    assert "Check before you share" in page and "Pak-Afghan Youth Dialogue" in page
    assert "https://cdn" not in html and not re.search(r"https?://", page)


def test_the_report_command_takes_a_period_and_links(demo_database, tmp_path):
    out = tmp_path / "september.html"
    command = ["report", "--team", "demo", "--campaign", str(demo_database), "--out", str(out)]
    assert main([*command, "--from", "2026-09-01", "--to", "2026-09-30", "--links"]) == 0
    assert "1 Sep 2026 to 30 Sep 2026" in out.read_text("utf-8")


@pytest.fixture
def team_database(tmp_path, monkeypatch):
    """A real deployment's first team, without campaigns (quicker than the demo)."""
    monkeypatch.setenv("PLANNER_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    db.use_engine(None)
    admin = ["--team-slug", "kabul-ngo", "--team-name", "Kabul NGO", "--username", "zahra"]
    assert main(["create-admin", *admin, "--password", "a strong first password"]) == 0
    yield
    db.use_engine(None)


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        (["--team", "nobody", "--campaign", "1"], "no team with the slug 'nobody'"),
        (["--team", "kabul-ngo", "--campaign", "999"], "team kabul-ngo has no campaign with the id 999"),
        (["--team", "kabul-ngo", "--campaign", "1", "--from", "2026-13-01"], "dates must be real days"),
        (["--team", "kabul-ngo", "--campaign", "1", "--from", "2026-10-02", "--to", "2026-10-01"], "must end on or"),
    ],
)
def test_the_report_command_refuses_in_one_line(team_database, tmp_path, capsys, arguments, error):
    capsys.readouterr()
    out = tmp_path / "report.html"
    assert main(["report", *arguments, "--out", str(out)]) == 2
    printed = capsys.readouterr().err
    assert error in printed and printed.count("\n") == 1
    assert not out.exists()
