"""The import page shows what matched which post before importing, and links unmatched rows by hand."""

from sqlmodel import select

from planner import db, reach
from planner.models import Post, PostStatus, ReachFigure, Team, Variant
from tests.integration.reach_csv import FACEBOOK_HEADER, export, facebook_row
from tests.pages.conftest import log_in, new_app, texts


def demo_facebook_post() -> tuple[Post, Variant]:
    with db.session(readonly=True) as s:
        return s.exec(
            select(Post, Variant)
            .join(Variant, Variant.id == Post.variant_id)
            .where(Variant.platform == "facebook", Post.status == PostStatus.PUBLISHED)
            .order_by(Post.id)
        ).first()


def test_dropping_an_export_shows_each_row_and_the_post_it_matched_before_importing(app_db):
    post, _ = demo_facebook_post()
    data = export(
        FACEBOOK_HEADER,
        [facebook_row(post.platform_post_id, title="Ours", reach=4321), facebook_row("1999999999", title="Not ours")],
        bom=True,
    )
    at = log_in(new_app(), "drafter")
    at.switch_page("screens/reach_import.py").run()
    at.file_uploader(key="reach.file.0").set_value(("facebook.csv", data, "text/csv"))
    at.run()
    assert not at.exception
    assert "What matched which post" in texts(at)
    table = next(d for d in at.dataframe if "Matched to" in d.value.columns).value
    assert list(table["Row"]) == [2, 3]
    assert list(table["Reach"]) == [4321, 100]
    assert list(table["Published"].astype(str)) == ["2026-11-23", "2026-11-23"]  # the export's publish time
    assert list(table["Import would"]) == ["New", "New"]
    assert "PKT" in table["Matched to"][0] and table["Matched to"][1] == "Not matched"
    with db.session(readonly=True) as s:
        before = len(s.exec(select(ReachFigure.id)).all())
    at.button(key="reach.confirm").click().run()
    assert not at.exception
    shown = texts(at)
    assert "Imported **facebook.csv** (Meta Business Suite, Facebook posts): 2 new, 0 updated, 0 unchanged." in shown
    assert "1 row matches no published post yet" in shown
    assert at.file_uploader(key="reach.file.1").value is None  # emptied, ready for the next export
    assert "What matched which post" not in shown  # the imported file's preview is gone with it
    with db.session(readonly=True) as s:
        assert len(s.exec(select(ReachFigure.id)).all()) == before + 2
        ours = s.exec(
            select(ReachFigure).where(
                ReachFigure.platform_post_id == post.platform_post_id, ReachFigure.period == "lifetime"
            )
        ).one()
    assert ours.post_id == post.id and ours.reach == 4321


def test_an_unmatched_row_is_linked_to_a_likely_post_and_unlinked_again(app_db):
    post, variant = demo_facebook_post()
    with db.session() as s:
        team = s.exec(select(Team)).first()
        data = export(FACEBOOK_HEADER, [facebook_row("1888888888", title=variant.body, reach=777)])
        reach.import_file(s, team_id=team.id, membership_id=None, now=db.utcnow(), data=data)
        figure = s.exec(select(ReachFigure).where(ReachFigure.platform_post_id == "1888888888")).one()
    at = log_in(new_app(), "drafter")
    at.switch_page("screens/reach_import.py").run()
    assert not at.exception
    assert "Not matched yet" in texts(at)
    unmatched = next(d for d in at.dataframe if "Likeliest post" in d.value.columns).value
    assert "1888888888" in list(unmatched["Post id"])
    at.session_state["reach.link.figure"] = figure.id
    at.run()
    at.session_state[f"reach.link.post.{figure.id}"] = post.id
    at.run()
    at.button(key="reach.link.go").click().run()
    assert not at.exception
    with db.session(readonly=True) as s:
        assert s.get(ReachFigure, figure.id).post_id == post.id
    linked_table = {"Linked to"}
    assert not any(linked_table <= set(d.value.columns) for d in at.dataframe)  # closed: nothing read or drawn
    at.session_state["reach.linked"] = True  # open "Linked rows (undo a wrong link)"
    at.run()
    assert any(linked_table <= set(d.value.columns) for d in at.dataframe)
    at.session_state["reach.unlink.figure"] = figure.id
    at.run()
    at.button(key="reach.unlink.go").click().run()
    assert not at.exception
    with db.session(readonly=True) as s:
        assert s.get(ReachFigure, figure.id).post_id is None


def test_a_row_posted_outside_the_planner_is_linked_to_its_message(app_db):
    _, variant = demo_facebook_post()
    with db.session() as s:
        team = s.exec(select(Team)).first()
        data = export(FACEBOOK_HEADER, [facebook_row("1777777777", title="Posted from a phone", reach=55)])
        reach.import_file(s, team_id=team.id, membership_id=None, now=db.utcnow(), data=data)
        figure = s.exec(select(ReachFigure).where(ReachFigure.platform_post_id == "1777777777")).one()
    at = log_in(new_app(), "facilitator")
    at.switch_page("screens/reach_import.py").run()
    at.session_state["reach.link.figure"] = figure.id
    at.session_state["reach.link.kind"] = "message"
    at.run()
    at.session_state[f"reach.link.message.{figure.id}"] = variant.message_id
    at.run()
    at.button(key="reach.link.go").click().run()
    assert not at.exception
    with db.session(readonly=True) as s:
        linked = s.get(ReachFigure, figure.id)
    assert (linked.post_id, linked.message_id) == (None, variant.message_id)
