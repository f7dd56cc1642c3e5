"""Cleaning what people type."""

import pytest

from planner.inputs import clean_text


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("  Salaam  ", "Salaam"),
        ("e\u0301", "\u00e9"),  # NFC
        ("line one\r\nline two", "line one\nline two"),
        ("bell\x07 and null\x00", "bell and null"),
        ("امن\u200c‌ها", "امن\u200c‌ها"),  # ZWNJ is part of Persian words, kept
        ("a\u202eb", "a\u202eb"),  # bidi overrides are kept for screening to flag
    ],
)
def test_clean_text(typed, kept):
    assert clean_text(typed) == kept
