"""X counting and hashtag extraction against twitter-text's own conformance files (Apache-2.0).

Every case of today's counting rules (config v3: WeightedTweetsWithDiscountedEmojiCounterTest and
UnicodeDirectionalMarkerCounterTest in validate.yml) and of hashtag extraction (hashtags and
hashtags_from_astral in extract.yml) must pass.
"""

import json
from pathlib import Path

import pytest
import yaml

from planner.text import extract_hashtags, measure, platforms, weigh_for_x

CONFORMANCE = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "twitter-text"

if not (CONFORMANCE / "validate.yml").is_file() or not (CONFORMANCE / "extract.yml").is_file():
    pytest.skip(
        f"twitter-text conformance files not found in {CONFORMANCE} (they live beside the repository, in shared/)",
        allow_module_level=True,
    )


def _cases(file: str, section: str) -> list:
    tests = yaml.safe_load((CONFORMANCE / file).read_text("utf-8"))["tests"]
    cases = tests[section]
    assert cases, f"{file} has no cases in {section}"
    return [pytest.param(case, id=case["description"]) for case in cases]


def _assert_weighs_as_expected(case: dict) -> None:
    expected = case["expected"]
    weight = weigh_for_x(case["text"])
    assert weight.weighted_length == expected["weightedLength"]
    assert weight.valid is expected["valid"]
    if "permillage" in expected:
        assert weight.permillage == expected["permillage"]
    if "displayRangeStart" in expected:
        assert weight.display_range == (expected["displayRangeStart"], expected["displayRangeEnd"])
    if "validRangeStart" in expected:
        assert weight.valid_range == (expected["validRangeStart"], expected["validRangeEnd"])

    measurement = measure(case["text"], "x")
    assert measurement.count == expected["weightedLength"]
    assert measurement.ok is expected["valid"]


@pytest.mark.parametrize("case", _cases("validate.yml", "WeightedTweetsWithDiscountedEmojiCounterTest"))
def test_x_weighs_text_emoji_and_links_exactly_as_twitter_text_v3_does(case):
    _assert_weighs_as_expected(case)


@pytest.mark.parametrize("case", _cases("validate.yml", "UnicodeDirectionalMarkerCounterTest"))
def test_x_weighs_direction_marks_and_refuses_invalid_characters_as_twitter_text_does(case):
    _assert_weighs_as_expected(case)


@pytest.mark.parametrize("case", _cases("extract.yml", "hashtags"))
def test_hashtags_are_extracted_exactly_as_twitter_text_extracts_them(case):
    assert extract_hashtags(case["text"]) == case["expected"]


@pytest.mark.parametrize("case", _cases("extract.yml", "hashtags_from_astral"))
def test_hashtags_with_letters_beyond_the_basic_multilingual_plane_are_extracted(case):
    assert extract_hashtags(case["text"]) == case["expected"]


def test_the_x_weighting_in_platforms_yaml_is_twitter_text_config_v3():
    config = json.loads((CONFORMANCE / "config-v3.json").read_text("utf-8"))
    x = platforms().field("x")
    assert x.unit == "weighted"
    assert x.limit == config["maxWeightedTweetLength"]
    assert x.weighting is not None
    assert x.weighting.scale == config["scale"]
    assert x.weighting.default_weight == config["defaultWeight"]
    assert x.weighting.transformed_url_length == config["transformedURLLength"]
    assert x.weighting.emoji_parsing is config["emojiParsingEnabled"]
    assert [r.model_dump() for r in x.weighting.ranges] == config["ranges"]
