"""The Reach dashboard in the real app: the demo's history in sections, filters, an import showing up, the KPIs."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlmodel import select
from streamlit.runtime.media_file_manager import MediaFileManager

from planner import db
from planner.models import Campaign, Post, PostStatus, Variant
from tests.pages.conftest import log_in, new_app, texts


def people_reached(at) -> int:
    metric = next(m for m in at.metric if m.label == "People reached")
    return int(metric.value.replace(",", ""))


OVERVIEW = "Overview: tiers, weeks, targets"
WHO = "Who was reached: theme, language, audience, platform"
WHAT = "What worked: engagement, top posts, best times"


def open_reach(username: str = "viewer", section: str | None = None):
    at = log_in(new_app(), username)
    if section:
        at.session_state["reach.section"] = section
    at.switch_page("screens/reach.py").run()
    assert not at.exception
    return at


@pytest.fixture
def on_click(monkeypatch) -> dict[str, Callable[[], bytes]]:
    """What each download button in this test would run on a click (its file is made then), by file name."""
    made: dict[str, Callable[[], bytes]] = {}
    original = MediaFileManager.add_deferred

    def add(self, data, mimetype, coordinates, file_name=None, **kwargs):
        made[file_name] = data
        return original(self, data, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", add)
    return made


def headings(at) -> set[str]:
    return {m.value.removeprefix("#### ") for m in at.markdown if m.value.startswith("#### ")}


def test_the_overview_shows_the_tiers_the_best_times_and_progress_against_the_targets(app_db):
    at = open_reach()
    assert [tab.label for tab in at.tabs if tab.label not in ("Chart", "Table")] == [
        OVERVIEW,
        WHO,
        WHAT,
        "Donor report",
    ]
    assert people_reached(at) > 10_000
    shown = texts(at)
    assert "Awareness" in shown and "Engagement" in shown and "Impact" in shown
    assert "Best so far in Pakistan time" in shown and "Afghanistan time" in shown
    assert headings(at) == {"Reach and engagement by week", "Progress against each campaign's targets"}
    assert len(at.get("plotly_chart")) == 2  # the other sections' charts are not drawn
    assert "Where these numbers come from" in {e.label for e in at.expander}


def test_who_was_reached_shows_the_theme_language_audience_and_platform_charts(app_db):
    at = open_reach(section=WHO)
    assert headings(at) == {"By theme", "By language", "By audience", "By platform"}
    assert len(at.get("plotly_chart")) == 4
    assert not [m for m in at.metric if m.label == "People reached"]  # the tiers stay in the overview
    assert "Where these numbers come from" in {e.label for e in at.expander}


def test_what_worked_shows_the_top_posts_and_the_best_times_to_post(app_db):
    at = open_reach(section=WHAT)
    assert headings(at) >= {
        "Engagement rate by platform",
        "Top posts",
        "When posts reached most people (Pakistan time)",
        "When posts reached most people (Afghanistan time)",
    }
    top = next(df for df in at.dataframe if "Engagement rate" in df.value.columns)
    assert 0 < len(top.value) <= 10


def test_each_chart_shows_its_table_on_request_and_offers_its_figures_as_csv(app_db, on_click):
    at = open_reach(section=WHO)
    assert not [df for df in at.dataframe if "Language" in df.value.columns]
    at.session_state["reach.view.by-language"] = "Table"
    at.run()
    languages = next(df for df in at.dataframe if "Language" in df.value.columns)
    assert "People reached" in languages.value.columns and len(languages.value) > 0
    assert len(at.get("plotly_chart")) == 3  # the language chart gave way to its table
    for key in ("by-theme", "by-language", "by-audience", "by-platform"):
        assert [b for b in at.get("download_button") if b.proto.id.endswith(f"reach.csv.{key}")]
    [made] = [make for name, make in on_click.items() if name.startswith("demo-reach-by-language")]
    csv = made().decode("utf-8-sig")
    assert csv.splitlines()[0].startswith('"Language","People reached"')
    assert len(csv.splitlines()) == len(languages.value) + 1


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
    at.switch_page("screens/reach_import.py").run()
    at.file_uploader(key="reach.file.0").upload("facebook-posts.csv", export, "text/csv").run()
    assert not at.exception and "1 row." in texts(at)
    at.button(key="reach.confirm").click().run()
    assert not at.exception
    at.switch_page("screens/reach.py").run()
    assert people_reached(at) == before + 50_000

    at.session_state["campaign.current"] = campaign_id
    at.switch_page("screens/campaign.py").run()
    assert not at.exception
    kpis = next(df for df in at.dataframe if "So far" in df.value.columns)
    reach_row = kpis.value[kpis.value["KPI"] == "Reach (unique people)"].iloc[0]
    assert reach_row["So far"] >= 50_000 and 0 < reach_row["Progress"] <= 1


def test_the_campaign_overview_lists_the_coming_posts_in_both_local_times(app_db):
    at = log_in(new_app(), "viewer")
    with db.session() as s:
        polio = s.exec(select(Campaign.id).where(Campaign.template_id == "polio-trust")).one()
    at.session_state["campaign.current"] = polio
    at.switch_page("screens/campaign.py").run()
    upcoming = next(df for df in at.dataframe if "When" in df.value.columns)
    assert len(upcoming.value) > 0
    assert all("PKT" in when and "AFT" in when for when in upcoming.value["When"])
    assert (db.utcnow() + timedelta(days=15)).strftime("%d %b") not in " ".join(upcoming.value["When"])
