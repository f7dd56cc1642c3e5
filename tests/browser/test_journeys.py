"""What a person does in a real browser."""

from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, log_in


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


def test_repeated_wrong_passwords_lock_the_account(server, page):
    for _ in range(5):
        log_in(page, server, "viewer", "wrong password!")
        expect(page.get_by_text("Log-in failed")).to_be_visible()
    log_in(page, server, "viewer")
    expect(page.get_by_text("Log-in failed")).to_be_visible()


def test_the_counter_moves_while_a_drafter_types_in_dari(server, page):
    log_in(page, server, "drafter")
    page.get_by_role("link", name="Drafting studio").click()
    expect(page.get_by_role("heading", name="Variants")).to_be_visible()
    page.get_by_role("tab", name="Add a variant").click()
    page.get_by_label("Platform").click()
    page.get_by_role("option", name="X").first.click()
    page.get_by_label("Language").click()
    page.get_by_role("option", name="Dari").click()
    editor = page.get_by_role("textbox", name="X (Twitter) · Dari")
    editor.click()
    editor.press_sequentially("سلام کابل", delay=40)
    expect(page.get_by_text("9 / 280")).to_be_visible()
    editor.press_sequentially(" و لاهور", delay=40)
    expect(page.get_by_text("17 / 280")).to_be_visible()
    assert editor.get_attribute("dir") == "rtl"


def test_markup_typed_into_a_field_shows_as_text_and_runs_nothing(server, page):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, server, "drafter")
    page.get_by_role("link", name="Drafting studio").click()
    expect(page.get_by_role("heading", name="Variants")).to_be_visible()
    page.get_by_text("The message: idea, themes").click()
    title = page.get_by_role("textbox", name="Working title")
    title.fill("<img src=x onerror=alert(1)> Two cities")
    page.get_by_role("button", name="Save message").click()
    expect(page.get_by_text("Saved").or_(page.get_by_text("changed")).first).to_be_visible()
    page.wait_for_timeout(1500)
    page.get_by_role("link", name="Message library").click()
    expect(page.get_by_text("<img src=x onerror=alert(1)> Two cities").first).to_be_visible()
    page.wait_for_timeout(500)
    assert dialogs == []
    assert page.locator("img[src='x']").count() == 0


def test_a_drafter_opens_a_message_that_came_back_from_review(server, page):
    log_in(page, server, "drafter")
    page.get_by_role("link", name="Back from review").click()
    expect(page.get_by_text("The 70% figure has no source")).to_be_visible()
    page.get_by_role("button", name="Open").first.click()
    expect(page.get_by_role("heading", name="Drafting studio")).to_be_visible()
    expect(page.get_by_text("A facilitator asked for changes")).to_be_visible()


def test_a_coordinator_imports_an_x_export_and_a_second_time_changes_nothing(server, page):
    export = Path(__file__).resolve().parent.parent / "fixtures" / "reach" / "x-current.csv"
    log_in(page, server, "drafter")
    page.get_by_role("link", name="Import reach").click()
    page.locator("input[type=file]").set_input_files(str(export))
    expect(page.get_by_text("X (current export)").or_(page.get_by_text("rows")).first).to_be_visible()
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("importing it again changes nothing")).to_be_visible()
