"""The dashboard's charts as the Reach page draws them on every rerun."""

from planner import charts
from planner.dashboard import Slice

SLICES = [Slice("ur", "Urdu", seen=1200, engagement=90, posts=4), Slice("ps", "Pashto", seen=800, engagement=0)]


def by_language() -> charts.Chart:
    return charts.breakdown("by-language", "By language", SLICES, "Language")


def test_a_frozen_chart_draws_the_same_figure_from_one_dict_made_once():
    chart = by_language()
    frozen = charts.frozen(chart)
    assert frozen.figure.to_dict() == chart.figure.to_dict()
    assert frozen.figure.to_dict() is frozen.figure.to_dict()
    assert (frozen.key, frozen.title, frozen.rows) == (chart.key, chart.title, chart.rows)


def test_the_original_figure_still_hands_out_a_copy_to_edit():
    chart = by_language()
    charts.frozen(chart).figure.to_dict()
    edited = chart.figure.to_dict()
    edited["layout"]["width"] = 700  # as the donor report does
    assert "width" not in chart.figure.to_dict()["layout"]


def test_a_chart_without_a_figure_stays_as_it_is():
    table = charts.Chart("top-posts", "Top posts", None, [{"Message": "m"}])
    assert charts.frozen(table) is table
