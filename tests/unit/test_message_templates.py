"""Post templates per theme: every theme has one in English and one in Urdu, Pashto or Dari."""

import pytest
import yaml

from planner.errors import ContentError
from planner.languages import Language
from planner.message_templates import MESSAGE_TEMPLATES_FILE, load_message_templates, templates_for
from planner.themes import catalog


@pytest.mark.parametrize("theme_id", catalog().ids())
def test_every_theme_has_an_english_and_a_right_to_left_template(theme_id):
    languages = {t.language for t in load_message_templates() if t.theme == theme_id}
    assert Language.EN in languages
    assert languages & {Language.UR, Language.PS, Language.FA}


def test_templates_are_offered_for_the_messages_themes_in_the_variants_language():
    offered = templates_for(["polio-eradication"], "ps")
    assert offered and all(t.theme == "polio-eradication" and t.language == "ps" for t in offered)


def test_a_template_with_an_unknown_theme_is_reported_with_its_field(tmp_path):
    raw = yaml.safe_load(MESSAGE_TEMPLATES_FILE.read_text("utf-8"))[:1]
    raw[0]["theme"] = "astrology"
    path = tmp_path / "message-templates.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), "utf-8")
    with pytest.raises(ContentError, match=r"message-templates\.yaml: template 1 .*field theme"):
        load_message_templates(path)
