"""What a person does in a real browser."""

import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from planner.accounts import LOGIN_FAILED
from tests.browser import steps
from tests.browser.conftest import ARTIFACTS, log_in

pytestmark = pytest.mark.browser

MARKUP = "<img src=x onerror=alert(1)>"
# The same words for a wrong password and a locked account: a lock tells an attacker nothing.
REFUSED = LOGIN_FAILED.format(n=5, m=15)


def test_a_drafter_logs_in_and_sees_their_home_and_nothing_is_fetched_from_outside(server, page):
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).hostname or request.url))
    log_in(page, server, "drafter")
    expect(page.get_by_role("heading", name="Welcome, Kabul student Farid")).to_be_visible()
    expect(page.get_by_text("How a campaign is planned here")).to_be_visible()
    page.wait_for_timeout(1500)  # let late fonts and icons load, if any were requested
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home-drafter.png"), full_page=True)
    assert hosts <= {"127.0.0.1", "localhost"}, hosts


def test_an_admin_sees_the_team_page_and_a_drafter_does_not(server, page):
    log_in(page, server, "admin")
    page.get_by_role("link", name="Team members").click()
    expect(page.get_by_role("heading", name="Team members")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    log_in(page, server, "drafter")
    expect(page.get_by_role("heading", name="Welcome, Kabul student Farid")).to_be_visible()
    expect(page.get_by_role("link", name="Team members")).to_have_count(0)


def test_five_wrong_passwords_lock_an_account_and_then_the_right_one_is_refused_too(server, page):
    username = f"locked-{uuid.uuid4().hex[:6]}"  # a member of its own: the lock lasts 15 minutes
    steps.log_in_as(page, server, "admin")
    steps.open_page(page, "Team members")
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Display name").fill("Lock test")
    page.get_by_role("button", name="Add member").click()
    expect(page.get_by_text(f"One-time password for {username}")).to_be_visible()
    expect(page.get_by_role("textbox", name="Username")).to_have_value("")  # the form is ready for the next one
    password = page.get_by_test_id("stCode").locator("code").inner_text().strip()
    steps.log_out(page)

    log_in(page, server, username, password)  # the password is right: it opens the new member's account
    expect(page.get_by_role("heading", name="My account")).to_be_visible()
    steps.log_out(page)
    for _ in range(5):
        log_in(page, server, username, "wrong password!")
        expect(page.get_by_text(REFUSED)).to_be_visible()
    log_in(page, server, username, password)
    expect(page.get_by_text(REFUSED)).to_be_visible()
    expect(page.get_by_role("heading", name="My account")).to_have_count(0)


def test_the_counter_moves_while_a_drafter_types_in_dari(server, page):
    steps.log_in_as(page, server, "drafter")
    steps.open_page(page, "Drafting studio")
    expect(page.get_by_role("heading", name="Variants")).to_be_visible()
    page.get_by_role("tab", name="Add a variant").click()
    steps.choose(page, "Platform", "X (Twitter)", exact=True)
    steps.choose(page, "Language", "Dari · دری", exact=True)
    editor = page.get_by_role("textbox", name="X (Twitter) · Dari")
    editor.click()
    editor.press_sequentially("سلام کابل", delay=40)
    expect(page.get_by_text("9 / 280")).to_be_visible()
    editor.press_sequentially(" و لاهور", delay=40)
    expect(page.get_by_text("17 / 280")).to_be_visible()
    assert editor.get_attribute("dir") == "rtl"


def test_markup_in_a_title_a_variant_and_a_comment_shows_as_text_and_runs_nothing(server, page):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    title = steps.unique(f"{MARKUP} Two cities")
    body = f"{MARKUP} Kabul and Lahore grieved on the same day."
    comment = f"{MARKUP} Please check the date."
    steps.log_in_as(page, server, "drafter")
    steps.create_message(page, title, "Grief is shared across the border.")
    steps.write_variant(page, platform="facebook", platform_label="Facebook", language="English", text=body)
    page.get_by_role("tab", name="Facebook · English").click()
    expect(page.get_by_test_id("stHtml").get_by_text(body)).to_be_visible()  # the preview
    page.get_by_text("Review: discussion and history").click()
    box = page.get_by_role("textbox", name="Add a comment")
    box.fill(comment)
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_test_id("stChatMessage").get_by_text(comment)).to_be_visible()
    expect(box).to_have_value("")  # posted, so not offered for posting twice
    steps.submit_for_review(page)
    steps.open_page(page, "Message library")
    expect(page.get_by_text(title).first).to_be_visible()
    steps.log_out(page)

    steps.log_in_as(page, server, "facilitator")
    steps.open_in_review_queue(page, title)
    expect(page.get_by_test_id("stHtml").get_by_text(body)).to_be_visible()  # the draft, screened and highlighted
    expect(page.get_by_test_id("stChatMessage").get_by_text(comment)).to_be_visible()
    page.wait_for_timeout(500)  # an onerror handler would have fired by now
    assert dialogs == []
    assert all(frame.locator("img[src='x']").count() == 0 for frame in page.frames)


def test_a_drafter_opens_a_message_that_came_back_from_review(server, page):
    steps.log_in_as(page, server, "drafter")
    steps.open_page(page, "Back from review")
    # Other journeys' messages come back here too: open the one the facilitator asked to change.
    opening = page.get_by_role("button", name="Open")
    answered = (
        page.get_by_test_id("stVerticalBlock").filter(has_text="The 70% figure has no source").filter(has=opening)
    )
    answered.last.get_by_role("button", name="Open").click()
    expect(page.get_by_role("heading", name="Drafting studio")).to_be_visible()
    expect(page.get_by_text("A facilitator asked for changes")).to_be_visible()


def test_a_coordinator_imports_an_x_export_and_a_second_time_changes_nothing(server, page):
    export = Path(__file__).resolve().parent.parent / "fixtures" / "reach" / "x-current.csv"
    log_in(page, server, "drafter")
    page.get_by_role("link", name="Import reach").click()
    page.locator("input[type=file]").set_input_files(str(export))
    expect(page.get_by_text("X (current export)").or_(page.get_by_text("rows")).first).to_be_visible()
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("2 new, 0 updated, 0 unchanged.")).to_be_visible()
    steps.settle(page)
    page.locator("input[type=file]").set_input_files(str(export))  # the uploader emptied: drop it again
    expect(page.get_by_text("importing it again changes nothing")).to_be_visible()
    expect(page.get_by_role("button", name="Import", exact=True)).to_have_count(0)


COUNT_RUNS = """() => {
  window.plannerRuns = 0;
  const app = document.querySelector('[data-testid="stApp"]');
  new MutationObserver(() => {
    if (app.getAttribute("data-test-script-state") === "running") window.plannerRuns += 1;
  }).observe(app, { attributes: true, attributeFilter: ["data-test-script-state"] });
}"""


def test_the_studio_runs_once_when_opened_and_an_added_hashtag_is_in_the_text(server, page):
    """Its editors used to report their text back as soon as they appeared: a second run that closed any list
    opened meanwhile. Text put in by the app (a hashtag, a template) must still reach the server."""
    title = steps.unique("Hashtag test")
    steps.log_in_as(page, server, "drafter")
    steps.create_message(page, title, "Polio drops protect children on both sides of Torkham.")
    steps.write_variant(page, platform="x", platform_label="X (Twitter)", language="English", text="Drops save lives.")
    steps.open_page(page, "Message library")
    steps.settle(page)
    page.evaluate(COUNT_RUNS)
    steps.open_page(page, "Drafting studio")
    editor = page.get_by_role("textbox", name="X (Twitter) · English")
    expect(editor).to_have_value("Drops save lives.")
    steps.settle(page)
    page.wait_for_timeout(1500)  # a report from the editor would start its run well within this
    assert page.evaluate("window.plannerRuns") == 1

    steps.choose(page, "Add a suggested hashtag", "#EndPolio", exact=True)
    page.get_by_role("button", name="Add hashtag").click()
    expect(editor).to_have_value("Drops save lives. #EndPolio")
    expect(page.get_by_text("Hashtags in the text: #EndPolio")).to_be_visible()  # the server has the new text
    editor.press_sequentially(" Now.", delay=30)
    expect(page.get_by_text(steps.counter("Drops save lives. #EndPolio Now.", "x")).first).to_be_visible()


def test_pashto_text_is_drawn_in_the_font_this_server_brings(server, page):
    steps.log_in_as(page, server, "drafter")
    steps.open_page(page, "Drafting studio")
    steps.choose(page, "Campaign", "Remembering 24 July: Kabul and Lahore")
    steps.choose(page, "Message", "Verses for both cities")
    preview = page.get_by_test_id("stHtml").get_by_text("د خواخوږۍ شعرونه", exact=False)
    expect(preview.first).to_be_visible()  # ۍ: a letter many fonts lack
    loaded = page.evaluate(
        """async () => {
            await document.fonts.ready;
            const ours = [...document.fonts].filter(f => f.family.replaceAll('"', '') === "planner-arabic");
            return ours.map(f => f.status);
        }"""
    )
    assert loaded == ["loaded"]
    assert page.evaluate("document.fonts.check('16px planner-arabic', 'ۍ')")
