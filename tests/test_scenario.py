"""Scenario files: the built-in networks, strict validation, overrides, synthetic networks."""

import pytest

from model import ScenarioError, load_scenario
from model.scenario import builtin_scenarios, load_scenario_file, synthetic_scenario_from_spec

VALID = """
name = "mini"
horizon = 52
[parameters]
meeting_interval = 4
[[organisations]]
name = "a"
domain = "care"
role = "chair"
[[organisations]]
name = "b"
domain = "safety"
"""


def write(tmp_path, text):
    path = tmp_path / "net.toml"
    path.write_text(text)
    return path


def test_builtin_networks_match_the_study():
    assert builtin_scenarios() == ["x", "y"]
    x, y = load_scenario("x"), load_scenario("y")
    assert (x.n, y.n) == (9, 6)
    assert x.params.meeting_interval == 7 and y.params.meeting_interval == 4
    assert x.params.online and not y.params.online
    assert x.params.outsider_rate > 0 and y.params.outsider_rate == 0
    assert x.params.power_asymmetry == 0 and y.params.power_asymmetry > 0
    assert [o.name for o in x.organisations if o.role == "chair"] == ["Safety director"]
    assert [o.name for o in y.organisations if o.role == "chair"] == ["District team"]
    assert sum(o.overlap_group == "outreach" for o in x.organisations) == 2
    assert min(o.representative["capacity"] for o in x.organisations) < 0.5  # overloaded care org
    housing = next(o for o in y.organisations if o.domain == "housing")
    assert housing.conflict_of_interest > 0
    newcomer = next(e for e in y.events if e.org == housing.name)
    assert newcomer.representative["goal_alignment"] < 0.3
    assert x.horizon == y.horizon == 156


def test_valid_file_loads(tmp_path):
    sc = load_scenario(write(tmp_path, VALID))
    assert sc.n == 2 and sc.horizon == 52 and sc.params.meeting_interval == 4


@pytest.mark.parametrize("text, fragment", [
    (VALID + "colour = 'red'\n", "unknown key 'colour'"),
    (VALID.replace("meeting_interval = 4", "meeting_intervall = 4"), "unknown parameter 'meeting_intervall'"),
    (VALID.replace("meeting_interval = 4", "meeting_interval = 'often'"),
     "'meeting_interval' must be a number"),
    (VALID.replace("meeting_interval = 4", "meeting_interval = 4.5"), "whole number"),
    (VALID.replace("meeting_interval = 4", "shared_goal = 1.5"), "'shared_goal' must be between 0 and 1"),
    (VALID.replace('domain = "safety"', 'domain = "police"'), "'domain' must be one of"),
    (VALID.replace('domain = "safety"', 'domain = "safety"\ncapacity = -1'), "'capacity' must be between"),
    (VALID.replace('domain = "safety"', 'domain = "safety"\nrole = "chair"'), "at most one organisation"),
    (VALID.replace('name = "b"', 'name = "a"'), "must be unique"),
    (VALID + "[[events]]\nweek = 3\norg = 'zz'\n", "'org' must name an organisation"),
    (VALID + "[[events]]\nweek = 0\norg = 'a'\n", "'week' must be a whole number >= 1"),
    (VALID.replace("horizon = 52", "horizon = 'long'"), "'horizon' must be a whole number"),
    ("name = 'x'\n[[organisations]]\nname='a'\ndomain='care'\n", "at least two organisations"),
    ("this is = not toml [", "not valid TOML"),
])
def test_invalid_files_give_one_line_naming_file_and_key(tmp_path, text, fragment):
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError) as err:
        load_scenario_file(path)
    message = str(err.value)
    assert fragment in message
    assert str(path) in message
    assert "\n" not in message


def test_unknown_scenario_name():
    with pytest.raises(ScenarioError, match="no such scenario"):
        load_scenario("z")


def test_overrides_are_validated_and_applied():
    x = load_scenario("x").with_overrides({"turnover_rate": 0.3, "horizon": 52})
    assert x.params.turnover_rate == 0.3 and x.horizon == 52
    with pytest.raises(ScenarioError, match="unknown parameter 'turnover'"):
        load_scenario("x").with_overrides({"turnover": 0.3})
    with pytest.raises(ScenarioError, match="must be between"):
        load_scenario("x").with_overrides({"detect_prob": 2})


def test_synthetic_networks():
    sc = load_scenario("synthetic:200")
    assert sc.n == 200
    domains = [o.domain for o in sc.organisations]
    assert domains.count("care") == round(200 * 4 / 9)
    mixed = synthetic_scenario_from_spec("synthetic:10:care=1,safety=1")
    assert sorted({o.domain for o in mixed.organisations}) == ["care", "safety"]
    assert sum(o.role == "chair" for o in mixed.organisations) == 1
    for bad in ("synthetic:", "synthetic:1", "synthetic:10:police=1", "synthetic:10:care=x"):
        with pytest.raises(ScenarioError):
            load_scenario(bad)
