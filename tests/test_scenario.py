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
    # both online during COVID (from week 52); Y physical again at the end, X not
    from model.levers import scheduled
    from model.structure import Structure
    sx, sy = Structure.from_scenario(x), Structure.from_scenario(y)
    assert not x.params.online and not y.params.online  # physical at the founding
    assert scheduled(sx, 60)["online"] == 1.0 and scheduled(sy, 60)["online"] == 1.0
    assert scheduled(sx, 150)["online"] == 1.0 and scheduled(sy, 150)["online"] == 0.0
    assert scheduled(sx, 10) == {} and scheduled(sy, 10) == {}
    assert x.params.outsider_rate > 0 and y.params.outsider_rate == 0
    assert x.params.power_asymmetry == 0 and y.params.power_asymmetry > 0
    assert [o.name for o in x.organisations if o.role == "chair"] == ["Safety director"]
    assert [o.name for o in y.organisations if o.role == "chair"] == ["District team"]
    assert sum(o.overlap_group == "outreach" for o in x.organisations) == 2
    assert min(o.representative["capacity"] for o in x.organisations) < 0.5  # overloaded care org
    housing = next(o for o in y.organisations if o.domain == "housing")
    assert y.breach.org == housing.name and y.breach.week == 104 and x.breach is None
    assert y.params.breach_conflict > 0 and y.params.breach_alignment < 0.3  # the hypothesis' defaults
    assert housing.colleague and not any(o.colleague for o in x.organisations)
    assert not any(e.org == housing.name for e in y.events)  # the breach is not an ordinary event
    assert x.horizon == y.horizon == 156
    assert {o.respondent for o in x.organisations} - {""} == {f"R{k}" for k in range(1, 8)}
    assert {o.respondent for o in y.organisations} - {""} == {"R8", "R9", "R10", "R11"}


# differences between X and Y that the study supports (section and seed lines in the files)
CITED_DIFFERENCES = {"meeting_interval", "outsider_rate", "informal_rate", "power_asymmetry", "task_clarity"}


def test_parity_y_equals_x_where_the_study_is_silent():
    """Every network-level input on which X and Y differ is a cited difference, and each
    cited difference carries a seed line reference in both scenario files."""
    x, y = load_scenario("x"), load_scenario("y")
    differ = {k for k, v in x.params.to_dict().items() if getattr(y.params, k) != v}
    assert differ == CITED_DIFFERENCES
    for rep in ("goal_alignment", "capacity", "values_feedback", "availability", "opportunism_threshold"):
        base_x = {o.representative[rep] for o in x.organisations if o.role == "minute-taker"}
        base_y = {o.representative[rep] for o in y.organisations if o.role == "minute-taker"}
        assert base_x == base_y, rep  # the [representative] defaults are equal
    from importlib import resources
    for name in ("x", "y"):
        text = (resources.files("model.scenarios") / f"{name}.toml").read_text()
        for key in CITED_DIFFERENCES:
            line = next(ln for ln in text.splitlines() if ln.startswith(f"{key} ="))
            assert "§" in line, (name, key)
            assert any(ch.isdigit() for ch in line.split("#", 1)[1]), (name, key)  # a seed line


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
