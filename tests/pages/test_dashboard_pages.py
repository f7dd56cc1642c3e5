"""The Reach dashboard in the real app: the demo's history, filters, an import showing up, the overview's KPIs."""

from datetime import timedelta

from sqlmodel import select

from planner import db
from planner.models import Campaign, Post, PostStatus, Variant
from tests.pages.conftest import log_in, new_app, texts


def people_reached(at) -> int:
    metric = next(m for m in at.metric if m.label == "People reached")
    return int(metric.value.replace(",", ""))


def open_reach(username: str = "viewer"):
    at = log_in(new_app(), username)
    at.switch_page("pages/reach.py").run()
    assert not at.exception
    return at


def test_a_viewer_sees_the_demo_reach_by_tier_with_tables_and_downloads(app_db):
    at = open_reach()
    assert people_reached(at) > 10_000
    shown = texts(at)
    assert "Awareness" in shown and "Engagement" in shown and "Impact" in shown
    assert "Best so far in Pakistan time" in shown and "Afghanistan time" in shown
    headings = {m.value for m in at.markdown}
    for title in ("By theme", "By language", "By audience", "Top posts", "Progress against each campaign's targets"):
        assert f"#### {title}" in headings
    assert len(at.get("download_button")) >= 10
    assert len(at.get("plotly_chart")) >= 8


def test_choosing_a_campaign_and_a_platform_narrows_the_figures(app_db):
    at = open_reach()
    everything = people_reached(at)
    with db.session() as s:
        polio = s.exec(select(Campaign.id).where(Campaign.template_id == "polio-trust")).one()
    at.session_state["reach.campaign"] = polio
    at.run()
    campaign_only = people_reached(at)
    assert 0 < campaign_only < everything
    at.multiselect(key="reach.platforms").select("facebook").run()
    assert 0 < people_reached(at) < campaign_only


def test_an_imported_export_shows_on_the_dashboard_and_in_the_campaign_kpis(app_db):
    with db.session() as s:
        post, campaign_id = s.exec(
            select(Post, Post.campaign_id)
            .join(Variant, Variant.id == Post.variant_id)
            .where(Variant.platform == "facebook", Post.status == PostStatus.PUBLISHED)
            .order_by(Post.published_at.desc())
        ).first()
    today = db.utcnow().date()
    export = (
        "\ufeffPost ID,Page ID,Publish time,Permalink,Date,Reach,Reactions,Comments,Shares\n"
        f"{post.platform_post_id},104857600123456,{post.published_at:%m/%d/%Y %H:%M},{post.permalink},"
        f'{today:%m/%d/%Y},"50,000",900,80,20\n'
    ).encode()
    at = open_reach("admin")
    before = people_reached(at)
    at.switch_page("pages/reach_import.py").run()
    at.file_uploader(key="reach.file").upload("facebook-posts.csv", export, "text/csv").run()
    assert not at.exception and "1 row(s)" in texts(at)
    at.button(key="reach.confirm").click().run()
    assert not at.exception
    at.switch_page("pages/reach.py").run()
    assert people_reached(at) == before + 50_000

    at.session_state["campaign.current"] = campaign_id
    at.switch_page("pages/campaign.py").run()
    assert not at.exception
    kpis = next(df for df in at.dataframe if "So far" in df.value.columns)
    reach_row = kpis.value[kpis.value["KPI"] == "Reach (unique people)"].iloc[0]
    assert reach_row["So far"] >= 50_000 and 0 < reach_row["Progress"] <= 1


def test_the_campaign_overview_lists_the_coming_posts_in_both_local_times(app_db):
    at = log_in(new_app(), "viewer")
    with db.session() as s:
        polio = s.exec(select(Campaign.id).where(Campaign.template_id == "polio-trust")).one()
    at.session_state["campaign.current"] = polio
    at.switch_page("pages/campaign.py").run()
    upcoming = next(df for df in at.dataframe if "When" in df.value.columns)
    assert len(upcoming.value) > 0
    assert all("PKT" in when and "AFT" in when for when in upcoming.value["When"])
    assert (db.utcnow() + timedelta(days=15)).strftime("%d %b") not in " ".join(upcoming.value["When"])
