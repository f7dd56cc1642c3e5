"""The command line: migrate, create-admin and demo, run in-process on a temporary database."""

import re

import pytest
from sqlmodel import func, select

from planner import accounts, consent, db, demo_consent, schema
from planner.__main__ import main
from planner.errors import AuthenticationFailed
from planner.models import ConsentDocument, Membership, Message, Role, Team, User, Variant

DEMO_PASSWORD = "a demo passphrase"


@pytest.fixture
def database(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANNER_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("PLANNER_DEMO_PASSWORD", DEMO_PASSWORD)
    db.use_engine(None)
    yield
    db.use_engine(None)


def count(model) -> int:
    with db.session(readonly=True) as s:
        return s.exec(select(func.count()).select_from(model)).one()


def test_migrate_reports_the_revision(database, capsys):
    assert main(["migrate"]) == 0
    assert f"revision {schema.head_revision()}" in capsys.readouterr().out


def test_demo_creates_the_team_and_one_account_per_role_and_prints_the_log_ins(database, capsys):
    assert main(["demo"]) == 0
    printed = capsys.readouterr().out
    for username in ("admin", "facilitator", "reviewer", "drafter", "viewer"):
        assert username in printed
    assert DEMO_PASSWORD in printed
    with db.session(readonly=True) as s:
        team = s.exec(select(Team).where(Team.slug == "demo")).one()
        assert team.name == "Pak-Afghan Youth Dialogue"
        roles = s.exec(
            select(User.username, Membership.role, Membership.sensitivity_reviewer).join(
                Membership, Membership.user_id == User.id
            )
        ).all()
    assert set(roles) == {
        ("admin", Role.ADMIN, False),
        ("facilitator", Role.FACILITATOR, False),
        ("reviewer", Role.FACILITATOR, True),
        ("drafter", Role.DRAFTER, False),
        ("viewer", Role.VIEWER, False),
    }


def test_every_demo_log_in_works(database):
    main(["demo"])
    with db.session() as s:
        for username in ("admin", "facilitator", "reviewer", "drafter", "viewer"):
            assert accounts.log_in(s, username=username, password=DEMO_PASSWORD, now=db.utcnow())


def test_running_demo_again_refreshes_without_duplicating(database):
    main(["demo"])
    main(["demo"])
    assert count(Team) == 1 and count(User) == 5 and count(Membership) == 5


def test_demo_if_empty_leaves_a_real_deployment_alone(database, capsys):
    assert (
        main(
            [
                "create-admin",
                "--team-slug",
                "kabul-ngo",
                "--team-name",
                "Kabul NGO",
                "--username",
                "zahra",
                "--password",
                "a strong first password",
            ]
        )
        == 0
    )
    assert main(["demo", "--if-empty"]) == 0
    assert count(Team) == 1
    assert "password for all" not in capsys.readouterr().out
    with db.session() as s, pytest.raises(AuthenticationFailed):
        accounts.log_in(s, username="admin", password=DEMO_PASSWORD, now=db.utcnow())


def test_create_admin_refuses_a_weak_password_and_writes_nothing(database, capsys):
    code = main(
        [
            "create-admin",
            "--team-slug",
            "kabul-ngo",
            "--team-name",
            "Kabul NGO",
            "--username",
            "zahra",
            "--password",
            "password",
        ]
    )
    assert code == 2
    assert "password" in capsys.readouterr().err
    assert count(Team) == 0


def test_a_weak_demo_password_is_refused_with_the_variable_named(database, monkeypatch, capsys):
    monkeypatch.setenv("PLANNER_DEMO_PASSWORD", "short")
    assert main(["demo"]) == 2
    assert "PLANNER_DEMO_PASSWORD" in capsys.readouterr().err


def test_the_demo_holds_messages_with_variants_in_all_four_languages(database):
    main(["demo"])
    with db.session(readonly=True) as s:
        languages = set(s.exec(select(Variant.language)).all())
        assert count(Message) >= 10
    assert languages == {"en", "ur", "ps", "fa"}


@pytest.mark.parametrize("kind", ["ics", "csv", "hootsuite", "sprout"])
def test_the_demo_plan_exports_from_the_command_line(database, tmp_path, capsys, kind):
    main(["demo"])
    out = tmp_path / f"plan.{'ics' if kind == 'ics' else 'csv'}"
    assert main(["export", kind, "--team", "demo", "--out", str(out)]) == 0
    written = sorted(tmp_path.glob("plan*"))
    assert written and all(path.stat().st_size > 0 for path in written)
    assert "posts exported" in capsys.readouterr().out


def test_exporting_an_unknown_team_is_refused(database, tmp_path, capsys):
    main(["migrate"])
    assert main(["export", "ics", "--team", "nobody", "--out", str(tmp_path / "x.ics")]) == 2
    assert "no team" in capsys.readouterr().err


def test_the_demo_admin_holds_the_consent_form_each_message_says_the_admin_keeps(database):
    """A reviewer reads "kept by the team admin" in a message and, beside it, whether a form is on file:
    in the demo the two agree, and the one message whose form is still with the drafter shows it missing."""
    main(["demo"])
    main(["demo"])  # refreshing uploads nothing twice
    with db.session() as s:
        now = db.utcnow()
        token = accounts.log_in(s, username="facilitator", password=DEMO_PASSWORD, now=now)
        reviewer = accounts.resolve(s, token=token, now=now)
        cited = s.exec(select(Message.title, Message.consent_reference).where(Message.consent_reference != "")).all()
        on_file = {
            title: consent.on_file(s, actor=reviewer, now=db.utcnow(), reference=reference)
            for title, reference in cited
        }
        stored = s.exec(select(ConsentDocument.reference, ConsentDocument.content)).all()
    assert len(cited) == 9
    assert {title for title, held in on_file.items() if not held} == {"What a closed gate costs your bazaar"}
    assert all("kept by the team admin" in " ".join(reference.split()) for title, reference in cited if on_file[title])
    assert len(stored) == len(demo_consent.FORMS)
    for reference, content in stored:
        assert_a_well_formed_pdf(content)
        assert f"Consent form {reference}".encode() in content and b"SAMPLE" in content


def assert_a_well_formed_pdf(content: bytes) -> None:
    """What a PDF reader relies on: the header, the end marker, and a cross-reference table whose every
    offset points at its object."""
    assert content.startswith(b"%PDF-1.") and content.rstrip().endswith(b"%%EOF")
    start = int(content.rsplit(b"startxref", 1)[1].split()[0])
    assert content[start:].startswith(b"xref")
    table = content[start:].split(b"trailer")[0].split(b"\n")[2:]
    offsets = [int(line.split()[0]) for line in table if line.strip()][1:]
    assert offsets, "no objects"
    for number, offset in enumerate(offsets, start=1):
        assert content[offset:].startswith(b"%d 0 obj" % number)
    for stream in re.findall(rb"/Length (\d+) >>\nstream\n", content):
        body = content.split(b"stream\n", 1)[1]
        assert body[int(stream) :].startswith(b"\nendstream")
