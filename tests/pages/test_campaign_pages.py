"""Planning a campaign in the app: from a template, step by step, to activation."""

from datetime import date

import pytest
from sqlmodel import select

from planner import accounts, campaigns, db
from planner.models import Campaign, CampaignStatus, Messenger
from tests.pages.conftest import DEMO_PASSWORD, log_in, new_app, texts


def _create_from_template(at, template_id: str, name: str):
    at.switch_page("screens/campaigns.py").run()
    chooser = at.selectbox(key="campaigns.new.template")
    (chooser.select(template_id) if template_id else chooser.select_index(0)).run()
    at.text_input(key="campaigns.new.name").input(name)
    at.button(key="FormSubmitter:campaigns.new-Create campaign").click().run()
    assert not at.exception
    if at.title[0].value == "Plan editor":
        # The app switched pages itself; AppTest does not remember that, so follow it explicitly.
        at.switch_page("screens/plan.py").run()
    return at


def _stored(name: str) -> Campaign:
    with db.session(readonly=True) as s:
        return s.exec(select(Campaign).where(Campaign.name == name)).one()


def _step(at, campaign_id: int, step: str):
    at.segmented_control(key=f"plan.{campaign_id}.step").set_value(step).run()
    assert not at.exception
    return at


def test_a_group_leader_creates_from_a_template_fills_a_step_and_activates(app_db):
    at = _create_from_template(log_in(new_app(), "drafter"), "border-trade", "Torkham voices 2027")
    assert at.title[0].value == "Plan editor"
    campaign = _stored("Torkham voices 2027")
    assert "The plan is complete." in texts(at)

    _step(at, campaign.id, "Messenger")
    prefix = f"plan.{campaign.id}.messenger.new"
    at.text_input(key=f"{prefix}.name").input("Woman trader from Landi Kotal")
    at.selectbox(key=f"{prefix}.type").select("trader")
    at.selectbox(key=f"{prefix}.risk").select("medium")
    at.text_area(key=f"{prefix}.credibility").input("She has crossed Torkham every week for ten years.")
    at.button(key=f"FormSubmitter:{prefix}.form-Add messenger").click().run()
    assert not at.exception
    assert "Woman trader from Landi Kotal' is at medium risk: write a safety plan" in texts(at)
    assert at.button(key="plan.activate").disabled

    with db.session(readonly=True) as s:
        added = s.exec(select(Messenger).where(Messenger.name == "Woman trader from Landi Kotal")).one()
    slot = f"plan.{campaign.id}.messenger.{added.id}"
    at.text_area(key=f"{slot}.safety").input("First name only; no face or shop sign; focal point Samina; pause rule.")
    at.button(key=f"FormSubmitter:{slot}.form-Save messenger").click().run()
    assert "The plan is complete." in texts(at)

    at.button(key="plan.activate").click().run()
    assert not at.exception
    assert _stored("Torkham voices 2027").status == CampaignStatus.ACTIVE


def test_a_blank_plan_lists_what_is_missing_and_a_saved_goal_leaves_the_list(app_db):
    at = _create_from_template(log_in(new_app(), "facilitator"), None, "Cricket diplomacy")
    campaign = _stored("Cricket diplomacy")
    assert "Write the goal" in texts(at)
    _step(at, campaign.id, "Goal")
    at.text_area(key=f"plan.{campaign.id}.goal.statement").input("Fans on both sides cheer for each other's players.")
    at.button(key=f"FormSubmitter:plan.{campaign.id}.goal.form-Save goal").click().run()
    assert not at.exception
    assert "Write the goal" not in texts(at)
    assert _stored("Cricket diplomacy").goal_statement == "Fans on both sides cheer for each other's players."


def test_a_refused_save_keeps_what_was_typed_and_says_why(app_db):
    at = _create_from_template(log_in(new_app(), "drafter"), None, "Polio rumours")
    campaign = _stored("Polio rumours")
    _step(at, campaign.id, "Goal")
    prefix = f"plan.{campaign.id}.goal.new"
    at.text_input(key=f"{prefix}.description").input("Answer the infertility rumour")
    at.selectbox(key=f"{prefix}.metric").select("reach")
    at.button(key=f"FormSubmitter:{prefix}.form-Add objective").click().run()  # no target
    assert "Target" in texts(at) and "nothing was saved" in texts(at)
    assert at.text_input(key=f"{prefix}.description").value == "Answer the infertility rumour"


def test_a_duplicate_campaign_name_is_refused_on_the_list_page(app_db):
    at = _create_from_template(log_in(new_app(), "drafter"), None, "Check before you share")
    assert "already has a campaign with this name" in texts(at)
    assert at.text_input(key="campaigns.new.name").value == "Check before you share"


def test_the_campaign_list_filters_by_theme(app_db):
    at = log_in(new_app(), "viewer")
    at.switch_page("screens/campaigns.py").run()
    at.selectbox(key="campaigns.filter.theme").select("polio-eradication").run()
    shown = texts(at)
    assert "Two drops, one trust" in shown and "Check before you share" not in shown


def test_the_overview_shows_the_plan_and_kpis_of_the_chosen_campaign(app_db):
    at = log_in(new_app(), "viewer")
    polio = _stored("دو قطرے، ایک اعتماد — Two drops, one trust")
    # AppTest cannot select an option whose value differs from its label; set the widget's state instead.
    at.session_state["campaign.picker"] = polio.id
    at.switch_page("screens/campaign.py").run()
    assert "Two drops" in at.subheader[0].value
    assert not at.exception
    shown = texts(at)
    assert "KPIs and progress" in shown and "Goal" in shown
    assert not [b for b in at.button if b.key and b.key.startswith("overview.status")]  # viewers cannot change it


@pytest.mark.parametrize("page", ["screens/campaign.py", "screens/results.py"])
def test_with_no_campaign_chosen_yet_the_pages_open_on_the_one_running_now(app_db, page):
    """Newest start first put next July's campaign (still being planned) first: not where results go."""
    at = log_in(new_app(), "facilitator")
    at.switch_page(page).run()
    assert not at.exception
    with db.session(readonly=True) as s:
        shown = s.get(Campaign, at.selectbox(key="campaign.picker").value)
        newest = s.exec(select(Campaign).order_by(Campaign.start_date.desc())).first()
    assert shown.status == CampaignStatus.ACTIVE
    assert newest.status == CampaignStatus.PLANNING  # the demo still has a newer campaign in planning


def test_the_campaign_list_shows_twenty_at_a_time_and_says_where_the_reader_is(app_db):
    with db.session() as s:
        now = db.utcnow()
        actor = accounts.resolve(
            s, token=accounts.log_in(s, username="admin", password=DEMO_PASSWORD, now=now), now=now
        )
        for number in range(25):
            campaigns.create_campaign(
                s,
                actor=actor,
                now=now,
                name=f"Listed {number:02}",
                start_date=date(2027, 1, 1),
                end_date=date(2027, 3, 1),
            )
        total = len(campaigns.list_campaigns(s, actor=actor, now=now))
    at = log_in(new_app(), "admin")
    at.switch_page("screens/campaigns.py").run()
    assert not at.exception
    assert f"Campaigns 1–20 of {total}" in texts(at)
    assert len([b for b in at.button if b.key and b.key.startswith("campaigns.open.")]) == 20
    at.button(key="campaigns.next").click().run()
    assert f"Campaigns 21–{min(40, total)} of {total}" in texts(at)
    assert at.button(key="campaigns.previous").disabled is False
