"""The message library a page at a time, as a facilitator reading it sees it."""

from __future__ import annotations

from datetime import date, timedelta

from planner import accounts, campaigns, db, messages
from tests.pages.conftest import DEMO_PASSWORD, log_in, new_app, texts

ADDED = 30


def _add_messages() -> int:
    """Thirty messages "Paged 00" … "Paged 29" (the newest) in a campaign of their own; the team's total."""
    with db.session() as s:
        now = db.utcnow()
        token = accounts.log_in(s, username="facilitator", password=DEMO_PASSWORD, now=now)
        actor = accounts.resolve(s, token=token, now=now)
        plan = campaigns.create_campaign(
            s, actor=actor, now=now, name="Paging campaign", start_date=date(2027, 1, 1), template_id="shared-grief"
        )
        for number in range(ADDED):
            messages.create_message(
                s, actor=actor, now=now + timedelta(seconds=number), campaign_id=plan.id, title=f"Paged {number:02}"
            )
        return len(messages.list_messages(s, actor=actor, now=now))


def _titles(at) -> list[str]:
    """The titles of the messages listed, in order ("**title** · status"; the sidebar's bold team name is not one)."""
    return [m.value.split("**")[1] for m in at.markdown if m.value.startswith("**") and "** · " in m.value]


def test_the_library_shows_a_page_at_a_time_and_says_where_the_reader_is(app_db):
    total = _add_messages()
    assert 25 < total <= 50  # the demo's own messages end the second page
    at = log_in(new_app(), "facilitator")
    at.switch_page("screens/library.py").run()
    assert not at.exception
    assert f"Messages 1–25 of {total:,}" in texts(at)
    assert _titles(at) == [f"Paged {n:02}" for n in range(29, 4, -1)]
    assert at.button(key="library.previous").disabled and not at.button(key="library.next").disabled

    at.button(key="library.next").click().run()
    assert f"Messages 26–{total} of {total}" in texts(at)
    assert _titles(at)[:5] == ["Paged 04", "Paged 03", "Paged 02", "Paged 01", "Paged 00"]
    assert len(_titles(at)) == total - 25
    assert "Page 2 of 2" in texts(at)
    assert at.button(key="library.next").disabled and not at.button(key="library.previous").disabled

    at.button(key="library.previous").click().run()
    assert f"Messages 1–25 of {total:,}" in texts(at)


def test_changing_a_filter_goes_back_to_the_first_page(app_db):
    _add_messages()
    at = log_in(new_app(), "facilitator")
    at.switch_page("screens/library.py").run()
    at.text_input(key="library.query").input("Paged").run()
    at.button(key="library.next").click().run()
    assert "Messages 26–30 of 30" in texts(at)
    assert at.button(key="library.next").disabled

    at.selectbox(key="library.status").select("draft").run()  # the same thirty: only the page changes
    assert not at.exception
    assert "Messages 1–25 of 30" in texts(at)
    assert _titles(at)[0] == "Paged 29"

    at.text_input(key="library.query").input("Paged 1").run()
    assert "Messages 1–10 of 10" in texts(at)
    assert _titles(at) == [f"Paged {n}" for n in range(19, 9, -1)]
    assert not [b for b in at.button if b.key == "library.next"]  # one page needs no turning


def test_statuses_read_as_words_not_as_stored_values(app_db):
    at = log_in(new_app(), "facilitator")
    at.switch_page("screens/library.py").run()
    options = at.selectbox(key="library.status").options
    assert "in review" in options and "changes requested" in options and "on hold" in options
    shown = texts(at)
    assert "in review" in shown  # the demo has messages waiting for a facilitator
    assert not any(raw in shown for raw in ("in_review", "changes_requested", "on_hold"))
    at.selectbox(key="library.status").select("in review").run()
    assert not at.exception
    assert all(title.endswith("· in review") for title in (m.value for m in at.markdown if "** · " in m.value))
