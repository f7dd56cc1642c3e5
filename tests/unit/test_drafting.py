"""Theme and hashtag suggestions, input flags and word diffs: the drafting studio's pure helpers."""

import pytest

from planner.drafting import bidi_flags, fold, link_flags, suggest_hashtags, suggest_themes, word_diff
from planner.themes import catalog


def suggested(text: str) -> dict[str, tuple[str, ...]]:
    return {s.theme_id: s.matched for s in suggest_themes(text, catalog())}


@pytest.mark.parametrize(
    ("text", "theme"),
    [
        ("Two drops of the polio vaccine for every child", "polio-eradication"),
        ("پولیو کے قطرے ہر بچے کے لیے", "polio-eradication"),  # Urdu
        ("د پولیو څاڅکي هر ماشوم ته", "polio-eradication"),  # Pashto
        ("قطره‌های پولیو برای هر کودک", "polio-eradication"),  # Dari, with ZWNJ
        ("Torkham border closed again, traders waiting", "trade-and-livelihoods"),
        ("Kabul aur Lahore dono shehron ke shaheed", "victims-of-terrorism"),  # Roman Urdu
    ],
)
def test_keywords_in_any_language_suggest_their_theme_and_say_what_matched(text, theme):
    found = suggested(text)
    assert found.get(theme)


@pytest.mark.parametrize(
    "text",
    [
        "Polio knows no border",
        "پولیو کی کوئی سرحد نہیں",  # Urdu: polio knows no border
        "د پولې دواړو غاړو ته خواخوږي",  # Pashto: sympathy to both sides of the border
        "غم مرز نمی‌شناسد",  # Dari: grief knows no border
        "Sarhad ke dono taraf ek hi dukh",  # Roman Urdu: the same grief on both sides of the border
    ],
)
def test_the_border_alone_does_not_make_a_message_about_trade(text):
    """Nearly every message here crosses the border; only crossings, closures and trade suggest the theme."""
    assert "trade-and-livelihoods" not in suggested(text)


@pytest.mark.parametrize(
    "text",
    ["طورخم بارڈر بند ہونے سے ٹرک کھڑے ہیں", "د تورخم د پولې تړل", "بسته شدن مرز تورخم", "sarhadi tijarat"],
)
def test_border_closures_and_crossings_still_suggest_trade(text):
    assert "trade-and-livelihoods" in suggested(text)


def test_arabic_letters_typed_for_persian_ones_still_match():
    assert "polio-eradication" in suggested("پوليو")  # Arabic ي instead of Persian ی


def test_short_keywords_do_not_match_inside_longer_words():
    found = suggested("کابل او لاهور")
    assert not any("تور" in matched for matched in found.values())


def test_a_theme_already_on_the_message_is_not_suggested_again():
    assert suggest_themes("polio vaccine", catalog(), exclude={"polio-eradication"}) == []


def test_hashtags_are_suggested_in_the_variants_language():
    tags = suggest_hashtags(["polio-eradication"], "ur", catalog())
    assert tags and all(tag.startswith("#") for tag in tags)
    assert tags == list(catalog().get("polio-eradication").hashtags.ur)


def test_folding_treats_common_spelling_variants_alike():
    assert fold("لاہور") == fold("لاهور")
    assert fold("ګل") == fold("گل")
    assert fold("می\u200cخواهم") == fold("میخواهم")
    assert fold("۲۴") == "24"


@pytest.mark.parametrize("control", ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u202a", "\u202b"])
def test_bidi_overrides_and_isolates_are_flagged_with_their_position(control):
    flags = bidi_flags(f"safe{control}text")
    assert [(f.position, f.found) for f in flags] == [(4, f"U+{ord(control):04X}")]


def test_ordinary_direction_marks_are_not_flagged():
    assert bidi_flags("امن\u200f and \u200epeace") == []


@pytest.mark.parametrize("link", ["javascript:alert(1)", "data:text/html,hi", "ftp://files.example.org/a"])
def test_non_web_links_are_flagged(link):
    assert link_flags(f"see {link} now")


@pytest.mark.parametrize("text", ["see https://example.org/a", "Note: this is fine", "time 10:30 ok"])
def test_web_links_and_ordinary_colons_are_not_flagged(text):
    assert link_flags(text) == []


def test_a_word_diff_shows_what_was_removed_and_added():
    assert word_diff("غم کابل یکی است", "غم لاهور یکی است") == [
        ("equal", "غم "),
        ("delete", "کابل"),
        ("insert", "لاهور"),
        ("equal", " یکی است"),
    ]
