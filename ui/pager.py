"""Paging a long list: which page is shown, where the reader is in the list, previous and next."""

from __future__ import annotations

import streamlit as st


def page_number(key: str, filters: tuple) -> int:
    """The page to show (from 1); back to the first page whenever the filters change."""
    if st.session_state.get(f"{key}.filters") != filters:
        st.session_state[f"{key}.filters"] = filters
        st.session_state[f"{key}.page"] = 1
    return st.session_state.get(f"{key}.page", 1)


def position(noun: str, offset: int, shown: int, total: int) -> str:
    """'Messages 26–50 of 2,000': where the reader is, in words a newcomer understands."""
    if not total:
        return f"No {noun.lower()} match."
    return f"{noun} {offset + 1:,}–{offset + shown:,} of {total:,}"


def _turn(key: str, page: int) -> None:
    st.session_state[f"{key}.page"] = page


def controls(key: str, *, offset: int, limit: int, total: int, where=st) -> None:
    """Previous and next buttons around 'Page 2 of 80', each disabled at its end of the list."""
    if total <= limit:
        return
    page, pages = offset // limit + 1, -(-total // limit)
    back, label, forward = where.columns([1, 2, 1], vertical_alignment="center")
    back.button(
        "Previous",
        key=f"{key}.previous",
        icon=":material/chevron_left:",
        disabled=page == 1,
        on_click=_turn,
        args=(key, page - 1),
        width="stretch",
    )
    label.caption(f"Page {page:,} of {pages:,}", text_alignment="center")
    forward.button(
        "Next",
        key=f"{key}.next",
        icon=":material/chevron_right:",
        disabled=page == pages,
        on_click=_turn,
        args=(key, page + 1),
        width="stretch",
    )
