"""Plan editor: the campaign's GAMMMA+ plan step by step, what is still missing, and activation."""

import streamlit as st

from planner import campaigns
from planner.models import CampaignStatus
from planner.plans import Step, gaps
from ui import labels, plan_steps
from ui.calls import call
from ui.campaign_picker import pick_plan
from ui.text import plain

st.title("Plan editor")
plan = plan_steps.opened_version(pick_plan())
missing = gaps(plan)
missing_by_step = {step: [gap for gap in missing if gap.step == step] for step in Step}

if not plan.editable:
    st.info("This campaign is archived: its plan can be read but no longer changed.", icon=":material/inventory_2:")
done = sum(not items for items in missing_by_step.values())
summary = f"**{plain(plan.name)}** · {labels.status(plan.status)} · {done} of {len(Step)} steps complete"
st.progress(done / len(Step), text=summary)

step = (
    st.segmented_control(
        "Step",
        list(Step),
        format_func=lambda s: f"{'✓' if not missing_by_step[s] else '○'} {s}",
        default=Step.BASICS,
        key=f"plan.{plan.id}.step",
        label_visibility="collapsed",
    )
    or Step.BASICS
)

editor, side = st.columns([3, 1.3])
with editor:
    st.subheader(str(step))
    owners = call(campaigns.owner_choices, readonly=True).value or {}
    render = {
        Step.BASICS: lambda: plan_steps.basics(plan, plan.editable, owners),
        Step.GOAL: lambda: plan_steps.goal(plan, plan.editable),
        Step.AUDIENCE: lambda: plan_steps.audience(plan, plan.editable),
        Step.MESSAGE: lambda: plan_steps.message(plan, plan.editable),
        Step.MESSENGER: lambda: plan_steps.messenger(plan, plan.editable),
        Step.MEDIA: lambda: plan_steps.media(plan, plan.editable),
        Step.ACTION: lambda: plan_steps.action(plan, plan.editable),
        Step.EVALUATION: lambda: plan_steps.evaluation(plan, plan.editable),
    }
    render[step]()
    if st.button(
        "Load the latest version of this step",
        key=f"plan.{plan.id}.reload",
        icon=":material/refresh:",
        help="Discards what you typed in this step and shows what is stored.",
    ):
        plan_steps.forget_step(plan, step)
        st.rerun()

with side, st.container(border=True):
    if missing:
        st.markdown(f"**Still missing ({len(missing)})**")
        for item in missing:
            st.markdown(f"- **{item.step}**: {item.message}")
    else:
        st.markdown(":green[:material/task_alt:] **The plan is complete.**")
    if plan.status == CampaignStatus.PLANNING and st.button(
        "Activate campaign",
        type="primary",
        disabled=bool(missing),
        key="plan.activate",
        width="stretch",
        help="Possible once every step is complete." if missing else "Start the campaign.",
    ):
        activated = call(
            campaigns.change_status,
            campaign_id=plan.id,
            expected_version=plan.version,
            status=CampaignStatus.ACTIVE,
        )
        plan_steps.saved(plan, activated)
    st.page_link("screens/campaign.py", label="Campaign overview", icon=":material/dashboard:")
