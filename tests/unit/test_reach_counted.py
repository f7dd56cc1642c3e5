"""A file's headline figures, computed column by column for speed, equal the rule applied row by row."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from planner import reach_counted

NAMES = ("reach", "views", "impressions", "video_views", "engagements", "reactions", "likes", "comments")
NAMES += ("shares", "saves")


@st.composite
def files(draw) -> tuple[dict[str, list], int]:
    rows = draw(st.integers(0, 6))
    columns = draw(st.sets(st.sampled_from(NAMES)))
    cell = st.one_of(st.none(), st.integers(0, 10**9))
    return {name: draw(st.lists(cell, min_size=rows, max_size=rows)) for name in columns}, rows


@given(files())
def test_column_wise_headlines_equal_the_row_by_row_rule(file):
    metrics, rows = file
    by_row = [reach_counted.headline({name: values[i] for name, values in metrics.items()}) for i in range(rows)]
    seen, engaged = reach_counted.headlines(metrics, rows)
    assert list(zip(seen, engaged, strict=True)) == by_row


def test_the_rule_itself():
    assert reach_counted.headline({"views": 40, "impressions": 90}) == (40, None)
    assert reach_counted.headline({"impressions": 90, "likes": 3, "comments": 2}) == (90, 5)
    assert reach_counted.headline({"reach": 10, "reactions": 1, "likes": 50, "engagements": 7}) == (10, 7)
    assert reach_counted.headline({"reach": 10, "reactions": 4, "likes": 50, "saves": 1}) == (10, 5)
