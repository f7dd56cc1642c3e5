"""Campaign templates in content/: the real ones load; a broken one says where it is broken."""

import pytest
import yaml

from planner.errors import ContentError
from planner.templates import TEMPLATES_DIR, load_template, load_templates
from planner.themes import catalog


def test_at_least_three_templates_load_including_the_seed_campaigns():
    loaded = load_templates()
    assert {"shared-grief", "polio-trust", "border-trade"} <= set(loaded)


@pytest.mark.parametrize("template", load_templates().values(), ids=lambda t: t.id)
def test_every_template_covers_each_kpi_tier_and_plans_for_messenger_safety(template):
    tiers = {kpi.metric for kpi in template.kpis}
    assert tiers & {"reach", "impressions", "video-views"}
    assert tiers & {"survey-result", "coded-comments", "offline-actions"}
    assert all(person.safety_plan for person in template.messengers if person.risk_level != "low")
    assert all(theme in catalog().ids() for theme in template.message.themes)
    assert all(objective.deadline_day <= template.duration_days for objective in template.objectives)


def _broken(tmp_path, change) -> object:
    raw = yaml.safe_load((TEMPLATES_DIR / "shared-grief.yaml").read_text("utf-8"))
    change(raw)
    path = tmp_path / "shared-grief.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), "utf-8")
    return path


def test_an_unknown_metric_is_reported_with_file_and_field(tmp_path):
    path = _broken(tmp_path, lambda raw: raw["objectives"][0].update(metric="vibes"))
    with pytest.raises(ContentError, match=r"shared-grief\.yaml: field objectives\.0\.metric: unknown metrics"):
        load_template(path)


def test_a_missing_section_is_reported(tmp_path):
    path = _broken(tmp_path, lambda raw: raw.pop("action"))
    with pytest.raises(ContentError, match=r"field action: Field required"):
        load_template(path)


def test_an_id_that_differs_from_the_file_name_is_reported(tmp_path):
    path = _broken(tmp_path, lambda raw: raw.update(id="other"))
    with pytest.raises(ContentError, match="must match the file name"):
        load_template(path)
