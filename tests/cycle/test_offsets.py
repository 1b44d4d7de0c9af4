"""AMMR Arts 60(3), 61-63: deductions and responsibility offsets on both sides of each threshold.

The hand-made key: AT, BE, DE 1/5 each, FR 2/5; with 30,000 relocations the fair shares are
6,000, 6,000, 6,000 and 12,000.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from migralex.cycle.offsets import CAP_READING, capped_apportionment, evaluate_pledges, pool_triggers
from migralex.cycle.pledges import parse_pledges
from migralex.cycle.pool import fair_shares, pool_size
from migralex.errors import InvalidInput, UnknownReference
from migralex.law.params import params

from .conftest import ON


def run(key, pledges: dict, reference: int = 30_000, parameters=None, on=ON):
    """Evaluate `pledges` (the PLEDGES.json content) against the key with `reference` relocations."""
    pool = pool_size(reference, on=ON)
    return evaluate_pledges(
        fair_shares(key, pool), pool, parse_pledges(pledges), on=on, parameters=parameters
    )


def spread(total: int) -> dict:
    """Relocation pledges adding up to `total`, all from FR (whose fair share is 12,000)."""
    return {"FR": {"relocations": total}}


@pytest.mark.parametrize(("pledged", "allowed"), [(14_997, False), (14_999, False), (15_000, True)])
def test_63_1_request_threshold_at_50_percent(four_key, pledged, allowed) -> None:
    # 14,997 is 49.99 % of 30,000
    result = run(
        four_key, {"pledges": {"FR": {"relocations": 12_000}, "DE": {"relocations": pledged - 12_000}}}
    )
    assert result.figure("offsets_may_be_requested").value is allowed
    assert result.frame.filter(result.frame["member_state"] == "AT")["may_offer_offsets"][0] is allowed


@pytest.mark.parametrize(("pledged", "may_offer"), [(2_999, False), (3_000, True)])
def test_63_2_b_own_threshold_at_half_the_fair_share(four_key, pledged, may_offer) -> None:
    result = run(four_key, {"pledges": {"AT": {"relocations": pledged}}})
    row = result.frame.row(0, named=True)
    assert row["member_state"] == "AT" and row["fair_share_relocations"] == 6_000
    assert row["may_offer_offsets"] is may_offer
    assert ("63(2)(b)" in row["explanation"]) is may_offer


def test_63_2_not_for_a_benefitting_member_state(four_key) -> None:
    result = run(four_key, {"benefitting": ["AT"], "pledges": {"AT": {"relocations": 6_000}}})
    assert not result.frame.row(0, named=True)["may_offer_offsets"]


@pytest.mark.parametrize(("pledged", "mandatory"), [(29_999, True), (30_000, False)])
def test_63_3_a_below_30000_after_a_reconvened_forum(four_key, pledged, mandatory) -> None:
    pledges = {
        "reconvened_forum": True,
        "pledges": {
            "FR": {"relocations": 12_000},
            "DE": {"relocations": 6_000},
            "AT": {"relocations": 6_000},
            "BE": {"relocations": pledged - 24_000},
        },
    }
    result = run(four_key, pledges)
    assert result.figure("offsets_mandatory").value is mandatory
    assert result.figure("offsets_assigned").value == (1 if mandatory else 0)


def test_63_3_needs_the_reconvened_forum(four_key) -> None:
    result = run(four_key, {"reconvened_forum": False, "pledges": spread(1_000)})
    assert result.figure("offsets_mandatory").value is False
    assert any("not reconvened" in n for n in result.notes)


@pytest.mark.parametrize(("pledged", "mandatory"), [(35_999, True), (36_000, False)])
def test_63_3_b_below_60_percent_of_the_reference_number(four_key, pledged, mandatory) -> None:
    # reference 60,000: 60 % is 36,000, above the 30,000 of 63(3)(a), so (b) decides
    pledges = {
        "reconvened_forum": True,
        "pledges": {"FR": {"relocations": 24_000}, "AT": {"relocations": pledged - 24_000}},
    }
    result = run(four_key, pledges, reference=60_000)
    assert result.figure("mandatory_number").value == 36_000
    assert result.figure("offsets_mandatory").value is mandatory


@pytest.mark.parametrize(("reading", "needed"), [("gap", 26_000), ("total", 36_000)])
def test_offsets_cap_reading_gap_or_total(four_key, reading, needed) -> None:
    ps = params().overlay({CAP_READING: reading})
    result = run(
        four_key, {"reconvened_forum": True, "pledges": spread(10_000)}, reference=60_000, parameters=ps
    )
    assert result.figure("offsets_needed").value == needed
    # caps: fair shares 12,000 / 12,000 / 12,000 / 24,000 less FR's 10,000 relocations = 50,000 ≥ needed
    assert result.figure("offsets_assigned").value == needed
    assert result.figure("offsets_shortfall").value == 0


def test_63_7_no_member_state_beyond_its_fair_share(four_key) -> None:
    # AT, BE, DE are benefitting; FR pledged 2,000 of its 12,000: it can take at most 10,000
    pledges = {"reconvened_forum": True, "benefitting": ["AT", "BE", "DE"], "pledges": spread(2_000)}
    result = run(four_key, pledges)
    fr = result.frame.filter(result.frame["member_state"] == "FR").row(0, named=True)
    assert fr["offset_cap"] == 10_000 and fr["mandatory_offsets"] == 10_000
    assert result.figure("offsets_needed").value == 28_000
    assert result.figure("offsets_shortfall").value == 18_000
    others = result.frame.filter(result.frame["member_state"] != "FR")
    assert (others["mandatory_offsets"] == 0).all() and (~others["obliged_to_implement"]).all()


def test_mandatory_offsets_follow_the_key(four_key) -> None:
    result = run(four_key, {"reconvened_forum": True, "pledges": {}})
    got = dict(zip(result.frame["member_state"], result.frame["mandatory_offsets"], strict=True))
    assert got == {"AT": 6_000, "BE": 6_000, "DE": 6_000, "FR": 12_000}


def test_63_4_deductions_trigger_without_a_forum(four_key) -> None:
    full = {
        "AT": {"relocations": 6_000},
        "BE": {"relocations": 6_000},
        "DE": {"relocations": 6_000},
        "FR": {"relocations": 12_000},
    }
    assert run(four_key, {"pledges": full}).figure("offsets_mandatory").value is False
    deducted = run(four_key, {"pledges": full, "deductions": {"DE": {"fraction": 0.5, "article": "62"}}})
    assert deducted.figure("relocations_to_implement").value == 27_000
    assert deducted.figure("offsets_mandatory").value is True
    assert deducted.figure("offsets_needed").value == 3_000
    de = deducted.frame.filter(deducted.frame["member_state"] == "DE").row(0, named=True)
    assert de["relocations_to_implement"] == 3_000 and de["deduction_article"] == "AMMR Art. 62"
    # DE's cap is its fair share less what it still implements: 6,000 − 3,000
    assert de["offset_cap"] == 3_000
    full_deduction = run(four_key, {"pledges": full, "deductions": {"DE": {"fraction": 1}}})
    de = full_deduction.frame.filter(full_deduction.frame["member_state"] == "DE").row(0, named=True)
    assert not de["obliged_to_implement"] and de["mandatory_offsets"] == 0


def test_63_5_unimplemented_relocations_after_the_year(four_key) -> None:
    result = run(four_key, {"pledges": {"AT": {"relocations": 500, "implemented_relocations": 320}}})
    assert result.frame.row(0, named=True)["offsets_after_year"] == 180
    assert result.frame.row(1, named=True)["offsets_after_year"] is None


def test_fair_share_value_counts_every_type_at_equal_value(four_key) -> None:
    pool = pool_size(30_000, on=ON)
    fair_eur = 6_000 * pool.eur_per_relocation
    half = int(fair_eur / 2)
    meets = run(
        four_key, {"pledges": {"AT": {"relocations": 3_000, "financial_eur": half - 1, "alternative_eur": 1}}}
    )
    assert meets.frame.row(0, named=True)["meets_fair_share"]
    short = run(four_key, {"pledges": {"AT": {"relocations": 3_000, "financial_eur": half - 1}}})
    assert not short.frame.row(0, named=True)["meets_fair_share"]


def test_offset_rules_apply_only_from_the_ammr_date(four_key) -> None:
    with pytest.raises(UnknownReference, match="applies from 2026-07-01"):
        run(four_key, {"pledges": {}}, on=dt.date(2026, 6, 30))


def test_pledges_outside_the_member_set_are_refused(four_key) -> None:
    with pytest.raises(InvalidInput, match="IT not in"):
        run(four_key, {"pledges": {"IT": {"relocations": 1}}})


def test_capped_apportionment_water_fills() -> None:
    # weights 1:1:2 for 100 with caps 10, 100, 100: A capped at 10, the 90 left split 1:2 → 30, 60
    assert capped_apportionment([Fraction(1), Fraction(1), Fraction(2)], [10, 100, 100], 100) == [10, 30, 60]
    assert capped_apportionment([Fraction(1), Fraction(1)], [3, 4], 100) == [3, 4]
    assert capped_apportionment([Fraction(1), Fraction(0)], [5, 5], 4) == [4, 0]


def test_pool_triggers_reasons_name_the_articles() -> None:
    t = pool_triggers(
        10_000,
        Fraction(10_000),
        proposal_relocations=30_000,
        reference_relocations=30_000,
        reconvened_forum=True,
        on=ON,
    )
    assert t.mandatory_63_3 and not t.mandatory_63_4 and not t.request_allowed
    assert any(r.startswith("Art. 63(1)") for r in t.reasons) and any(
        r.startswith("Art. 63(3)") for r in t.reasons
    )
