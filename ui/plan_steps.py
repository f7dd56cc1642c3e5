"""The plan editor's steps: one function per GAMMMA+ step, each saving through one service call.

Widget keys carry the campaign and item ids (never the version), so what someone typed survives a
refused save; "Load the latest version" clears a step's keys on purpose.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from planner import campaigns
from planner.languages import Language
from planner.models import NarrativeType, RiskLevel
from planner.plans import CampaignPlan, Step
from planner.themes import catalog
from planner.vocabulary import vocabulary
from ui.calls import call
from ui.text import plain

FIELD_LABELS = {
    "name": "Name",
    "start_date": "Start date",
    "end_date": "End date",
    "countries": "Countries",
    "languages": "Languages",
    "owner_membership_id": "Owner",
    "goal_statement": "Goal",
    "metric": "Metric",
    "target": "Target",
    "baseline": "Baseline",
    "deadline": "Deadline",
    "region": "Country or region",
    "age_band": "Age band",
    "platforms": "Platforms",
    "core_message": "Core message",
    "narrative_type": "Narrative type",
    "themes": "Themes",
    "messenger_type": "Messenger type",
    "risk_level": "Safety risk",
    "cta_link": "Link",
    "cta_type": "Type of action",
    "data_source": "Data source",
    "review_cadence": "Review cadence",
}


def _key(plan: CampaignPlan, *parts: object) -> str:
    return ".".join(["plan", str(plan.id), *map(str, parts)])


def opened_version(plan: CampaignPlan) -> CampaignPlan:
    """The plan as of when this editor first showed it: saves are checked against that version.

    The page reloads the plan on every rerun; checking saves against the reloaded version would let
    someone overwrite, unawares, what another person saved while they were typing.
    """
    base = st.session_state.setdefault(_key(plan, "base"), plan.version)
    return plan.model_copy(update={"version": base})


def forget_step(plan: CampaignPlan, step: Step) -> None:
    """Drop what was typed in one step so its widgets show the stored plan again."""
    prefix = _key(plan, step.name.lower()) + "."
    for key in [key for key in st.session_state if str(key).startswith(prefix)]:
        del st.session_state[key]
    st.session_state.pop(_key(plan, "base"), None)


def saved(plan: CampaignPlan, result) -> None:
    """After a successful save: the stored version becomes the one the editor works from."""
    if result.ok:
        st.session_state.pop(_key(plan, "base"), None)
        st.toast("Saved.", icon=":material/check:")
        st.rerun()


def _save(service: Callable, plan: CampaignPlan, **kwargs) -> None:
    saved(plan, call(service, labels=FIELD_LABELS, campaign_id=plan.id, expected_version=plan.version, **kwargs))


def _pick(label: str, list_name: str, current: str | None, key: str, **kwargs) -> str | None:
    ids = vocabulary().ids(list_name)
    return st.selectbox(
        label,
        ids,
        index=ids.index(current) if current in ids else None,
        format_func=lambda term: vocabulary().label(list_name, term),
        placeholder="Choose…",
        key=key,
        **kwargs,
    )


def _pick_many(label: str, list_name: str, current: list[str], key: str, **kwargs) -> list[str]:
    return st.multiselect(
        label,
        vocabulary().ids(list_name),
        default=[value for value in current if value in vocabulary().ids(list_name)],
        format_func=lambda term: vocabulary().label(list_name, term),
        key=key,
        **kwargs,
    )


def _languages(label: str, current: list[str], key: str) -> list[str]:
    return st.multiselect(
        label,
        [str(language) for language in Language],
        default=list(current),
        format_func=lambda code: Language(code).label,
        key=key,
    )


def _remove_button(plan: CampaignPlan, kind: str, part_id: int, key: str, editable: bool) -> None:
    if editable and st.button("Remove", key=key, icon=":material/delete:"):
        saved(
            plan,
            call(campaigns.remove_part, campaign_id=plan.id, expected_version=plan.version, kind=kind, part_id=part_id),
        )


def _part_list(
    plan: CampaignPlan,
    editable: bool,
    *,
    kind: str,
    step: str,
    items: list,
    form: Callable,
    title: Callable,
    add_label: str | None = None,
) -> None:
    """Each stored item in an expander with its form and a Remove button; then, if asked, an Add form."""
    for item in items:
        with st.expander(title(item)):
            form(plan, editable, item.id, item)
            _remove_button(plan, kind, item.id, _key(plan, step, item.id, "remove"), editable)
    if editable and add_label:
        with st.expander(add_label, icon=":material/add:", expanded=not items):
            form(plan, editable, None, None)


# ---- steps -------------------------------------------------------------------------------------


def basics(plan: CampaignPlan, editable: bool, owners: dict[int, str]) -> None:
    st.caption("What the campaign is called, when it runs, where and in which languages, and who leads it.")
    with st.form(_key(plan, "basics", "form")):
        name = st.text_input("Name", value=plan.name, key=_key(plan, "basics", "name"), max_chars=120)
        left, right = st.columns(2)
        start = left.date_input("Start date", value=plan.start_date, key=_key(plan, "basics", "start"))
        end = right.date_input("End date", value=plan.end_date, key=_key(plan, "basics", "end"))
        countries = _pick_many("Countries", "countries", plan.countries, _key(plan, "basics", "countries"))
        languages = _languages("Languages", plan.languages, _key(plan, "basics", "languages"))
        owner_ids = list(owners)
        owner = st.selectbox(
            "Owner",
            owner_ids,
            index=owner_ids.index(plan.owner_membership_id) if plan.owner_membership_id in owner_ids else None,
            format_func=owners.get,
            key=_key(plan, "basics", "owner"),
        )
        if st.form_submit_button("Save basics", type="primary", disabled=not editable):
            _save(
                campaigns.update_basics,
                plan,
                name=name,
                start_date=start,
                end_date=end,
                countries=countries,
                languages=languages,
                owner_membership_id=owner,
            )


def goal(plan: CampaignPlan, editable: bool) -> None:
    st.caption(
        "What do you want to change? Then make it measurable: each objective has a metric, a baseline, a target "
        "and a deadline inside the campaign window. Goals that cannot be measured are visions."
    )
    with st.form(_key(plan, "goal", "form")):
        statement = st.text_area(
            "Goal",
            value=plan.goal_statement,
            key=_key(plan, "goal", "statement"),
            height=110,
            placeholder="e.g. Young people on both sides of the border see victims of terrorism as shared losses, "
            "not as a reason to blame the other country.",
        )
        if st.form_submit_button("Save goal", type="primary", disabled=not editable):
            _save(campaigns.update_section, plan, step=Step.GOAL, goal_statement=statement)
    st.markdown("**Objectives**")
    _part_list(
        plan,
        editable,
        kind="objective",
        step="goal",
        items=plan.objectives,
        form=_objective_form,
        title=lambda o: (
            f"{plan.objectives.index(o) + 1}. {vocabulary().label('metrics', o.metric)}: "
            f"{o.target:,.0f} by {o.deadline:%d %b %Y}"
        ),
        add_label="Add an objective",
    )


def _objective_form(plan: CampaignPlan, editable: bool, part_id: int | None, current) -> None:
    slot = part_id or "new"
    with st.form(_key(plan, "goal", slot, "form")):
        description = st.text_input(
            "What should happen",
            value=current.description if current else "",
            key=_key(plan, "goal", slot, "description"),
        )
        left, middle, right = st.columns(3)
        with left:
            metric = _pick("Metric", "metrics", current.metric if current else None, _key(plan, "goal", slot, "metric"))
        baseline = middle.number_input(
            "Baseline",
            min_value=0.0,
            value=float(current.baseline) if current else 0.0,
            step=1.0,
            key=_key(plan, "goal", slot, "baseline"),
        )
        target = right.number_input(
            "Target",
            min_value=0.0,
            value=float(current.target) if current else None,
            step=1.0,
            key=_key(plan, "goal", slot, "target"),
        )
        deadline = st.date_input(
            "Deadline",
            value=current.deadline if current else plan.end_date,
            min_value=plan.start_date,
            max_value=plan.end_date,
            key=_key(plan, "goal", slot, "deadline"),
        )
        if st.form_submit_button("Save objective" if current else "Add objective", disabled=not editable):
            _save(
                campaigns.save_part,
                plan,
                kind="objective",
                part_id=part_id,
                description=description,
                metric=metric,
                baseline=baseline,
                target=target,
                deadline=deadline,
            )


def audience(plan: CampaignPlan, editable: bool) -> None:
    st.caption("Who exactly? Describe each group you want to reach, what they care about and what angers them.")
    _part_list(
        plan,
        editable,
        kind="segment",
        step="audience",
        items=plan.segments,
        form=_segment_form,
        title=lambda segment: plain(segment.name),
        add_label="Add an audience segment",
    )


def _segment_form(plan: CampaignPlan, editable: bool, part_id: int | None, current) -> None:
    slot = part_id or "new"
    k = lambda field: _key(plan, "audience", slot, field)  # noqa: E731
    with st.form(k("form")):
        name = st.text_input(
            "Name",
            value=current.name if current else "",
            key=k("name"),
            placeholder="e.g. University students in Peshawar and Kabul",
        )
        left, right = st.columns(2)
        with left:
            region = _pick("Country or region", "regions", current.region if current else None, k("region"))
            languages = _languages("Languages", current.languages if current else [], k("languages"))
        with right:
            age_band = _pick("Age band", "age_bands", current.age_band if current else None, k("age"))
            platforms = _pick_many("Platforms", "platforms", current.platforms if current else [], k("platforms"))
        interests = st.text_area(
            "Interests and grievances", value=current.interests if current else "", key=k("interests")
        )
        insight = st.text_area(
            "Insight",
            value=current.insight if current else "",
            key=k("insight"),
            help="One thing you know about this group that shapes how you speak to them.",
        )
        if st.form_submit_button("Save segment" if current else "Add segment", disabled=not editable):
            _save(
                campaigns.save_part,
                plan,
                kind="segment",
                part_id=part_id,
                name=name,
                region=region,
                languages=languages,
                age_band=age_band,
                platforms=platforms,
                interests=interests,
                insight=insight,
            )


def message(plan: CampaignPlan, editable: bool) -> None:
    st.caption(
        "What do you say? A counter narrative answers an extremist or clichéd story directly; an alternative "
        "narrative tells a better story of its own. Individual posts are drafted later, per platform and language."
    )
    themes = catalog()
    with st.form(_key(plan, "message", "form")):
        core = st.text_area("Core message", value=plan.core_message, key=_key(plan, "message", "core"), height=110)
        kinds = list(NarrativeType)
        narrative = st.radio(
            "Narrative type",
            kinds,
            index=kinds.index(plan.narrative_type) if plan.narrative_type else None,
            format_func=lambda kind: {"counter": "Counter narrative", "alternative": "Alternative narrative"}[kind],
            horizontal=True,
            key=_key(plan, "message", "narrative"),
        )
        chosen = st.multiselect(
            "Themes",
            themes.ids(),
            default=[t for t in plan.themes if t in themes.ids()],
            format_func=lambda theme_id: (
                themes.get(theme_id).label() + (" (sensitive)" if themes.get(theme_id).sensitive else "")
            ),
            key=_key(plan, "message", "themes"),
        )
        if st.form_submit_button("Save message", type="primary", disabled=not editable):
            _save(
                campaigns.update_section,
                plan,
                step=Step.MESSAGE,
                core_message=core,
                narrative_type=narrative,
                themes=chosen,
            )


def messenger(plan: CampaignPlan, editable: bool) -> None:
    st.caption(
        "Who says it credibly? Name messengers by role or pseudonym, never by real name. Anyone at medium or high "
        "risk needs a safety plan before the campaign starts."
    )

    def title(person) -> str:
        missing = person.risk_level != RiskLevel.LOW and not person.safety_plan
        return f"{plain(person.name)} · {person.risk_level} risk" + (" · :red[safety plan missing]" if missing else "")

    _part_list(
        plan,
        editable,
        kind="messenger",
        step="messenger",
        items=plan.messengers,
        form=_messenger_form,
        title=title,
        add_label="Add a messenger",
    )


def _messenger_form(plan: CampaignPlan, editable: bool, part_id: int | None, current) -> None:
    slot = part_id or "new"
    k = lambda field: _key(plan, "messenger", slot, field)  # noqa: E731
    with st.form(k("form")):
        name = st.text_input(
            "Role or pseudonym",
            value=current.name if current else "",
            key=k("name"),
            placeholder="e.g. Survivor's family member from Lahore",
        )
        left, right = st.columns(2)
        with left:
            kind = _pick("Messenger type", "messenger_types", current.messenger_type if current else None, k("type"))
        levels = list(RiskLevel)
        risk = right.selectbox(
            "Safety risk",
            levels,
            index=levels.index(current.risk_level) if current else 0,
            key=k("risk"),
            help="Medium or high: they could face harassment, threats or worse.",
        )
        credibility = st.text_area(
            "Why the audience will believe them", value=current.credibility if current else "", key=k("credibility")
        )
        safety = st.text_area(
            "Safety plan",
            value=current.safety_plan if current else "",
            key=k("safety"),
            help="Pseudonym or first name only; no faces or places without consent; who to call if harassed; "
            "comment moderation; how to pause or take down posts; psychosocial support.",
        )
        if st.form_submit_button("Save messenger" if current else "Add messenger", disabled=not editable):
            _save(
                campaigns.save_part,
                plan,
                kind="messenger",
                part_id=part_id,
                name=name,
                messenger_type=kind,
                risk_level=risk,
                credibility=credibility,
                safety_plan=safety,
            )


def media(plan: CampaignPlan, editable: bool) -> None:
    st.caption("Where will the audience meet the message, and in what form?")
    with st.form(_key(plan, "media", "form")):
        platforms = _pick_many("Platforms", "platforms", plan.media_platforms, _key(plan, "media", "platforms"))
        formats = _pick_many("Formats", "formats", plan.media_formats, _key(plan, "media", "formats"))
        if st.form_submit_button("Save media", type="primary", disabled=not editable):
            _save(campaigns.update_section, plan, step=Step.MEDIA, media_platforms=platforms, media_formats=formats)


def action(plan: CampaignPlan, editable: bool) -> None:
    st.caption("What should the audience do? Clear, simple, doable and meaningful. Plan for replies, not a monologue.")
    with st.form(_key(plan, "action", "form")):
        text = st.text_area("Call to action", value=plan.cta_text, key=_key(plan, "action", "text"))
        left, right = st.columns(2)
        with left:
            kind = _pick("Type of action", "cta_types", plan.cta_type, _key(plan, "action", "type"))
        link = right.text_input(
            "Link (optional)", value=plan.cta_link or "", key=_key(plan, "action", "link"), placeholder="https://…"
        )
        if st.form_submit_button("Save call to action", type="primary", disabled=not editable):
            _save(campaigns.update_section, plan, step=Step.ACTION, cta_text=text, cta_type=kind, cta_link=link)


def evaluation(plan: CampaignPlan, editable: bool) -> None:
    st.caption(
        "How will you know? KPIs in three tiers: awareness, engagement and impact. Awareness and engagement come "
        "from the platforms' exports; impact (surveys, coded comments, offline actions) is entered by hand."
    )
    with st.form(_key(plan, "evaluation", "form")):
        cadence = _pick("Review results", "review_cadences", plan.review_cadence, _key(plan, "evaluation", "cadence"))
        if st.form_submit_button("Save review cadence", type="primary", disabled=not editable):
            _save(campaigns.update_section, plan, step=Step.EVALUATION, review_cadence=cadence)
    for tier in vocabulary().kpi_tiers:
        kpis = [kpi for kpi in plan.kpis if kpi.tier == tier.id]
        st.markdown(f"**{tier.label}** — {tier.help}")
        _part_list(
            plan,
            editable,
            kind="kpi",
            step="evaluation",
            items=kpis,
            form=_kpi_form,
            title=lambda kpi: (
                vocabulary().label("metrics", kpi.metric) + (f" · target {kpi.target:,.0f}" if kpi.target else "")
            ),
        )
    if editable:
        with st.expander("Add a KPI", icon=":material/add:", expanded=not plan.kpis):
            _kpi_form(plan, editable, None, None)


def _kpi_form(plan: CampaignPlan, editable: bool, part_id: int | None, current) -> None:
    slot = part_id or "new"
    k = lambda field: _key(plan, "evaluation", slot, field)  # noqa: E731
    with st.form(k("form")):
        left, middle, right = st.columns(3)
        with left:
            metric = _pick(
                "Metric",
                "metrics",
                current.metric if current else None,
                k("metric"),
                help="Its tier (awareness, engagement, impact) follows from the metric.",
            )
        target = middle.number_input(
            "Target (optional)", min_value=0.0, value=current.target if current else None, key=k("target")
        )
        with right:
            source = _pick("Data source", "data_sources", current.data_source if current else None, k("source"))
        if st.form_submit_button("Save KPI" if current else "Add KPI", disabled=not editable):
            _save(
                campaigns.save_part,
                plan,
                kind="kpi",
                part_id=part_id,
                metric=metric,
                target=target or None,
                data_source=source,
            )
