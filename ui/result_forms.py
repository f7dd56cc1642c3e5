"""The forms of "Enter results": one per kind, in the words a facilitator uses, for a new entry or a correction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import streamlit as st

from planner.languages import Language
from planner.results import EntryChoices, ResultRead
from planner.timing import both_local
from planner.vocabulary import vocabulary
from ui.reach_view import platform_label


@dataclass(frozen=True)
class Wording:
    """What each field of a kind is called, and the example of how it was measured."""

    title: str
    value: str
    value_help: str
    sample: str | None
    source: str
    posts: str | None  # which posts may be chosen: "whatsapp", "any", or None for none
    post_label: str = "Post (optional)"
    message_label: str = "Message it was about (optional)"
    where: bool = True


WORDING = {
    "whatsapp-views": Wording(
        title="WhatsApp Channel views",
        value="How many",
        value_help="The number under the update, or from the channel's insights.",
        sample=None,
        source="e.g. copied the view count under the update on 20 November, three days after posting",
        posts="whatsapp",
        post_label="WhatsApp update posted from the calendar",
        message_label="Or the message, if it was posted outside the planner",
        where=False,
    ),
    "offline-event": Wording(
        title="Offline event",
        value="How many people took part (attendance, sign-ups, vaccinations…)",
        value_help="Count each person once.",
        sample=None,
        source="e.g. sign-in sheet of the dialogue at Peshawar University, 48 names",
        posts=None,
    ),
    "survey": Wording(
        title="Survey",
        value="What share agreed (%)",
        value_help="For example 62.5 when 75 of 120 people agreed.",
        sample="How many people answered",
        source="e.g. paper survey of 120 students after the screening in Peshawar; the question asked was …",
        posts=None,
    ),
    "coded-comments": Wording(
        title="Coded comments",
        value="How many comments showed a positive shift",
        value_help="Comments that show a changed view, empathy across the border, or a pledge to act.",
        sample="How many comments you coded in all",
        source="e.g. two facilitators coded the replies under the Facebook post and agreed on 9 in 10",
        posts="any",
    ),
}
VIEW_METRICS = {"video-views": "Views (the eye count under the update)", "reach": "People reached (channel insights)"}
LABELS = {
    "value": "Number",
    "sample_size": "How many answered or were coded",
    "period_start": "First day",
    "period_end": "Last day",
    "source": "How it was measured",
    "post_id": "Post",
    "message_id": "Message",
    "metric": "What you counted",
    "audience_region": "Where",
    "language": "Language",
    "campaign_id": "Campaign",
    "entry": "Already saved",
}


def post_label(choices: EntryChoices, post_id: int) -> str:
    post = next(p for p in choices.posts if p.post_id == post_id)
    when = both_local(post.published_at) if post.published_at else ""
    parts = (
        post.message_title,
        platform_label(post.platform),
        Language(post.language).english,
        post.channel_name,
        when,
    )
    return " · ".join(part for part in parts if part)


def _pick(label: str, options: dict[int, str], current: int | None, key: str) -> int | None:
    ids = list(options)
    return st.selectbox(
        label,
        ids,
        index=ids.index(current) if current in ids else None,
        placeholder="None" if ids else "None to choose from",
        format_func=options.get,
        key=key,
    )


def _optional(label: str, ids: list[str], names, current: str | None, key: str) -> str | None:
    return st.selectbox(
        label,
        ids,
        index=ids.index(current) if current in ids else None,
        placeholder="Not recorded",
        format_func=names,
        key=key,
    )


def entry_form(
    kind: str, choices: EntryChoices, *, key: str, today: date, initial: ResultRead | None = None
) -> dict | None:
    """Draw the form of `kind`; the entered fields when submitted, else None."""
    words = WORDING[kind]
    with st.form(key):
        fields: dict = {}
        if kind == "whatsapp-views":
            fields["metric"] = st.radio(
                "What did you count?",
                list(VIEW_METRICS),
                index=list(VIEW_METRICS).index(initial.metric) if initial and initial.metric in VIEW_METRICS else 0,
                format_func=VIEW_METRICS.get,
                horizontal=True,
                key=f"{key}.metric",
            )
        left, right = st.columns(2)
        fields["value"] = left.number_input(
            words.value,
            min_value=0.0,
            value=initial.value if initial else None,
            help=words.value_help,
            key=f"{key}.value",
        )
        if words.sample:
            sample = right.number_input(
                words.sample, min_value=0, step=1, value=initial.sample_size if initial else None, key=f"{key}.sample"
            )
            fields["sample_size"] = int(sample) if sample is not None else None
        start, end = st.columns(2)
        fields["period_start"] = start.date_input(
            "First day", value=initial.period_start if initial else today - timedelta(days=7), key=f"{key}.start"
        )
        fields["period_end"] = end.date_input(
            "Last day", value=initial.period_end if initial else today, key=f"{key}.end"
        )
        if words.posts:
            posts = [p for p in choices.posts if words.posts == "any" or p.platform == words.posts]
            fields["post_id"] = _pick(
                words.post_label,
                {p.post_id: post_label(choices, p.post_id) for p in posts},
                initial.post_id if initial else None,
                f"{key}.post",
            )
        fields["message_id"] = _pick(
            words.message_label,
            {m.message_id: m.title for m in choices.messages},
            initial.message_id if initial and not initial.post_id else None,
            f"{key}.message",
        )
        if words.where:
            place, tongue = st.columns(2)
            with place:
                fields["audience_region"] = _optional(
                    "Where",
                    vocabulary().ids("regions"),
                    lambda r: vocabulary().label("regions", r),
                    initial.audience_region if initial else None,
                    f"{key}.region",
                )
            with tongue:
                fields["language"] = _optional(
                    "Language",
                    [str(x) for x in Language],
                    lambda code: Language(code).label,
                    initial.language if initial else None,
                    f"{key}.language",
                )
        fields["source"] = st.text_area(
            "How did you measure it?",
            value=initial.source if initial else "",
            placeholder=words.source,
            key=f"{key}.source",
        )
        submitted = st.form_submit_button("Save correction" if initial else "Save", type="primary")
    return fields if submitted else None
