"""The filter pickers several pages share: campaign, theme, language, platform ("Any" when empty)."""

from __future__ import annotations

import streamlit as st

from planner import campaigns
from planner.languages import Language
from planner.text import platforms
from planner.themes import catalog
from ui.calls import call


def campaign_names() -> dict[int, str]:
    """The team's campaigns for a filter: id → name, newest start first (no plans loaded)."""
    return {c.id: c.name for c in call(campaigns.campaign_choices, readonly=True).value or []}


def campaign(names: dict[int, str], key: str, *, where=st, placeholder: str = "Any") -> int | None:
    return where.selectbox("Campaign", list(names), index=None, placeholder=placeholder, format_func=names.get, key=key)


def theme(key: str, *, where=st) -> str | None:
    return where.selectbox(
        "Theme", catalog().ids(), index=None, placeholder="Any", key=key, format_func=lambda t: catalog().get(t).label()
    )


def language(key: str, *, where=st) -> str | None:
    return where.selectbox(
        "Language",
        [str(x) for x in Language],
        index=None,
        placeholder="Any",
        key=key,
        format_func=lambda code: Language(code).label,
    )


def platform(key: str, *, where=st) -> str | None:
    return where.selectbox(
        "Platform",
        platforms().variant_ids(),
        index=None,
        placeholder="Any",
        key=key,
        format_func=lambda p: platforms().variant(p).label,
    )
