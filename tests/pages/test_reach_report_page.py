"""The donor report on the Reach page, through the real app: prepared on request, for the chosen campaign and period."""

import re
from datetime import timedelta

import pytest
from sqlmodel import select
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from planner import db, report
from planner.models import Campaign
from tests.pages.conftest import log_in, new_app, texts


@pytest.fixture
def downloads(monkeypatch):
    """Every file a page hands to a download button in this test, by the address the button points at."""
    files: dict[str, tuple[str | None, bytes]] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def load(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        files[self.get_url(file_id)] = (filename, path_or_data)
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", load)
    return files


def completed_campaign() -> Campaign:
    with db.session(readonly=True) as s:
        return s.exec(select(Campaign).where(Campaign.name == "Check before you share")).one()


def open_reach(username: str = "viewer"):
    at = log_in(new_app(), username)
    at.session_state["reach.section"] = "Donor report"
    at.switch_page("screens/reach.py").run()
    assert not at.exception
    return at


def prepare(at, campaign_id: int, *, links: bool = False):
    at.selectbox(key="reach.campaign").set_value(campaign_id).run()
    if links:
        at.checkbox(key="reach.report.links").check().run()
    assert not report_buttons(at)  # nothing is built until asked
    at.button(key="reach.report.prepare").click().run()
    assert not at.exception


def report_buttons(at) -> list:
    return [b for b in at.get("download_button") if b.proto.id.endswith("reach.report.download")]


def offered_report(at, files) -> tuple[str, str]:
    [button] = report_buttons(at)
    name, data = files[button.proto.url]
    return name, data.decode("utf-8")


def test_the_report_waits_for_a_campaign_to_be_chosen(app_db):
    at = open_reach()
    assert "Choose a campaign above to prepare its donor report" in texts(at)
    assert not [b for b in at.button if b.key == "reach.report.prepare"]


def test_a_viewer_downloads_the_donor_report_of_the_chosen_campaign(app_db, downloads):
    campaign = completed_campaign()
    at = open_reach()
    prepare(at, campaign.id)
    name, html = offered_report(at, downloads)
    assert re.fullmatch(rf"demo-donor-report-campaign-{campaign.id}-\d{{8}}-\d{{4}}\.html", name)
    page = html.replace(report.plotly_library(), "")
    assert "Check before you share" in page and "Pak-Afghan Youth Dialogue" in page
    assert "from the start to" in page
    assert "https://cdn" not in html and not re.search(r"https?://", page)
    assert "Donor liaison Ayesha" not in page  # the viewer who prepared it is not named


def test_the_report_follows_the_chosen_period_and_can_link_the_posts(app_db, downloads):
    campaign = completed_campaign()
    first, last = campaign.start_date, campaign.start_date + timedelta(days=13)
    at = open_reach()
    at.date_input(key="reach.period").set_value((first, last)).run()
    prepare(at, campaign.id, links=True)
    _, html = offered_report(at, downloads)
    page = html.replace(report.plotly_library(), "")
    assert f"{first.day} {first:%b %Y} to {last.day} {last:%b %Y}" in page
    assert "View the post" in page and re.search(r'href="https://', page)
