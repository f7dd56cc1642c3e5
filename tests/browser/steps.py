"""What a person does on one screen, as steps the journeys share; each waits for what the person sees next.

Streamlit reruns asynchronously and its websocket never goes idle, so every step waits for visible text,
never for the network.
"""

from __future__ import annotations

import re
import uuid
from datetime import date

from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from planner.text import measure, platforms
from tests.browser.conftest import log_in

ACTIVE_CAMPAIGN = "Two drops, one trust"  # the demo's running polio campaign


def unique(prefix: str) -> str:
    """A name no other journey (or an earlier run against the same server) uses."""
    return f"{prefix} {uuid.uuid4().hex[:6]}"


def log_in_as(page: Page, url: str, username: str) -> None:
    """Log in and wait for Home."""
    log_in(page, url, username)
    expect(page.get_by_role("heading", name=re.compile(r"^Welcome, "))).to_be_visible()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You have logged out.")).to_be_visible()


def open_page(page: Page, link: str) -> None:
    """Follow a link in the sidebar; every page's title is its link's name."""
    page.get_by_role("link", name=link, exact=True).click()
    expect(page.get_by_role("heading", name=link, exact=True)).to_be_visible()


def settle(page: Page) -> None:
    """Wait until the script run a click started has finished (after the visible change it made)."""
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning")


def choose(page: Page, label: str, option: str, *, exact: bool = False) -> None:
    """Pick an option of a select box, and wait for the run it starts: it redraws what follows.

    A run that ends while the list is open closes it, so the list is opened again when its option went away.
    """
    for _ in range(3):
        settle(page)
        page.get_by_label(label, exact=True).click()
        try:
            page.get_by_role("option", name=option, exact=exact).click(timeout=5_000)
        except PlaywrightTimeout:
            continue
        expect(page.get_by_role("option")).to_have_count(0)
        settle(page)
        return
    raise AssertionError(f"could not choose {option!r} in {label!r}")


def pick_date(page: Page, label: str, day: date) -> None:
    """Pick a day in a date input's calendar, turning months forward until it shows."""
    field = page.get_by_test_id("stDateInput").filter(has=page.get_by_role("group", name=label, exact=True))
    field.get_by_role("button", name="Choose date").click()
    calendar = page.get_by_role("dialog", name="Choose date")
    # Days of the next and previous months show greyed out and cannot be picked there.
    wanted = calendar.locator(f'[role=button][aria-label="{day:%A, %B} {day.day}, {day.year}"]:not([aria-disabled])')
    for _ in range(12):
        if wanted.count():
            break
        calendar.get_by_role("button", name="Next month").click()
    wanted.click()
    expect(calendar).to_have_count(0)


def counter(text: str, platform: str) -> str:
    """The live counter's figures for a text, e.g. '57 / 280', as the studio shows them."""
    shown = measure(text, platforms().variant(platform).body)
    return f"{shown.count:,} / {shown.limit:,}"


# ---- the drafting studio -----------------------------------------------------------------------


def create_message(page: Page, title: str, core_idea: str, campaign: str = ACTIVE_CAMPAIGN) -> None:
    """In the Drafting studio: + New message, with the campaign's themes and no sources."""
    open_page(page, "Drafting studio")
    choose(page, "Campaign", campaign)
    choose(page, "Message", "+ New message", exact=True)
    expect(page.get_by_role("heading", name="New message")).to_be_visible()
    page.get_by_role("textbox", name="Working title").fill(title)
    page.get_by_role("textbox", name="Core idea").fill(core_idea)
    page.get_by_role("radiogroup", name="Narrative").get_by_text("Counter", exact=True).click()
    page.get_by_role("button", name="Create message").click()
    expect(page.get_by_role("heading", name="Variants")).to_be_visible()
    expect(page.get_by_text("Not yet submitted.")).to_be_visible()


def write_variant(page: Page, *, platform: str, platform_label: str, language: str, text: str) -> None:
    """Add a variant in the studio, type it, wait until the counter has it, and save it."""
    page.get_by_role("tab", name="Add a variant").click()
    choose(page, "Platform", platform_label, exact=True)
    choose(page, "Language", language)
    editor = page.get_by_role("textbox", name=f"{platform_label} · {language}")
    editor.fill(text)
    # The counter moves once the server has the text: only then is it safe to save.
    expect(page.get_by_text(counter(text, platform)).first).to_be_visible()
    page.get_by_role("button", name="Save variant").click()
    expect(page.get_by_role("tab", name=f"{platform_label} · {language.split(' · ')[0]}")).to_be_visible()


def submit_for_review(page: Page) -> None:
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Waiting for a facilitator.")).to_be_visible()


# ---- the review queue --------------------------------------------------------------------------


def open_in_review_queue(page: Page, title: str) -> None:
    open_page(page, "Review queue")
    page.get_by_role("radio", name=re.compile(re.escape(title))).check(force=True)
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
    settle(page)  # the message shown before is still on screen until the run ends


def acknowledge_every_warning(page: Page, note: str) -> int:
    """Write a note on each open warning; returns how many there were."""
    buttons = page.get_by_role("button", name="Acknowledge warning")
    expect(buttons.first).to_be_visible()
    total = buttons.count()
    for left in range(total, 0, -1):
        page.get_by_role("textbox", name="Why this is acceptable, or what you checked").first.fill(note)
        buttons.first.click()
        expect(buttons).to_have_count(left - 1)
    return total


def approve(page: Page, title: str) -> None:
    button = page.get_by_role("button", name="Approve", exact=True)
    expect(button).to_be_enabled()
    button.click()
    expect(page.get_by_role("radio", name=re.compile(re.escape(title)))).to_have_count(0)


# ---- the calendar ------------------------------------------------------------------------------


def schedule_tomorrow_at_six(page: Page, variant: str) -> None:
    """Schedule an approved variant at the form's defaults: tomorrow, 18:00 Pakistan time."""
    open_page(page, "Calendar")
    page.get_by_text("Schedule a post", exact=True).click()
    choose(page, "Approved variant", variant)
    expect(page.get_by_label("Time zone", exact=True)).to_be_visible()
    page.get_by_role("button", name="Schedule", exact=True).click()
    expect(page.get_by_text("18:00 PKT · 17:30 AFT (entered in Pakistan time")).to_be_visible()
