"""What a person does in a real browser."""

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
