"""Measuring drafts in English, Urdu, Pashto and Dari for every platform, and the platform table behind it."""

import dataclasses

import pytest
import yaml

from planner.config import CONTENT_DIR
from planner.errors import ContentError
from planner.text import PLATFORMS_FILE, Unit, extract_hashtags, load_platforms, measure, platforms
from tests.conftest import in_a_fresh_process

URDU = "امن ہمارا حق ہے"  # peace is our right
PASHTO = "سوله زموږ حق دی"  # peace is our right
DARI = "ما صلح می\u200cخواهیم"  # we want peace (with a zero-width non-joiner, as Dari is written)
DOVE = "\U0001f54a"  # 🕊, outside the Basic Multilingual Plane

EXPECTED_FIELDS = {
    "x": (280, "weighted"),
    "facebook": (63206, "characters"),
    "instagram": (2200, "characters"),
    "linkedin": (3000, "characters"),
    "youtube": (5000, "utf8_bytes"),
    "youtube-title": (100, "characters"),
    "tiktok": (2200, "characters"),
    "telegram": (4096, "utf16_units"),
    "telegram-caption": (1024, "utf16_units"),
    "whatsapp": (None, "characters"),
}


# --- one test per unit ------------------------------------------------------------------------------------


def test_an_urdu_letter_is_two_utf8_bytes_in_a_youtube_description():
    measurement = measure("امن", "youtube")
    assert (measurement.count, measurement.unit, measurement.remaining) == (6, "utf8_bytes", 4994)
    assert measure(URDU, "youtube").count == 2 * len(URDU.replace(" ", "")) + URDU.count(" ")


def test_a_youtube_title_counts_characters_not_bytes():
    assert measure(URDU, "youtube-title").count == len(URDU)


def test_an_emoji_outside_the_basic_multilingual_plane_is_two_utf16_units_on_telegram():
    assert measure(DOVE, "telegram").count == 2
    assert measure(f"{PASHTO} {DOVE}", "telegram").count == len(PASHTO) + 1 + 2
    assert measure(f"{PASHTO} {DOVE}", "telegram-caption").count == len(PASHTO) + 1 + 2


def test_pashto_and_dari_letters_are_one_character_each_on_character_platforms():
    for platform in ("facebook", "instagram", "linkedin", "tiktok", "whatsapp"):
        assert measure(PASHTO, platform).count == len(PASHTO)
        assert measure(DARI, platform).count == len(DARI)


def test_characters_are_counted_after_nfc_normalisation():
    # alef + madda above, typed as two code points, is the one letter آ once composed
    assert measure("\u0627\u0653", "facebook").count == 1
    assert measure("\u0627\u0653", "youtube").count == len("\u0622".encode())
    assert measure("cafe\u0301", "linkedin").count == 4


# --- X ----------------------------------------------------------------------------------------------------


def test_an_urdu_sentence_on_x_weighs_one_per_letter():
    measurement = measure(URDU, "x")
    assert measurement.count == len(URDU)
    assert measurement.unit == "weighted"
    assert measurement.ok


def test_pashto_and_dari_with_a_zero_width_non_joiner_weigh_one_per_code_point_on_x():
    assert measure(PASHTO, "x").count == len(PASHTO)
    assert measure(DARI, "x").count == len(DARI)


def test_a_url_counts_23_on_x_however_long():
    long_url = "https://www.dawn.com/news/" + "a" * 300
    assert measure(long_url, "x").count == 23
    assert measure(f"{URDU} {long_url}", "x").count == len(URDU) + 1 + 23


def test_an_emoji_weighs_2_on_x_even_when_it_joins_several_code_points():
    assert measure(DOVE, "x").count == 2
    assert measure("\U0001f1f5\U0001f1f0\U0001f91d\U0001f1e6\U0001f1eb", "x").count == 6  # 🇵🇰🤝🇦🇫


def test_a_character_x_refuses_makes_the_post_not_ok_and_is_named():
    measurement = measure(f"\ufeff{URDU}", "x")
    assert not measurement.ok
    assert measurement.problems == ["X does not accept the character U+FEFF: remove it"]


# --- limits and hashtags ----------------------------------------------------------------------------------


def test_a_text_over_the_limit_reports_the_overage():
    measurement = measure("ا" * 300, "x")
    assert (measurement.count, measurement.limit, measurement.remaining) == (300, 280, -20)
    assert not measurement.ok
    assert measurement.problems == ["20 over the limit of 280"]


def test_an_overage_in_bytes_says_bytes():
    measurement = measure("ی" * 2501, "youtube")
    assert measurement.problems == ["2 over the limit of 5000 UTF-8 bytes"]
    assert measure("ی" * 2500, "youtube").ok


def test_a_text_exactly_at_the_limit_is_ok():
    measurement = measure("ل" * 1024, "telegram-caption")
    assert measurement.ok and measurement.remaining == 0 and measurement.problems == []


def test_instagram_with_six_hashtags_is_not_ok_and_says_why():
    text = f"{URDU} #امن #پاکستان #افغانستان #سوله #صلح #دوستی"
    measurement = measure(text, "instagram")
    assert measurement.hashtags == ["امن", "پاکستان", "افغانستان", "سوله", "صلح", "دوستی"]
    assert measurement.max_hashtags == 5
    assert not measurement.ok
    assert measurement.problems == ["6 hashtags: Instagram allows at most 5"]


def test_instagram_with_five_hashtags_is_ok():
    measurement = measure("#امن #پاکستان #افغانستان #سوله #صلح", "instagram")
    assert measurement.ok and measurement.problems == []


def test_hashtags_do_not_limit_platforms_without_a_hashtag_rule():
    measurement = measure(" ".join(f"#tag{n}a" for n in range(10)), "x")
    assert len(measurement.hashtags) == 10 and measurement.ok


def test_whatsapp_has_no_limit_so_nothing_remains_to_count_down():
    measurement = measure(URDU * 1000, "whatsapp")
    assert measurement.limit is None and measurement.remaining is None and measurement.ok


def test_an_empty_draft_is_within_every_limit():
    for field_id in EXPECTED_FIELDS:
        measurement = measure("", field_id)
        assert measurement.count == 0 and measurement.ok


def test_a_measurement_cannot_be_changed_after_the_fact():
    with pytest.raises(dataclasses.FrozenInstanceError):
        measure(URDU, "x").count = 0  # type: ignore[misc]


def test_an_unknown_platform_is_refused():
    with pytest.raises(KeyError):
        measure(URDU, "myspace")


# --- hashtags in our languages ----------------------------------------------------------------------------


def test_dari_hashtags_keep_their_zero_width_non_joiner():
    assert extract_hashtags("#می\u200cخواهیم_صلح") == ["می\u200cخواهیم_صلح"]


def test_hashtags_may_carry_persian_and_urdu_digits_but_not_be_only_digits():
    assert extract_hashtags("#پاکستان۲۰۲۶ #۱۴۰۵ #امن_۲") == ["پاکستان۲۰۲۶", "امن_۲"]


def test_a_hash_inside_a_link_is_not_a_hashtag():
    assert extract_hashtags("https://example.org/#امن and #صلح") == ["صلح"]


def test_hashtags_are_found_after_nfc_normalisation_when_measuring():
    assert measure("#\u0627\u0653زادی", "instagram").hashtags == ["آزادی"]


# --- the platform table -----------------------------------------------------------------------------------


def test_every_platform_in_platforms_yaml_loads_with_the_limits_and_units_of_the_domain():
    catalog = load_platforms()
    assert {f.id: (f.limit, f.unit.value) for f in catalog.fields} == EXPECTED_FIELDS
    assert catalog.field("instagram").max_hashtags == 5
    assert all(f.note.strip() for f in catalog.fields)


@pytest.mark.parametrize("field_id", list(EXPECTED_FIELDS))
def test_every_field_measures_a_mixed_draft_in_its_own_unit(field_id):
    measurement = measure(f"{URDU} {PASHTO} {DARI} {DOVE} #امن", field_id)
    assert measurement.platform == field_id
    assert measurement.unit in {unit.value for unit in Unit}
    assert measurement.count > 0
    assert measurement.hashtags == ["امن"]


def test_every_platform_a_drafter_can_pick_has_a_body_field_and_only_youtube_a_title():
    catalog = load_platforms()
    assert catalog.variant_ids() == [
        "x",
        "facebook",
        "instagram",
        "linkedin",
        "youtube",
        "tiktok",
        "telegram",
        "whatsapp",
    ]
    assert catalog.variant("youtube").body == "youtube"
    assert catalog.variant("youtube").title == "youtube-title"
    assert catalog.variant("telegram").body == "telegram"
    assert [v.id for v in catalog.variant_platforms if v.title] == ["youtube"]
    for variant in catalog.variant_platforms:
        catalog.field(variant.body)


def test_the_platforms_a_drafter_can_pick_are_the_platforms_of_the_vocabulary():
    vocabulary = yaml.safe_load((CONTENT_DIR / "vocabulary.yaml").read_text("utf-8"))
    assert {term["id"] for term in vocabulary["platforms"]} == set(load_platforms().variant_ids())


def test_the_real_platform_table_is_loaded_once():
    assert platforms() is platforms()


def _broken(tmp_path, change):
    raw = yaml.safe_load(PLATFORMS_FILE.read_text("utf-8"))
    change(raw)
    path = tmp_path / "platforms.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), "utf-8")
    return path


def test_a_broken_limit_is_reported_with_file_entry_and_field(tmp_path):
    path = _broken(tmp_path, lambda raw: raw["fields"][2].update(limit="lots"))
    with pytest.raises(ContentError, match=r"platforms\.yaml: fields entry 3 \(instagram\), field limit"):
        load_platforms(path)


def test_an_unknown_unit_is_reported_with_the_field(tmp_path):
    path = _broken(tmp_path, lambda raw: raw["fields"][1].update(unit="words"))
    with pytest.raises(ContentError, match=r"platforms\.yaml: fields entry 2 \(facebook\), field unit"):
        load_platforms(path)


def test_a_weighted_field_without_its_weighting_is_reported(tmp_path):
    path = _broken(tmp_path, lambda raw: raw["fields"][0].pop("weighting"))
    with pytest.raises(ContentError, match=r"fields entry 1 \(x\).*weighting"):
        load_platforms(path)


def test_a_variant_pointing_at_a_missing_field_is_reported(tmp_path):
    path = _broken(tmp_path, lambda raw: raw["variant_platforms"][4].update(title="youtube-heading"))
    with pytest.raises(ContentError, match=r"variant_platforms entry 5 \(youtube\), field title: 'youtube-heading'"):
        load_platforms(path)


def test_a_field_listed_twice_is_reported(tmp_path):
    path = _broken(tmp_path, lambda raw: raw["fields"].append(dict(raw["fields"][3])))
    with pytest.raises(ContentError, match=r"fields id 'linkedin' appears twice"):
        load_platforms(path)


def test_an_unreadable_platforms_file_is_reported(tmp_path):
    path = tmp_path / "platforms.yaml"
    path.write_text("fields: [unclosed", "utf-8")
    with pytest.raises(ContentError, match=r"platforms\.yaml: cannot be read"):
        load_platforms(path)


def test_x_counting_loads_without_pkg_resources_and_still_knows_its_emoji():
    """twitter-text-parser reads its emoji list through pkg_resources, 17 MB per server process; it is loaded
    with a stand-in instead, which is gone once the import is done."""
    script = (
        "import sys\n"
        "from planner.text import measure\n"
        "assert 'pkg_resources' not in sys.modules, 'pkg_resources was loaded'\n"
        "print(measure('\\U0001f469\\u200d\\U0001f4bb', 'x').count)\n"  # 👩‍💻, one emoji of three code points
    )
    assert in_a_fresh_process(script) == "2"
