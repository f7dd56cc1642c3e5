"""Backup and restore: lossless round trips in both formats and across engines, refusals, faults, migrations."""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
import zipfile
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, inspect, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from planner import audit, backup, db, demo, schema
from planner.__main__ import main
from planner.models import (
    Acknowledgement,
    ConsentDocument,
    DenylistEntry,
    Membership,
    Message,
    ReachFigure,
    ReachImport,
    Team,
    User,
)
from tests.conftest import NOW, _truncate_all, make_team

DEMO_PASSWORD = "a demo passphrase"
KABUL = ZoneInfo("Asia/Kabul")


# ---------------------------------------------------------------- databases


@pytest.fixture
def database(engine, tmp_path):
    """The test's database as a deployment has it: migrated (revision, audit triggers), SQLite as a file."""
    if engine.dialect.name == "sqlite":
        engine = db.build_engine(f"sqlite:///{tmp_path / 'planner.db'}")
        schema.upgrade(engine)
        db.use_engine(engine)
    return engine


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory) -> Path:
    """A migrated SQLite file with the demo and the awkward rows, made once: tests work on copies."""
    path = tmp_path_factory.mktemp("template") / "demo.db"
    engine = db.build_engine(f"sqlite:///{path}")
    schema.upgrade(engine)
    with Session(engine, expire_on_commit=False) as s:
        seed_everything(s)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def demo_archive(demo_file, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("archive") / "demo.zip"
    engine = db.build_engine(f"sqlite:///{demo_file}")
    backup.backup(engine, path, format="archive", now=NOW)
    engine.dispose()
    return path


def copy_file(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(source)) as original, closing(sqlite3.connect(target)) as copy:
        original.backup(copy)


@pytest.fixture
def seeded(database, demo_file):
    """The test's database holding the demo plus a row in every table the demo leaves empty."""
    if database.dialect.name == "sqlite":
        database.dispose()
        copy_file(demo_file, Path(database.url.database))
    else:
        with Session(database, expire_on_commit=False) as s:
            seed_everything(s)
    return database


@pytest.fixture
def demo_sqlite(demo_file, sqlite_files):
    """A SQLite file database holding the demo, for what only SQLite has."""
    engine = sqlite_files("demo.db")
    copy_file(demo_file, Path(engine.url.database))
    return engine


@pytest.fixture(autouse=True)
def _forget_the_process_engine():
    yield
    db.use_engine(None)


@pytest.fixture
def sqlite_files(tmp_path):
    """Makes engines on new SQLite files in the test's directory; disposes them afterwards."""
    made = []

    def make(name: str):
        made.append(db.build_engine(f"sqlite:///{tmp_path / name}"))
        return made[-1]

    yield make
    for engine in made:
        engine.dispose()


def empty_like(engine, sqlite_files, name: str = "restored.db"):
    """An empty database of the same engine: a new SQLite file, or the same PostgreSQL database emptied."""
    if engine.dialect.name == "sqlite":
        return sqlite_files(name)  # not even migrated: a fresh machine
    _truncate_all(engine)
    return engine


def seed_everything(s: Session) -> None:
    demo.seed(s, password=DEMO_PASSWORD, now=NOW)
    add_awkward_rows(s)


def add_awkward_rows(s: Session) -> None:
    team = s.exec(select(Team).where(Team.slug == demo.DEMO_SLUG)).one()
    admin = s.exec(select(Membership).join(User, User.id == Membership.user_id).where(User.username == "admin")).one()
    message = s.exec(select(Message).order_by(Message.id)).first()
    odd_moment = datetime(2026, 11, 22, 14, 29, 59, 999_999, tzinfo=KABUL)  # stored as 09:59:59.999999 UTC
    s.add(
        DenylistEntry(
            team_id=team.id,
            entry="t.me/example-banned",
            note="کبھی لنک نہ کریں — never link",
            created_by_membership_id=admin.id,
            created_at=odd_moment,
        )
    )
    s.add(
        Acknowledgement(
            team_id=team.id,
            message_id=message.id,
            content_hash="f" * 64,
            finding_key=f"{message.id}:statistic:۹۰٪",
            note="د WHO شمېره ده\u200c؛ منبع: 2024 report 👍",
            membership_id=admin.id,
            created_at=odd_moment + timedelta(microseconds=1),
        )
    )
    s.add(
        ConsentDocument(
            team_id=team.id,
            reference="CONSENT-2026-001",
            reference_key="consent-2026-001",
            person_label="survivor, Lahore 2017",
            file_name="consent-1.pdf",
            media_type="application/pdf",
            size_bytes=1024,
            sha256="0" * 64,
            content=bytes(range(256)) * 4,  # every byte value, NUL included
            uploaded_by_membership_id=admin.id,
            uploaded_at=odd_moment,
        )
    )
    ledger = ReachImport(team_id=team.id, content_hash="a" * 64, kind="x-current", imported_at=odd_moment)
    s.add(ledger)
    s.flush()
    s.add(
        ReachFigure(
            team_id=team.id,
            platform="x",
            platform_post_id="awkward-1",
            period="lifetime",
            text="RTL \u202e override and ZWNJ \u200c kept as written",
            published_at=datetime(1999, 12, 31, 23, 59, 59, 1, tzinfo=UTC),
            impressions=2**31 - 1,
            watch_time_hours=0.1 + 0.2,  # 0.30000000000000004
            engagement_rate=5e-324,  # the smallest double
            click_through_rate=2 / 3,
            import_id=ledger.id,
            updated_at=odd_moment,
        )
    )
    s.commit()


def every_row(engine) -> dict[str, list[dict]]:
    """Every row of every table in key order, times as aware UTC: equal means the same data."""
    metadata = MetaData()
    with engine.connect() as connection:
        metadata.reflect(bind=connection)
        return {
            table.name: [
                {key: plain(value) for key, value in row._mapping.items()}
                for row in connection.execute(table.select().order_by(*table.primary_key.columns))
            ]
            for table in metadata.sorted_tables
            if table.name != "alembic_version"
        }


def plain(value):
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def audit_refuses_changes(engine) -> bool:
    """Whether the database still refuses to delete and to update audit events."""
    refused = 0
    for statement in ("DELETE FROM audit_event", "UPDATE audit_event SET action = 'x'"):
        with engine.connect() as connection:
            try:
                connection.execute(text(statement))
            except DBAPIError as exc:
                refused += "append-only" in str(exc)
            connection.rollback()
    return refused == 2


def formats_for(engine) -> list[str]:
    return ["sqlite", "archive"] if engine.dialect.name == "sqlite" else ["archive"]


def previous_revision() -> str:
    scripts = ScriptDirectory.from_config(schema.alembic_config(None))
    return scripts.get_revision(scripts.get_current_head()).down_revision


def use_from_the_command_line(engine, monkeypatch) -> None:
    monkeypatch.setenv("PLANNER_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("PLANNER_DEMO_PASSWORD", DEMO_PASSWORD)
    db.use_engine(None)


# ---------------------------------------------------------------- round trips


def test_a_backup_restored_into_an_empty_database_gives_back_every_row(seeded, sqlite_files, tmp_path, capsys):
    expected = every_row(seeded)
    assert all(expected.values()), f"tables without rows: {[name for name, rows in expected.items() if not rows]}"
    for format in formats_for(seeded):
        path = tmp_path / f"planner.{format}"
        made = backup.backup(seeded, path, format=format, now=NOW)
        assert made.rows == {name: len(rows) for name, rows in expected.items()}

        target = empty_like(seeded, sqlite_files, f"restored-{format}.db")
        restored = backup.restore(target, path)

        assert restored.total == sum(len(rows) for rows in expected.values())
        assert every_row(target) == expected
        assert schema.current_revision(target) == schema.current_revision(seeded)
        db.use_engine(target)
        assert main(["audit", "verify", "--team", "demo"]) == 0
        assert capsys.readouterr().out.startswith("intact")
        assert audit_refuses_changes(target)


@pytest.mark.parametrize("format", ["sqlite", "archive"])
def test_a_sqlite_backup_restores_into_postgresql_as_it_was(demo_sqlite, postgres_engine, tmp_path, format):
    path = tmp_path / f"planner.{format}"
    backup.backup(demo_sqlite, path, format=format, now=NOW)
    expected = every_row(demo_sqlite)
    with postgres_engine.begin() as connection:  # a fresh server: not even a schema
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    try:
        backup.restore(postgres_engine, path)
        assert every_row(postgres_engine) == expected
        assert audit_refuses_changes(postgres_engine)
        with Session(postgres_engine) as s:  # the id sequences moved past the restored ids
            assert make_team(s, slug="after-restore").id == max(row["id"] for row in expected["team"]) + 1
    finally:
        schema.upgrade(postgres_engine)


def test_a_postgresql_archive_restores_into_sqlite_as_it_was(postgres_engine, sqlite_files, tmp_path):
    _truncate_all(postgres_engine)
    with Session(postgres_engine, expire_on_commit=False) as s:
        seed_everything(s)
    path = tmp_path / "planner.zip"
    backup.backup(postgres_engine, path, now=NOW)
    assert path.read_bytes().startswith(b"PK")  # the archive is PostgreSQL's default
    target = sqlite_files("from-postgres.db")
    backup.restore(target, path)
    assert every_row(target) == every_row(postgres_engine)
    assert audit_refuses_changes(target)


def test_a_backup_from_an_older_revision_comes_up_to_the_newest(seeded, sqlite_files, tmp_path):
    older = previous_revision()
    command.downgrade(schema.alembic_config(seeded), older)
    targets = []
    for format in formats_for(seeded):
        path = tmp_path / f"older.{format}"
        assert backup.backup(seeded, path, format=format, now=NOW).revision == older
        targets.append(sqlite_files(f"from-older-{format}.db"))
        restored = backup.restore(targets[-1], path)
        assert (restored.revision, restored.upgraded_to) == (older, schema.head_revision())
        assert schema.current_revision(targets[-1]) == schema.head_revision()
    schema.upgrade(seeded, backup_first=False)  # the same data brought up the other way
    expected = every_row(seeded)
    assert all(every_row(target) == expected for target in targets)


# ---------------------------------------------------------------- refusals


def test_restore_refuses_a_database_that_holds_data(seeded, tmp_path):
    path = tmp_path / "planner.backup"
    backup.backup(seeded, path, now=NOW)
    before = every_row(seeded)
    with pytest.raises(backup.BackupRefused, match=r"not empty .* add --force to replace everything"):
        backup.restore(seeded, path)
    assert every_row(seeded) == before


def test_restore_with_force_replaces_everything_and_keeps_the_audit_trail_append_only(seeded, sqlite_files, tmp_path):
    path = tmp_path / "planner.backup"
    backup.backup(seeded, path, now=NOW)
    expected = every_row(seeded)
    with Session(seeded) as s:  # life goes on after the backup
        team = make_team(s, slug="later", name="A team made after the backup")
        audit.record(s, team_id=team.id, actor_membership_id=None, action="team.created", subject_type="team")
        s.commit()

    grown = every_row(seeded)

    summary = backup.restore(seeded, path, force=True)

    assert summary.replaced
    assert every_row(seeded) == expected
    if seeded.dialect.name == "sqlite":  # what was replaced is kept beside the database
        assert summary.saved.name.startswith("planner.db.before-restore-")
        assert every_row(sqlite_files(summary.saved.name)) == grown
    assert audit_refuses_changes(seeded)
    with Session(seeded) as s:
        assert make_team(s, slug="after-restore").id == max(row["id"] for row in expected["team"]) + 1


@pytest.mark.parametrize(
    "damage, message",
    [
        ("flip a byte inside a table file", r"damaged: tables/audit_event\.jsonl cannot be read"),
        ("edit a table file, keep the manifest", r"damaged: tables/team\.jsonl does not match its SHA-256"),
        ("cut the file in half", r"damaged: File is not a zip file"),
        ("drop the manifest", r"not a planner archive: it has no manifest\.json"),
        ("claim a newer schema revision", r"comes from a newer planner \(schema revision 9999;"),
        ("plain text", r"neither a SQLite copy nor a planner archive"),
    ],
)
def test_a_damaged_or_unknown_archive_is_refused_and_the_target_left_alone(
    database, demo_archive, sqlite_files, tmp_path, damage, message
):
    path = tmp_path / "damaged.zip"
    path.write_bytes(damaged_archive(demo_archive, damage, tmp_path))
    target = empty_like(database, sqlite_files)
    before = every_row(target)

    with pytest.raises(backup.BackupRefused, match=message) as refused:
        backup.restore(target, path)

    assert "\n" not in str(refused.value)
    assert every_row(target) == before


def damaged_archive(good: Path, damage: str, folder: Path) -> bytes:
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
        entry = archive.getinfo("tables/audit_event.jsonl")
    if damage == "flip a byte inside a table file":
        start = entry.header_offset + 30 + len(entry.filename) + len(entry.extra)
        data[start + entry.compress_size // 2] ^= 0xFF
        return bytes(data)
    if damage == "cut the file in half":
        return bytes(data[: len(data) // 2])
    if damage == "plain text":
        return b"team,name\n1,demo\n"
    if damage == "edit a table file, keep the manifest":
        members["tables/team.jsonl"] = members["tables/team.jsonl"].replace(b"Dialogue", b"Dialogues")
    elif damage == "drop the manifest":
        del members["manifest.json"]
    elif damage == "claim a newer schema revision":
        manifest = json.loads(members["manifest.json"])
        members["manifest.json"] = json.dumps({**manifest, "revision": "9999"}).encode()
    rebuilt = folder / "rebuilt.zip"
    with zipfile.ZipFile(rebuilt, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return rebuilt.read_bytes()


def test_a_damaged_sqlite_copy_is_refused(demo_sqlite, sqlite_files, tmp_path):
    path = tmp_path / "planner.sqlite3"
    backup.backup(demo_sqlite, path, now=NOW)
    data = path.read_bytes()
    page = 4096
    path.write_bytes(data[: page * 20] + bytes(page) + data[page * 21 :])  # one page zeroed
    target = sqlite_files("target.db")
    with pytest.raises(backup.BackupRefused, match="is damaged: database disk image is malformed"):
        backup.restore(target, path)
    assert inspect(target).get_table_names() == []


def test_a_sqlite_copy_from_a_newer_planner_is_refused(demo_sqlite, sqlite_files, tmp_path):
    path = tmp_path / "planner.sqlite3"
    backup.backup(demo_sqlite, path, now=NOW)
    with sqlite3.connect(path) as copy:
        copy.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(backup.BackupRefused, match=r"newer planner \(schema revision 9999; this one knows up to"):
        backup.restore(sqlite_files("target.db"), path)


def test_a_sqlite_copy_of_postgresql_is_refused(postgres_engine, tmp_path):
    with pytest.raises(backup.BackupRefused, match="use the archive format for PostgreSQL"):
        backup.backup(postgres_engine, tmp_path / "planner.sqlite3", format="sqlite", now=NOW)
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- faults


def test_a_failure_in_the_middle_of_a_backup_leaves_nothing_at_the_path(seeded, tmp_path, monkeypatch):
    before = every_row(seeded)
    written = backup._write_table

    def fails_at_the_fifth_table(archive, connection, table, **kwargs):
        if len(archive.filelist) == 4:
            raise OSError("disk full")
        return written(archive, connection, table, **kwargs)

    def fails_after_copying(connection, *, what):
        raise OSError("disk full")

    monkeypatch.setattr(backup, "_write_table", fails_at_the_fifth_table)
    monkeypatch.setattr(backup, "_check_integrity", fails_after_copying)
    folder = tmp_path / "backups"
    folder.mkdir()
    for format in formats_for(seeded):
        path = folder / f"tonight.{format}"
        with pytest.raises(OSError, match="disk full"):
            backup.backup(seeded, path, format=format, now=NOW)
        assert list(folder.iterdir()) == []  # neither the backup nor a partial file

        path.write_bytes(b"last night's backup")
        with pytest.raises(OSError, match="disk full"):
            backup.backup(seeded, path, format=format, now=NOW)
        assert list(folder.iterdir()) == [path] and path.read_bytes() == b"last night's backup"
        path.unlink()
    assert every_row(seeded) == before


@pytest.mark.parametrize("force", [False, True], ids=["into an empty database", "with --force over data"])
def test_a_failure_in_the_middle_of_a_restore_leaves_the_target_as_it_was(
    seeded, sqlite_files, tmp_path, monkeypatch, force
):
    path = tmp_path / "planner.backup"
    backup.backup(seeded, path, now=NOW)
    if force:
        target = seeded
        with Session(seeded) as s:
            make_team(s, slug="later", name="A team made after the backup")
    else:
        target = empty_like(seeded, sqlite_files)
        schema.upgrade(target)
    before = every_row(target)
    inserted = backup._insert

    def fails_at_the_variants(connection, table, rows, kinds):
        # Staging is a SQLite file named staging.db; only inserts into the target fail.
        if table.name == "variant" and "staging.db" not in str(connection.engine.url):
            raise OSError("connection lost")
        return inserted(connection, table, rows, kinds)

    monkeypatch.setattr(backup, "_insert", fails_at_the_variants)
    with pytest.raises(OSError, match="connection lost"):
        backup.restore(target, path, force=force)

    assert every_row(target) == before
    if force:  # the triggers lifted for the wipe are back (with no rows, a row trigger never fires)
        assert audit_refuses_changes(target)


def test_a_backup_taken_while_the_app_writes_is_one_consistent_moment(seeded, sqlite_files, tmp_path, monkeypatch):
    """A writer adds a team and its audit event in one transaction, also between the dump of the two tables."""
    stop = threading.Event()
    written = []

    def writer():
        while not stop.is_set():
            slug = f"w{len(written)}"
            with Session(seeded) as s:
                team = Team(slug=slug, name="written during the backup", created_at=NOW)
                s.add(team)
                s.flush()
                audit.record(s, team_id=team.id, actor_membership_id=None, action="team.created", subject_type="team")
                s.commit()
            written.append(slug)

    def wait_for_writes(count: int) -> None:
        goal = len(written) + count
        for _ in range(500):
            if len(written) >= goal or stop.wait(0.01):
                return
        raise AssertionError("the writer made no progress")

    dump_table = backup._write_table

    def dump_with_writes_between(archive, connection, table, **kwargs):
        entry = dump_table(archive, connection, table, **kwargs)
        if table.name == "team":
            wait_for_writes(3)  # teams and events committed after the team table was read
        return entry

    monkeypatch.setattr(backup, "_write_table", dump_with_writes_between)
    thread = threading.Thread(target=writer)
    thread.start()
    try:
        wait_for_writes(2)
        paths = []
        for format in formats_for(seeded):
            paths.append(tmp_path / f"busy.{format}")
            backup.backup(seeded, paths[-1], format=format, now=NOW)
    finally:
        stop.set()
        thread.join()

    for path in paths:
        target = sqlite_files(f"{path.name}.db")
        backup.restore(target, path)  # an event without its team would break a foreign key here
        with target.connect() as connection:
            teams = connection.execute(text("SELECT count(*) FROM team WHERE slug LIKE 'w%'")).scalar_one()
            events = connection.execute(
                text("SELECT count(*) FROM audit_event e JOIN team t ON t.id = e.team_id WHERE t.slug LIKE 'w%'")
            ).scalar_one()
        assert teams == events >= 2
    assert teams <= len(written) - 3  # the archive (last) left out what was written after it read `team`


# ---------------------------------------------------------------- migrations


def downgraded_file(demo_file, sqlite_files):
    """A SQLite file with the demo's data, one revision behind the code."""
    engine = sqlite_files("planner.db")
    copy_file(demo_file, Path(engine.url.database))
    command.downgrade(schema.alembic_config(engine), previous_revision())
    return engine


def test_migrate_saves_a_copy_before_upgrading_a_database_with_data(
    demo_file, sqlite_files, tmp_path, monkeypatch, capsys
):
    engine = downgraded_file(demo_file, sqlite_files)
    before = every_row(engine)
    use_from_the_command_line(engine, monkeypatch)

    assert main(["migrate"]) == 0

    copies = sorted(tmp_path.glob("planner.db.before-*.sqlite3"))
    assert len(copies) == 1
    assert copies[0].name.startswith(f"planner.db.before-{previous_revision()}-")
    assert f"before migrating: {copies[0]}" in capsys.readouterr().out
    saved = sqlite_files(copies[0].name)
    assert schema.current_revision(saved) == previous_revision()
    assert every_row(saved) == before
    assert schema.current_revision(engine) == schema.head_revision()


def test_migrate_keeps_the_five_newest_copies_of_that_database_only(demo_file, sqlite_files, tmp_path, monkeypatch):
    engine = downgraded_file(demo_file, sqlite_files)
    old = [tmp_path / f"planner.db.before-0001-2025010{day}T000000Z.sqlite3" for day in range(1, 7)]
    unrelated = [tmp_path / "other.db.before-0001-20250101T000000Z.sqlite3", tmp_path / "planner.db.before-notes.txt"]
    for file in old + unrelated:
        file.write_bytes(b"an older copy")
    use_from_the_command_line(engine, monkeypatch)

    assert main(["migrate"]) == 0

    kept = sorted(tmp_path.glob("planner.db.before-*.sqlite3"))
    assert len(kept) == 5
    assert old[:2] == [file for file in old if not file.exists()]  # the two oldest went
    assert all(file.exists() for file in unrelated)


def test_migrate_saves_no_copy_when_there_is_nothing_to_lose(demo_file, sqlite_files, tmp_path, monkeypatch):
    empty = sqlite_files("planner.db")
    command.upgrade(schema.alembic_config(empty), previous_revision())  # behind, but empty
    use_from_the_command_line(empty, monkeypatch)
    assert main(["migrate"]) == 0
    db.use_engine(None)
    copy_file(demo_file, Path(empty.url.database))  # data, but nothing to migrate
    assert main(["migrate"]) == 0
    assert list(tmp_path.glob("*.before-*")) == []


FAILING_MIGRATION = '''"""fails half-way"""
import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))
    op.execute("UPDATE team SET name = 'renamed by a broken migration'")
    op.execute("DELETE FROM comment")
    raise RuntimeError("injected failure")


def downgrade():
    pass
'''


def test_a_failing_migration_leaves_the_revision_and_the_data_as_they_were(seeded, tmp_path, monkeypatch, capsys):
    older = previous_revision()
    command.downgrade(schema.alembic_config(seeded), older)  # two migrations to go: the real one, then 9999
    before = every_row(seeded)
    scripts = tmp_path / "migrations"
    shutil.copytree(schema.MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "9999_fails.py").write_text(FAILING_MIGRATION.format(head=schema.head_revision()))
    use_from_the_command_line(seeded, monkeypatch)
    with monkeypatch.context() as patched:
        patched.setattr(schema, "MIGRATIONS", scripts)
        assert main(["migrate"]) == 2
    refusal = capsys.readouterr().err
    assert f"still at revision {older}" in refusal and "injected failure" in refusal
    assert len(refusal.strip().splitlines()) == 1

    assert schema.current_revision(seeded) == older
    assert every_row(seeded) == before
    assert "half_done" not in inspect(seeded).get_table_names()
    schema.upgrade(seeded)  # and the real migrations still apply
    assert schema.current_revision(seeded) == schema.head_revision()


REBUILDING_MIGRATION = '''"""widens messenger.name: on SQLite, batch mode rebuilds the table"""
import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("messenger") as batch:
        batch.alter_column("name", existing_type=sa.String(120), type_=sa.String(160))


def downgrade():
    with op.batch_alter_table("messenger") as batch:
        batch.alter_column("name", existing_type=sa.String(160), type_=sa.String(120))
'''


def test_a_migration_that_rebuilds_a_table_keeps_the_rows_that_point_at_it(seeded, tmp_path, monkeypatch):
    before = every_row(seeded)
    assert any(row["messenger_id"] for row in before["message"])
    scripts = tmp_path / "migrations"
    shutil.copytree(schema.MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "9999_rebuild.py").write_text(REBUILDING_MIGRATION.format(head=schema.head_revision()))
    monkeypatch.setattr(schema, "MIGRATIONS", scripts)
    try:
        schema.upgrade(seeded)
        assert every_row(seeded)["message"] == before["message"]  # no ON DELETE SET NULL fired
        if seeded.dialect.name == "sqlite":
            with seeded.connect() as connection:  # and foreign keys are on again afterwards
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        command.downgrade(schema.alembic_config(seeded), "-1")


# ---------------------------------------------------------------- the command line


def test_backup_and_restore_from_the_command_line(database, sqlite_files, tmp_path, monkeypatch, capsys):
    use_from_the_command_line(database, monkeypatch)
    assert main(["demo"]) == 0
    expected = every_row(db.engine())
    path = tmp_path / "nightly.backup"
    capsys.readouterr()

    assert main(["backup", str(path)]) == 0
    said = capsys.readouterr().out
    assert f"rows to {path}" in said and ("SQLite copy" if database.dialect.name == "sqlite" else "archive") in said
    assert path.stat().st_mode & 0o077 == 0  # readable by its owner only: it holds identities

    use_from_the_command_line(empty_like(database, sqlite_files), monkeypatch)
    assert main(["restore", str(path)]) == 0
    said = capsys.readouterr().out
    assert said.startswith(f"Restored {len(expected)} tables") and "audit trail of team demo" in said
    assert every_row(db.engine()) == expected
    assert main(["audit", "verify", "--team", "demo"]) == 0
    assert capsys.readouterr().out.startswith("intact")

    assert main(["restore", str(path)]) == 2
    assert "not empty" in (refusal := capsys.readouterr().err) and len(refusal.strip().splitlines()) == 1
    assert main(["restore", "--force", str(path)]) == 0
    said = capsys.readouterr().out
    assert "replacing what it held" in said
    if database.dialect.name == "sqlite":
        assert "Saved a copy of the database as it was before restoring: " in said
    assert every_row(db.engine()) == expected


def test_restoring_a_file_that_is_not_there_is_refused_in_one_line(database, tmp_path, monkeypatch, capsys):
    use_from_the_command_line(database, monkeypatch)
    assert main(["restore", str(tmp_path / "missing.backup")]) == 2
    assert capsys.readouterr().err == f"error: there is no backup at {tmp_path / 'missing.backup'}\n"


def test_backing_up_a_database_without_a_schema_is_refused(sqlite_files, tmp_path, monkeypatch, capsys):
    use_from_the_command_line(sqlite_files("never-migrated.db"), monkeypatch)
    assert main(["backup", str(tmp_path / "planner.backup")]) == 2
    assert "no planner schema yet" in capsys.readouterr().err
    assert not (tmp_path / "planner.backup").exists()
