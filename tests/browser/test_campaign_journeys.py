"""A message's way from the drafting studio through review to the calendar and back as reach, in a real browser.

Each journey makes what it needs under a unique name, so they run in any order on the shared server. The
steps other people took before a journey starts are arranged through the services (tests/browser/arrange.py).
"""

import csv
import io
import re
import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from planner.db import utcnow
from planner.timing import local
from tests.browser import arrange, steps

pytestmark = pytest.mark.browser


def test_a_drafter_writes_an_urdu_x_and_an_english_facebook_variant_and_submits_them(server, page):
    title = steps.unique("Drops are safe")
    steps.log_in_as(page, server, "drafter")
    steps.create_message(page, title, "Parents trust the drops when a neighbour explains them.")
    steps.write_variant(page, platform="x", platform_label="X (Twitter)", language="Urdu · اردو", text=arrange.URDU_X)
    steps.write_variant(
        page, platform="facebook", platform_label="Facebook", language="English", text=arrange.ENGLISH_FACEBOOK
    )
    page.get_by_role("tab", name="X (Twitter) · Urdu").click()
    saved = page.get_by_role("textbox", name="X (Twitter) · Urdu · اردو")
    expect(saved).to_have_value(arrange.URDU_X)
    expect(saved).to_have_attribute("dir", "rtl")
    steps.submit_for_review(page)
    expect(page.get_by_text(re.compile(r"^in review · by Kabul student Farid"))).to_be_visible()

    steps.log_out(page)
    steps.log_in_as(page, server, "facilitator")
    steps.open_page(page, "Review queue")
    expect(page.get_by_role("radio", name=re.compile(re.escape(title)))).to_have_count(1)


def test_a_facilitator_sees_the_screening_findings_notes_each_warning_and_approves(server, page, server_database):
    title = steps.unique("Drops are safe")
    message_id = arrange.submitted_message(server_database, title)
    steps.log_in_as(page, server, "facilitator")
    steps.open_in_review_queue(page, title)

    expect(page.get_by_text("WARNING · Percentage without a source")).to_have_count(2)
    expect(page.get_by_text("matched “95%”")).to_be_visible()
    expect(page.get_by_text("matched “95 فیصد”")).to_be_visible()
    expect(page.locator("mark")).to_have_count(2)  # the matched passages, highlighted in the drafts
    expect(page.get_by_text("2 warnings still need your note.")).to_be_visible()
    expect(page.get_by_role("button", name="Approve", exact=True)).to_be_disabled()

    assert steps.acknowledge_every_warning(page, "Checked: the provincial EOC round report says 95%.") == 2
    expect(page.get_by_text("acknowledged by Facilitator Tahir")).to_have_count(2)
    steps.approve(page, title)
    assert arrange.message_status(server_database, message_id) == "approved"


def test_an_approved_variant_is_scheduled_and_shows_on_the_calendar_in_both_local_times(server, page, server_database):
    title = steps.unique("Drops are safe")
    arrange.approved_message(server_database, title)
    steps.log_in_as(page, server, "drafter")
    steps.schedule_tomorrow_at_six(page, f"{title} · X (Twitter) · Urdu")
    when = page.get_by_text("18:00 PKT · 17:30 AFT (entered in Pakistan time")
    panel = page.get_by_test_id("stVerticalBlock").filter(has=when).last
    expect(panel.get_by_text(title)).to_be_visible()
    expect(panel.get_by_text("scheduled", exact=True)).to_be_visible()

    tomorrow = local(utcnow(), "Asia/Karachi").date() + timedelta(days=1)
    page.get_by_role("radio", name="Week", exact=True).click()
    steps.pick_date(page, "Go to", tomorrow)
    monday = tomorrow - timedelta(days=tomorrow.weekday())
    expect(page.get_by_role("heading", name=f"Week of {monday:%d %b %Y}")).to_be_visible()
    chip = page.get_by_role("button", name=re.compile(rf"18:00 X·ur {re.escape(title[:24])}"))
    expect(chip).to_be_visible()
    post = page.get_by_test_id("stVerticalBlock").filter(has=chip).last
    expect(post.get_by_text("17:30 AFT · @PakAfghanYouth")).to_be_visible()


def _figure(page: Page, label: str) -> int:
    """A headline figure of the Reach dashboard, once it shows."""
    value = page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")
    expect(value).to_have_text(re.compile(r"^[\d,]+$"))
    return int(value.inner_text().replace(",", ""))


def _meta_facebook_export(post_id: str, permalink: str, text: str, *, reach: int, engaged: int) -> bytes:
    """A Meta Business Suite "Facebook posts" export of one post's lifetime figures, as Meta writes it."""
    rows = [
        {
            "Post ID": post_id,
            "Page ID": post_id.split("_")[0],
            "Page name": "Pak-Afghan Youth Dialogue",
            "Title": text,
            "Description": "",
            "Publish time": f"{utcnow():%m/%d/%Y %H:%M}",
            "Permalink": permalink,
            "Post type": "Photos",
            "Date": "Lifetime",
            "Views": f"{reach * 2:,}",
            "Reach": f"{reach:,}",
            "Reactions, Comments and Shares": engaged,
            "Reactions": engaged - 20,
            "Comments": 12,
            "Shares": 8,
        }
    ]
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def test_an_imported_facebook_export_adds_its_reach_to_the_dashboard(server, page, server_database, tmp_path):
    title = steps.unique("Drops are safe")
    post_id = f"104857600123456_{uuid.uuid4().int % 10**15:015d}"
    permalink = f"https://facebook.example.org/pakafghanyouth/{post_id}"
    message_id = arrange.approved_message(server_database, title)
    arrange.published_post(server_database, message_id, "facebook", post_id=post_id, permalink=permalink)
    export = tmp_path / "Facebook posts.csv"
    export.write_bytes(_meta_facebook_export(post_id, permalink, arrange.ENGLISH_FACEBOOK, reach=4321, engaged=210))

    steps.log_in_as(page, server, "drafter")
    steps.open_page(page, "Reach")
    reached, engaged = _figure(page, "People reached"), _figure(page, "Engagements")

    steps.open_page(page, "Import reach")
    page.locator("input[type=file]").set_input_files(str(export))
    expect(page.get_by_text("Meta Business Suite, Facebook posts: 1 row.")).to_be_visible()
    counts = page.get_by_test_id("stMetric")
    expect(counts.filter(has_text="New").get_by_test_id("stMetricValue")).to_have_text("1")
    expect(counts.filter(has_text="Not matched to a post").get_by_test_id("stMetricValue")).to_have_text("0")
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_text("1 new, 0 updated, 0 unchanged.")).to_be_visible()

    steps.open_page(page, "Reach")
    people = page.get_by_test_id("stMetric").filter(has_text="People reached").get_by_test_id("stMetricValue")
    expect(people).to_have_text(f"{reached + 4321:,}")
    assert _figure(page, "Engagements") == engaged + 210
