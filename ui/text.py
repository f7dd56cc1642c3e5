"""Showing user text safely: never as HTML, and not even as Markdown formatting."""

from __future__ import annotations

import html
import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$])")


def plain(text: str) -> str:
    """Escape Markdown (and HTML-looking) characters so st.markdown shows the text as typed."""
    return _MARKDOWN.sub(r"\\\1", text)


def directed(text: str, direction: str) -> str:
    """An HTML block of escaped text in the given direction, for st.html (right-to-left scripts)."""
    return f'<div dir="{direction}" style="unicode-bidi: plaintext">{html.escape(text)}</div>'
