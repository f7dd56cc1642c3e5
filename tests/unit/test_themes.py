"""The theme taxonomy in content/: the real file loads, and a broken one says where it is broken."""

import pytest
import yaml

from planner.errors import ContentError
from planner.languages import Language
from planner.themes import THEMES_FILE, load_catalog

REQUIRED = {
    "victims-of-terrorism",
    "polio-eradication",
    "trade-and-livelihoods",
    "poverty",
    "refugees-and-returnees",
    "education",
    "people-to-people",
    "digital-literacy",
    "online-safety",
    "mob-violence",
    "religious-harmony",
    "womens-voices",
    "youth-dialogue",
}


def test_the_real_taxonomy_loads_with_every_theme_the_domain_names():
    catalog = load_catalog()
    assert len(catalog.themes) >= 12
    assert set(catalog.ids()) >= REQUIRED


def test_every_theme_has_a_label_in_every_language_and_rtl_labels_are_in_arabic_script():
    for theme in load_catalog().themes:
        for language in Language:
            label = theme.label(language)
            if language.rtl:
                assert any("\u0600" <= ch <= "\u06ff" for ch in label), (theme.id, language)


def test_religion_sect_blasphemy_and_ethnicity_themes_are_sensitive():
    sensitive = load_catalog().sensitive_ids()
    assert {"religious-harmony", "mob-violence"} <= sensitive
    assert "polio-eradication" not in sensitive


def test_urdu_and_dari_text_uses_persian_letters_not_arabic_ones():
    """Arabic ي and ك look alike but break search and matching; Pashto legitimately uses ي."""
    for theme in load_catalog().themes:
        for language in ("ur", "fa"):
            text = " ".join(
                [
                    getattr(theme.labels, language),
                    *getattr(theme.keywords, language),
                    *getattr(theme.hashtags, language),
                ]
            )
            assert "\u064a" not in text and "\u0643" not in text, (theme.id, language)


def _write(tmp_path, themes):
    path = tmp_path / "themes.yaml"
    path.write_text(yaml.safe_dump(themes, allow_unicode=True), "utf-8")
    return path


def _valid_theme():
    return yaml.safe_load(THEMES_FILE.read_text("utf-8"))[0]


def test_a_missing_label_is_reported_with_file_theme_and_field(tmp_path):
    theme = _valid_theme()
    del theme["labels"]["ps"]
    with pytest.raises(ContentError, match=r"themes\.yaml: theme 1 \(.+\), field labels\.ps"):
        load_catalog(_write(tmp_path, [theme]))


def test_a_hashtag_with_a_space_is_reported(tmp_path):
    theme = _valid_theme()
    theme["hashtags"]["en"] = ["#two words"]
    with pytest.raises(ContentError, match=r"field hashtags\.en"):
        load_catalog(_write(tmp_path, [theme]))


def test_a_duplicate_theme_id_is_reported(tmp_path):
    theme = _valid_theme()
    with pytest.raises(ContentError, match="appears twice"):
        load_catalog(_write(tmp_path, [theme, theme]))


def test_a_file_that_is_not_yaml_is_reported_with_its_name(tmp_path):
    path = tmp_path / "themes.yaml"
    path.write_text("- id: [unclosed", "utf-8")
    with pytest.raises(ContentError, match=r"themes\.yaml: cannot be read"):
        load_catalog(path)
