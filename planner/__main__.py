"""Command line: migrate, create-admin, demo, export, import-reach, report, audit verify, backup and restore."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from time import perf_counter

from sqlmodel import select

from planner import audit, backup, db, demo, posts, reach, report, schema, teams
from planner.errors import NotFound, PlannerError
from planner.models import Team
from planner.reach_files import FileRefused
from planner.wording import count


def _migrate(_args: argparse.Namespace) -> int:
    saved = schema.upgrade()
    if saved:
        print(f"Saved a copy of the database as it was before migrating: {saved}")
    print(f"Database is at revision {schema.current_revision()}.")
    return 0


_FORMAT_NAMES = {"sqlite": "SQLite copy", "archive": "archive"}


def _backup(args: argparse.Namespace) -> int:
    started = perf_counter()
    summary = backup.backup(db.engine(), Path(args.path), format=args.format, now=db.utcnow())
    print(
        f"Backed up {len(summary.rows)} tables, {summary.total} rows to {summary.path} "
        f"({_FORMAT_NAMES[summary.format]}, schema revision {summary.revision}) in {perf_counter() - started:.1f} s."
    )
    return 0


def _restore(args: argparse.Namespace) -> int:
    started = perf_counter()
    summary = backup.restore(db.engine(), Path(args.path), force=args.force, now=db.utcnow())
    if summary.saved:
        print(f"Saved a copy of the database as it was before restoring: {summary.saved}")
    upgraded = f", brought up to {summary.upgraded_to}" if summary.upgraded_to else ""
    replaced = ", replacing what it held" if summary.replaced else ""
    print(
        f"Restored {len(summary.rows)} tables, {summary.total} rows from {summary.path} "
        f"({_FORMAT_NAMES[summary.format]}, schema revision {summary.revision}{upgraded}) into "
        f"{db.engine().url.render_as_string(hide_password=True)}{replaced} in {perf_counter() - started:.1f} s."
    )
    intact = True
    with db.session(readonly=True) as s:
        for team_id, slug in s.exec(select(Team.id, Team.slug).order_by(Team.id)).all():
            checked, broken = audit.verify(s, team_id=team_id)
            intact = intact and broken is None
            state = "intact" if broken is None else f"BROKEN at event {broken.event_id}: {broken.reason}"
            print(f"audit trail of team {slug}: {count(checked, 'event')}, {state}")
    return 0 if intact else 1


def _create_admin(args: argparse.Namespace) -> int:
    password = args.password or getpass.getpass("Password for the first admin (8+ characters, any script): ")
    schema.upgrade()
    with db.session() as s:
        team = teams.create_team_with_admin(
            s,
            slug=args.team_slug,
            name=args.team_name,
            username=args.username,
            display_name=args.display_name or args.username,
            password=password,
            now=db.utcnow(),
        )
    print(f"Created team {team.name!r} ({team.slug}) with admin {args.username!r}.")
    return 0


def _demo(args: argparse.Namespace) -> int:
    schema.upgrade()
    password, source = demo.demo_password()
    with db.session() as s:
        if not args.if_empty or demo.is_empty(s):
            demo.seed(s, password=password, now=db.utcnow())
            print("Demo workspace is ready.")
        elif not demo.exists(s):
            return 0  # a real deployment: no demo accounts to announce
    print(demo.login_table(password, source))
    return 0


def _export(args: argparse.Namespace) -> int:
    schema.upgrade()
    with db.session(readonly=True) as s:
        team = teams.team_by_slug(s, args.team)
        if team is None:
            print(f"error: no team with the slug {args.team!r}", file=sys.stderr)
            return 2
        start = datetime.combine(args.date_from, time(0), tzinfo=UTC) if args.date_from else None
        end = datetime.combine(args.date_to + timedelta(days=1), time(0), tzinfo=UTC) if args.date_to else None
        result = posts.export_posts(
            s,
            team_id=team.id,
            now=db.utcnow(),
            kind=args.kind,
            campaign_id=args.campaign,
            start=start,
            end=end,
            zone=args.zone,
        )
    out = Path(args.out)
    for index, (_, data) in enumerate(result.files, start=1):
        target = out if len(result.files) == 1 else out.with_name(f"{out.stem}-part{index}{out.suffix}")
        target.write_bytes(data)
        print(f"wrote {target}")
    print(f"{count(result.rows, 'post')} exported.")
    for problem in result.problems:
        print(f"left out: post {problem.post_id}, {problem.column} = {problem.value!r}: {problem.reason}")
    return 0


def _audit_verify(args: argparse.Namespace) -> int:
    schema.upgrade()
    with db.session(readonly=True) as s:
        team = teams.team_by_slug(s, args.team)
        if team is None:
            print(f"error: no team with the slug {args.team!r}", file=sys.stderr)
            return 2
        checked, broken = audit.verify(s, team_id=team.id)
    if broken is None:
        print(f"intact: {count(checked, 'event')} of team {team.slug} form an unbroken chain.")
        return 0
    print(f"broken at event {broken.event_id} (event {checked} of the chain): {broken.reason}.")
    return 1


def _import_reach(args: argparse.Namespace) -> int:
    schema.upgrade()
    data = Path(args.path).read_bytes()
    export_range = (args.date_from, args.date_to) if args.date_from and args.date_to else None
    with db.session() as s:
        team = teams.team_by_slug(s, args.team)
        if team is None:
            print(f"error: no team with the slug {args.team!r}", file=sys.stderr)
            return 2
        try:
            report = reach.import_file(
                s,
                team_id=team.id,
                membership_id=None,
                now=db.utcnow(),
                data=data,
                filename=Path(args.path).name,
                export_range=export_range,
                dry_run=args.dry_run,
            )
        except FileRefused as exc:
            known = [{"kind": k.kind, "label": k.label, "required_headers": list(k.required)} for k in exc.known_kinds]
            if args.json:
                print(
                    json.dumps(
                        {
                            "kind": None,
                            "refused": True,
                            "reason": str(exc),
                            "rows": 0,
                            "inserted": 0,
                            "updated": 0,
                            "unchanged": 0,
                            "unmatched": 0,
                            "errors": [],
                            "known_kinds": known,
                        },
                        ensure_ascii=False,
                    )
                )
            else:
                print(f"refused: {exc}", file=sys.stderr)
            return 1
    if args.json:
        print(report.model_dump_json())
    else:
        print(
            f"{report.label or report.kind}: {count(report.rows, 'row')}; inserted {report.inserted}, updated "
            f"{report.updated}, unchanged {report.unchanged}, unmatched {report.unmatched}"
            + (" (dry run: nothing written)" if args.dry_run else "")
        )
        if report.already_imported_at:
            print(f"this file was imported already on {report.already_imported_at:%d %b %Y %H:%M} UTC")
        for error in report.errors:
            print(f"row {error.row}, {error.column} = {error.value!r}: {error.reason}")
    return 1 if report.refused else 0


def _report(args: argparse.Namespace) -> int:
    try:
        start, end = (date.fromisoformat(day) if day else None for day in (args.date_from, args.date_to))
    except ValueError:
        print("error: dates must be real days written YYYY-MM-DD, e.g. 2026-11-01", file=sys.stderr)
        return 2
    schema.upgrade()
    with db.session(readonly=True) as s:
        team = teams.team_by_slug(s, args.team)
        if team is None:
            print(f"error: no team with the slug {args.team!r}", file=sys.stderr)
            return 2
        try:
            built = report.build_report(
                s,
                team_id=team.id,
                campaign_id=args.campaign,
                start=start,
                end=end,
                now=db.utcnow(),
                include_links=args.links,
            )
        except NotFound:
            print(f"error: team {team.slug} has no campaign with the id {args.campaign}", file=sys.stderr)
            return 2
    try:
        Path(args.out).write_bytes(built.html)
    except OSError as exc:
        print(f"error: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"wrote {args.out} ({len(built.html) / 1_000_000:.1f} MB), the donor report of campaign {args.campaign}")
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m planner", description="Counter-narrative campaign planner.")
    commands = root.add_subparsers(dest="command", required=True)

    commands.add_parser("migrate", help="apply database migrations").set_defaults(run=_migrate)

    admin = commands.add_parser("create-admin", help="create a team and its first admin (no default accounts)")
    admin.add_argument("--team-slug", required=True, help="short id of the team, e.g. peshawar-youth")
    admin.add_argument("--team-name", required=True, help="the team's name as members see it")
    admin.add_argument("--username", required=True)
    admin.add_argument("--display-name", help="name shown to the team; a pseudonym is fine")
    admin.add_argument("--password", help="read from a prompt when left out (recommended)")
    admin.set_defaults(run=_create_admin)

    demo_cmd = commands.add_parser("demo", help="create or refresh the demo team and print its log-ins")
    demo_cmd.add_argument("--if-empty", action="store_true", help="seed only when the database has no team yet")
    demo_cmd.set_defaults(run=_demo)

    export = commands.add_parser("export", help="export the team's plan (iCalendar, CSV, Hootsuite, Sprout)")
    export.add_argument("kind", choices=posts.EXPORT_KINDS)
    export.add_argument("--team", required=True, help="the team's slug, e.g. demo")
    export.add_argument("--campaign", type=int, help="only this campaign (its id)")
    export.add_argument("--from", dest="date_from", type=date.fromisoformat, help="first day, YYYY-MM-DD")
    export.add_argument("--to", dest="date_to", type=date.fromisoformat, help="last day, YYYY-MM-DD")
    export.add_argument("--zone", default="Asia/Karachi", help="time zone of the bulk files' times")
    export.add_argument("--out", required=True, help="file to write (parts get -part1, -part2…)")
    export.set_defaults(run=_export)

    importer = commands.add_parser("import-reach", help="import a platform's analytics export (all or nothing)")
    importer.add_argument("path", help="the CSV file downloaded from the platform")
    importer.add_argument("--team", required=True, help="the team's slug, e.g. demo")
    importer.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    importer.add_argument("--json", action="store_true", help="print one JSON object")
    importer.add_argument(
        "--from", dest="date_from", type=date.fromisoformat, help="export range start (year-less dates)"
    )
    importer.add_argument("--to", dest="date_to", type=date.fromisoformat, help="export range end")
    importer.set_defaults(run=_import_reach)

    report_cmd = commands.add_parser("report", help="write a campaign's donor report: one self-contained HTML file")
    report_cmd.add_argument("--team", required=True, help="the team's slug, e.g. demo")
    report_cmd.add_argument("--campaign", required=True, type=int, help="the campaign's id")
    report_cmd.add_argument("--out", required=True, help="the HTML file to write")
    report_cmd.add_argument("--from", dest="date_from", help="first day of the period, YYYY-MM-DD (default: the start)")
    report_cmd.add_argument("--to", dest="date_to", help="last day of the period, YYYY-MM-DD (default: today)")
    report_cmd.add_argument("--links", action="store_true", help="include links to the published posts")
    report_cmd.set_defaults(run=_report)

    audit_cmd = commands.add_parser("audit", help="check the audit trail").add_subparsers(dest="audit", required=True)
    verify = audit_cmd.add_parser("verify", help="check a team's hash chain; exit 1 at the first broken link")
    verify.add_argument("--team", required=True, help="the team's slug, e.g. demo")
    verify.set_defaults(run=_audit_verify)

    backup_cmd = commands.add_parser("backup", help="write a consistent backup of the whole database")
    backup_cmd.add_argument("path", help="the file to write (replaced only once the backup is complete)")
    backup_cmd.add_argument(
        "--format",
        choices=backup.FORMATS,
        help="sqlite: a copy of the SQLite file (default on SQLite); archive: portable ZIP (default on PostgreSQL)",
    )
    backup_cmd.set_defaults(run=_backup)

    restore_cmd = commands.add_parser("restore", help="put a backup (either format) back into an empty database")
    restore_cmd.add_argument("path", help="a SQLite copy or an archive made by `backup`")
    restore_cmd.add_argument("--force", action="store_true", help="replace everything the database holds now")
    restore_cmd.set_defaults(run=_restore)

    bench = commands.add_parser("bench", help="time imports, dashboard queries and page reruns on a synthetic workload")
    bench.add_argument("--quick", action="store_true", help="a tenth of the workload")
    bench.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    bench.add_argument("--postgres", help="also time the queries on this PostgreSQL database (it is emptied)")
    bench.add_argument("--runs", type=int, default=3, help="runs per timing; the median is reported")
    bench.set_defaults(run=_bench)
    return root


def _bench(args: argparse.Namespace) -> int:
    # The benchmark lives beside the app (benchmarks/): it drives the pages through Streamlit's AppTest,
    # which the domain package itself never imports. This process becomes a fresh interpreter running it
    # (exec, not a child): it has loaded pyarrow, and the benchmark drops pyarrow's pages from the page cache
    # before measuring memory, which the kernel refuses for pages a living process maps (benchmarks/run.py).
    argv = ["--runs", str(args.runs)] + (["--quick"] if args.quick else [])
    argv += ["--json", str(args.json.resolve())] if args.json else []
    argv += ["--postgres", args.postgres] if args.postgres else []
    sys.stdout.flush()
    os.chdir(Path(__file__).resolve().parent.parent)
    os.execv(sys.executable, [sys.executable, "-m", "benchmarks.run", *argv])  # noqa: S606 - our own module
    return 1  # not reached: execv replaces this process


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except PlannerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
