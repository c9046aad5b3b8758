import pytest

from jewelpwa.domain.settings import FREQUENCY_PRESETS, EngineSettings, Tolerance, WindowRule
from jewelpwa.domain.vocab import Frequency, Kind, Tier


def test_defaults_follow_the_design_table():
    s = EngineSettings.default()
    assert s.windows[Kind.ANNIVERSARY] == WindowRule(-56, -42, 0)
    assert s.windows[Kind.CARE] == WindowRule(90, 100, 130)
    assert s.reconnect_days == {Tier.A: 45, Tier.B: 90, Tier.C: 90}
    assert s.tolerance_for(Frequency.NORMAL) == Tolerance(2, 30, 7)
    assert (s.country, s.max_tries, s.retry_days) == ("US", 0, 2)  # 0: no fixed cap on tries (issue 18)
    assert (s.plan_above_target, s.closed_weekdays, s.day_capacity(10)) == (20, frozenset(), 12)


def test_presets_low_and_high():
    assert FREQUENCY_PRESETS[Frequency.LOW] == Tolerance(1, 30, 14)
    assert FREQUENCY_PRESETS[Frequency.HIGH] == Tolerance(4, 30, 3)


def test_from_dict_overrides_only_what_the_store_changed():
    s = EngineSettings.from_dict(
        {
            "country": "gb",
            "windows": {"birthday": [-30, -14, 0]},
            "reconnect_days": {"A": 30},
            "frequency": {"normal": [3, 30, 5]},
        }
    )
    assert s.country == "GB"
    assert s.windows[Kind.BIRTHDAY] == WindowRule(-30, -14, 0)
    assert s.windows[Kind.ANNIVERSARY] == WindowRule(-56, -42, 0)
    assert s.reconnect_days[Tier.A] == 30 and s.reconnect_days[Tier.B] == 90
    assert s.tolerance_for(Frequency.NORMAL) == Tolerance(3, 30, 5)


def test_empty_dict_is_the_defaults_and_to_dict_round_trips():
    assert EngineSettings.from_dict({}) == EngineSettings.default()
    custom = EngineSettings.from_dict({"country": "FR", "windows": {"care": [80, 95, 120]}, "max_tries": 4})
    assert EngineSettings.from_dict(custom.to_dict()) == custom


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"colour": "red"}, "colour"),
        ({"windows": {"birthdy": [-21, -14, 0]}}, "birthdy"),
        ({"windows": {"birthday": [-10, -14, 0]}}, "windows.birthday"),
        ({"windows": {"birthday": [-21, -14]}}, "windows.birthday"),
        ({"windows": {"birthday": "soon"}}, "windows.birthday"),
        ({"windows": {"store_event": [0, 0, 1]}}, "store_event"),
        ({"reconnect_days": {"D": 30}}, "'D'"),
        ({"reconnect_days": {"A": 0}}, "reconnect_days.A"),
        ({"reconnect_days": {"A": True}}, "reconnect_days.A"),
        ({"frequency": {"normal": [0, 30, 7]}}, "frequency.normal"),
        ({"frequency": {"sometimes": [1, 30, 7]}}, "sometimes"),
        ({"country": "Britain"}, "country"),
        ({"tier_a_share": 1.5}, "tier_a_share"),
        ({"tier_a_share": 0.7, "tier_b_share": 0.5}, "tier_b_share"),
        ({"max_tries": "3"}, "max_tries"),
        ({"windows": []}, "windows"),
        ({"plan_above_target": 250}, "plan_above_target"),
        ({"plan_above_target": -5}, "plan_above_target"),
        ({"closed_weekdays": [7]}, "closed_weekdays"),
        ({"closed_weekdays": "sunday"}, "closed_weekdays"),
    ],
)
def test_from_dict_raises_value_error_naming_the_bad_key(overrides, named):
    with pytest.raises(ValueError, match=named.replace(".", r"\.")):
        EngineSettings.from_dict(overrides)


@pytest.mark.parametrize(
    ("tier", "touches", "every"),
    [
        (Tier.C, 0, 60),  # behind the five-a-year pace: the pace clock
        (Tier.C, 4, 60),
        (Tier.C, 5, 90),  # on pace: DESIGN's clock
        (Tier.B, 4, 60),
        (Tier.B, 12, 90),
        (Tier.A, 0, 45),  # tier A's clock is already sooner than the pace clock
        (Tier.C, None, 90),  # not counted: DESIGN's clock
    ],
)
def test_reconnect_clock_is_sooner_for_clients_behind_five_touches_a_year(tier, touches, every):
    assert EngineSettings.default().reconnect_every(tier, touches) == every


def test_pace_clock_is_a_store_setting_and_zero_turns_it_off():
    off = EngineSettings.from_dict({"pace_reconnect_days": 0})
    assert off.reconnect_every(Tier.C, 0) == 90
    seventy = EngineSettings.from_dict({"pace_reconnect_days": 70})
    assert seventy.reconnect_every(Tier.C, 2) == 70
    assert EngineSettings.from_dict(seventy.to_dict()) == seventy
    with pytest.raises(ValueError, match="pace_reconnect_days"):
        EngineSettings.from_dict({"pace_reconnect_days": -1})
