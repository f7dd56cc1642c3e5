"""Pieces of the drafting studio: the message form, theme suggestions, the variant editor, history."""

from __future__ import annotations

import html

import streamlit as st

from planner import consent, messages, review
from planner.drafting import bidi_flags, link_flags, suggest_hashtags, suggest_themes, word_diff
from planner.errors import Conflict
from planner.languages import Language
from planner.message_templates import templates_for
from planner.messages import MessageRead, VariantRead
from planner.plans import CampaignPlan
from planner.text import measure, platforms
from planner.themes import catalog
from planner.timing import both_local
from planner.wording import count
from ui import editor
from ui.calls import call
from ui.text import directed, plain

LABELS = {
    "title": "Working title",
    "core_idea": "Core idea",
    "body": "Text",
    "sources": "Sources",
    "messenger_id": "Messenger",
    "consent_reference": "Consent reference",
}


def _key(*parts: object) -> str:
    return ".".join(["studio", *map(str, parts)])


def opened(key: str, version: int | None) -> int | None:
    """The version this editor first showed; saves are checked against it, not the reloaded one,
    so a save never silently overwrites what someone else saved while this user was typing."""
    return st.session_state.setdefault(key, version)


# ---- the message -------------------------------------------------------------------------------


def message_form(plan: CampaignPlan, message: MessageRead | None, editable: bool) -> MessageRead | None:
    """Create or change the message itself; returns the saved message when it was saved."""
    slot = message.id if message else f"new{plan.id}"
    themes = catalog()
    messengers = {m.id: m.name for m in plan.messengers}
    with st.form(_key(slot, "form")):
        title = st.text_input(
            "Working title",
            value=message.title if message else "",
            key=_key(slot, "title"),
            max_chars=120,
            placeholder="e.g. Two cities, one grief",
        )
        core = st.text_area(
            "Core idea",
            value=message.core_idea if message else "",
            key=_key(slot, "core"),
            help="The one idea every variant adapts, in any language.",
        )
        left, right = st.columns(2)
        chosen = left.multiselect(
            "Themes",
            themes.ids(),
            default=message.themes if message else plan.themes,
            key=_key(slot, "themes"),
            format_func=lambda t: themes.get(t).label() + (" (sensitive)" if themes.get(t).sensitive else ""),
        )
        narrative = right.radio(
            "Narrative",
            ["counter", "alternative"],
            horizontal=True,
            key=_key(slot, "narrative"),
            index=["counter", "alternative"].index(message.narrative_type)
            if message and message.narrative_type
            else None,
            format_func=lambda n: {"counter": "Counter", "alternative": "Alternative"}[n],
        )
        ids = list(messengers)
        messenger = left.selectbox(
            "Messenger",
            ids,
            format_func=messengers.get,
            key=_key(slot, "messenger"),
            placeholder="None",
            index=ids.index(message.messenger_id) if message and message.messenger_id in ids else None,
        )
        features = right.checkbox(
            "Features a person, victim or survivor",
            value=message.features_person if message else False,
            key=_key(slot, "features"),
            help="Then a consent reference is required before review can approve it.",
        )
        consent = right.text_input(
            "Consent reference",
            value=message.consent_reference if message else "",
            key=_key(slot, "consent"),
            placeholder="e.g. consent form CF-2026-014, kept by the admin",
            help="Where the signed consent is kept. Never the person's contact details.",
        )
        st.markdown("**Sources** — one line per factual claim: a link or a reference, then `|` and what it supports")
        sources = st.text_area(
            "Sources",
            label_visibility="collapsed",
            key=_key(slot, "sources"),
            value="\n".join(f"{s.reference} | {s.note}" if s.note else s.reference for s in message.sources)
            if message
            else "",
            placeholder="https://… | number of children vaccinated\nDawn, 25 July 2017 | toll",
        )
        label = "Save message" if message else "Create message"
        if st.form_submit_button(label, type="primary", disabled=not editable):
            fields = {
                "title": title,
                "core_idea": core,
                "themes": chosen,
                "narrative_type": narrative,
                "messenger_id": messenger,
                "features_person": features,
                "consent_reference": consent,
                "sources": _parse_sources(sources),
            }
            if message:
                saved = call(
                    messages.update_message,
                    labels=LABELS,
                    message_id=message.id,
                    expected_version=message.version,
                    **fields,
                )
            else:
                saved = call(messages.create_message, labels=LABELS, campaign_id=plan.id, **fields)
            if saved.ok:
                return saved.value
    if message and message.features_person and not message.consent_reference:
        st.warning(
            "This message features a person but has no consent reference: review will not approve it.",
            icon=":material/front_hand:",
        )
    if message and message.consent_reference:
        _consent_on_file(message.consent_reference)
    return None


def _consent_on_file(reference: str) -> None:
    """Whether the admin holds the signed form for this reference; never the form itself."""
    held = call(consent.on_file, readonly=True, reference=reference)
    if held.ok and held.value:
        st.caption(":material/verified: Signed consent form on file with your admin.")
    elif held.ok:
        st.caption(":material/pending: No signed consent form on file for this reference yet: give it to your admin.")


def _parse_sources(text: str) -> list[dict]:
    found = []
    for line in text.splitlines():
        reference, _, note = line.partition("|")
        if reference.strip() or note.strip():
            found.append({"reference": reference.strip(), "note": note.strip()})
    return found


def theme_suggestions(message: MessageRead, text: str) -> None:
    """Themes the words suggest; the drafter accepts (adds it to the message) or dismisses each."""
    dismissed = st.session_state.setdefault(_key(message.id, "dismissed"), set())
    found = suggest_themes(text, catalog(), exclude=set(message.themes) | dismissed)
    if not found:
        return
    with st.container(border=True):
        st.markdown(":material/lightbulb: **Theme suggestions from the text**")
        for suggestion in found[:5]:
            theme = catalog().get(suggestion.theme_id)
            words, accept, dismiss = st.columns([4, 1, 1])
            words.markdown(f"**{theme.label()}** — matched: {plain(', '.join(suggestion.matched))}")
            if accept.button("Add", key=_key(message.id, "accept", theme.id)):
                added = call(
                    messages.update_message,
                    message_id=message.id,
                    expected_version=message.version,
                    **_fields(message) | {"themes": [*message.themes, theme.id]},
                )
                if added.ok:
                    st.rerun()
            if dismiss.button("Dismiss", key=_key(message.id, "dismiss", theme.id)):
                dismissed.add(theme.id)
                st.rerun()


def _fields(message: MessageRead) -> dict:
    return message.model_dump(include=messages.MESSAGE_FIELDS)


# ---- a variant ---------------------------------------------------------------------------------


PLACEHOLDERS = {
    Language.EN: "Write here. The counter below moves as you type.",
    Language.UR: "یہاں لکھیں…",
    Language.PS: "دلته ولیکئ…",
    Language.FA: "اینجا بنویسید…",
}
UNITS = {
    "weighted": "weighted characters",
    "characters": "characters",
    "utf8_bytes": "bytes (UTF-8)",
    "utf16_units": "UTF-16 units",
}


def _counter(text: str, field: str) -> None:
    """The live counter in the platform's own unit, with the platform's note as help."""
    m = measure(text, field)
    unit = UNITS.get(m.unit, m.unit)
    if m.limit is None:
        line = f"{m.count:,} {unit} · no fixed limit"
    elif m.ok:
        colour = "green" if m.remaining > m.limit * 0.1 else "orange"
        line = f":{colour}[**{m.count:,} / {m.limit:,}** {unit}] · {m.remaining:,} left"
    else:
        line = f":red[**{m.count:,} / {m.limit:,}** {unit}]"
    st.markdown(line, help=platforms().field(field).note)
    for problem in m.problems:
        st.markdown(f":red[:material/error: {problem}]")


def variant_editor(
    message: MessageRead, platform: str, language: str, variant: VariantRead | None, editable: bool
) -> str:
    """Write one platform × language text with live limits, hashtags, templates, preview and save.

    Returns the text as typed so far (for theme suggestions)."""
    target = platforms().variant(platform)
    lang = Language(language)
    slot = _key(message.id, platform, language)
    title = ""
    if target.title:
        title = st.text_input(f"{target.label} title", value=variant.title if variant else "", key=f"{slot}.title")
        _counter(title, target.title)
    text = editor.live_text(
        f"{slot}.body",
        label=f"{target.label} · {lang.label}",
        initial=variant.body if variant else "",
        direction=lang.direction,
        language="fa-AF" if lang is Language.FA else str(lang),
        placeholder=PLACEHOLDERS[lang],
    )
    _counter(text, target.body)
    for flag in bidi_flags(text) + link_flags(text):
        st.markdown(f":orange[:material/warning: {plain(flag.found)} at character {flag.position + 1}: {flag.why}]")

    tools, preview = st.columns(2)
    with tools:
        tags = measure(text, target.body).hashtags
        st.caption("Hashtags in the text: " + (" ".join(f"#{tag}" for tag in tags) if tags else "none"))
        suggested = [tag for tag in suggest_hashtags(message.themes, lang, catalog()) if tag[1:] not in tags]
        if suggested and editable:
            pick = st.selectbox(
                "Add a suggested hashtag",
                suggested,
                index=None,
                key=f"{slot}.tag",
                placeholder="Suggested for this message's themes",
            )
            if pick and st.button("Add hashtag", key=f"{slot}.addtag"):
                editor.replace_text(f"{slot}.body", f"{text.rstrip()} {pick}")
                st.rerun()
        offered = templates_for(message.themes, lang)
        if offered and editable:
            chosen = st.selectbox(
                "Start from a template",
                offered,
                index=None,
                key=f"{slot}.template",
                format_func=lambda t: f"{t.title} ({catalog().get(t.theme).label()})",
                placeholder=f"{count(len(offered), 'template')} in {lang.english}",
            )
            if chosen and st.button("Insert template", key=f"{slot}.insert"):
                editor.replace_text(f"{slot}.body", f"{text.rstrip()}\n\n{chosen.text}".strip())
                st.rerun()
    with preview:
        st.caption("Preview")
        st.html(
            f'<div style="border:1px solid #ddd;border-radius:8px;padding:10px;font-size:1.05rem;'
            f'line-height:1.7;white-space:pre-wrap">{directed(title, lang.direction) if title else ""}'
            f"{directed(text, lang.direction)}</div>"
        )

    conflict_key = f"{slot}.conflict"
    base = opened(f"{slot}.base", variant.version if variant else None)
    if editable and st.button("Save variant", type="primary", key=f"{slot}.save", icon=":material/save:"):
        st.session_state.pop(conflict_key, None)
        try:
            saved = save_variant(message, platform, language, base, text, title)
        except Conflict:
            st.session_state[conflict_key] = True
        else:
            if saved:
                st.session_state.pop(f"{slot}.base", None)
                st.toast("Saved. Every save is kept in the history.", icon=":material/check:")
                st.rerun()
    if st.session_state.get(conflict_key):
        _compare_with_stored(message, platform, language, text, title, slot)
    return text


def save_variant(message, platform, language, base: int | None, text: str, title: str) -> bool:
    """Save through the service; a stale save raises Conflict so the page can offer a comparison."""
    return call(
        messages.save_variant,
        labels=LABELS,
        reraise=(Conflict,),
        message_id=message.id,
        expected_version=base,
        platform=platform,
        language=language,
        body=text,
        title=title,
    ).ok


def _compare_with_stored(message: MessageRead, platform: str, language: str, mine: str, title: str, slot: str) -> None:
    st.error(messages.STALE, icon=":material/sync_problem:")
    current = call(messages.get_message, readonly=True, message_id=message.id)
    stored = (
        next((v for v in current.value.variants if v.platform == platform and v.language == language), None)
        if current.ok
        else None
    )
    stored_text = stored.body if stored else ""
    st.markdown(f"**Stored version** (by {plain(stored.updated_by) if stored else '—'}) → **your text**:")
    st.html(diff_html(stored_text, mine, Language(language).direction))
    left, right = st.columns(2)
    if left.button("Load the stored version (discard mine)", key=f"{slot}.load"):
        editor.replace_text(f"{slot}.body", stored_text)
        for key in (f"{slot}.conflict", f"{slot}.base"):
            st.session_state.pop(key, None)
        st.rerun()
    if right.button("Keep mine and save over it", key=f"{slot}.force"):
        # The user has seen both versions: save on top of the stored one.
        try:
            saved = save_variant(message, platform, language, stored.version if stored else None, mine, title)
        except Conflict:
            saved = False  # changed yet again: the comparison above refreshes on the next run
        if saved:
            for key in (f"{slot}.conflict", f"{slot}.base"):
                st.session_state.pop(key, None)
            st.rerun()


def diff_html(old: str, new: str, direction: str) -> str:
    """An escaped, coloured word diff: removed words struck through in red, added ones in green."""
    parts = []
    for op, piece in word_diff(old, new):
        text = html.escape(piece)
        if op == "delete":
            parts.append(f'<del style="background:#fde2e1;color:#9b1c1c">{text}</del>')
        elif op == "insert":
            parts.append(f'<ins style="background:#dcfce7;color:#166534;text-decoration:none">{text}</ins>')
        else:
            parts.append(text)
    return (
        f'<div dir="{direction}" style="unicode-bidi:plaintext;white-space:pre-wrap;line-height:1.8;'
        f'border:1px solid #ddd;border-radius:8px;padding:10px">{"".join(parts)}</div>'
    )


def _subject_label(content: dict, kind: str) -> str:
    if kind == "message":
        return "The message"
    return f"{platforms().variant(content['platform']).label} · {Language(content['language']).english}"


def _as_text(content: dict, kind: str) -> str:
    if kind == "variant":
        return "\n".join(part for part in (content.get("title", ""), content.get("body", "")) if part)
    sources = "; ".join(s.get("reference", "") for s in content.get("sources", []))
    return "\n".join(
        [
            content.get("title", ""),
            content.get("core_idea", ""),
            "Themes: " + ", ".join(content.get("themes", [])),
            "Sources: " + sources,
        ]
    )


def history(message: MessageRead) -> None:
    """Every saved revision, and a word-by-word comparison of any two of the same text."""
    revisions = call(messages.history, readonly=True, message_id=message.id).value or []
    if not revisions:
        st.caption("Nothing saved yet.")
        return
    subjects: dict[tuple[str, int], list] = {}
    for revision in revisions:
        subjects.setdefault((revision.kind, revision.subject_id), []).append(revision)
    keys = list(subjects)
    subject = st.selectbox(
        "Text",
        keys,
        key=_key(message.id, "history.subject"),
        format_func=lambda k: _subject_label(subjects[k][0].content, k[0]),
    )
    saved = subjects[subject]
    st.dataframe(
        [{"Version": r.number, "Saved by": r.author, "When": both_local(r.created_at, dated=True)} for r in saved],
        hide_index=True,
        placeholder="—",
        width="stretch",
    )
    numbers = [r.number for r in saved]
    if len(numbers) < 2:
        return
    a, b = st.columns(2)
    older = a.selectbox("Compare version", numbers, index=1, key=_key(message.id, "history.a", *subject))
    newer = b.selectbox("with version", numbers, index=0, key=_key(message.id, "history.b", *subject))
    by_number = {r.number: r for r in saved}
    direction = Language(by_number[newer].content.get("language", "en")).direction
    st.html(
        diff_html(
            _as_text(by_number[older].content, subject[0]), _as_text(by_number[newer].content, subject[0]), direction
        )
    )


STATUS_NOTES = {
    "draft": "Not yet submitted.",
    "in_review": "Waiting for a facilitator. Editing now is fine: the reviewer will see your latest text.",
    "changes_requested": "A facilitator asked for changes: see the discussion below, edit, then submit again.",
    "approved": "Approved. Any edit sends it back to review.",
    "scheduled": "Scheduled. Any edit sends it back to review.",
    "published": "Published.",
    "on_hold": "On hold: a facilitator must resume it.",
    "archived": "Archived: read only.",
}


def review_status(message: MessageRead, editable: bool) -> None:
    """Where the message is in review, and the submit button when it is the drafter's turn."""
    note = STATUS_NOTES.get(message.status, "")
    if message.status in ("draft", "changes_requested") and editable:
        left, right = st.columns([4, 1])
        left.info(note, icon=":material/info:")
        if right.button("Submit for review", type="primary", key=_key(message.id, "submit"), width="stretch"):
            if call(review.submit, message_id=message.id).ok:
                st.toast("Submitted. A facilitator will review it.", icon=":material/send:")
                st.rerun()
    else:
        st.info(note, icon=":material/info:")
