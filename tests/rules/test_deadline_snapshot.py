"""The deadline table is the committed snapshot: a refactoring of the deadlines changes no answer.

The snapshot (tests/rules/snapshots/deadlines.jsonl.gz) was written by the deadline code before
the catalogue (src/migralex/law/deadlines.yaml) replaced it, and the catalogue reproduced it row for
row; see `snapshots/deadline_table.py`. It was rewritten since for deliberate changes of the law's
reading, each checked to touch only the cases it concerns: relocated applicants (AMMR Arts 38(1),
46(1) third subparagraph, 67(9)-(11): the relocation procedure instead of a take charge chain;
every changed row belonged to a case with `relocated_to`); and who is bound (law/participation.yaml):
cases registered in Denmark lose the APR registration, lodging and border procedure limits and RCD
labour-market access, cases registered in Ireland the screening and return border procedure
(Schengen developments; their registration limit runs without APR Art. 27(7)), and the
participation examples add their rows; every other row was identical. The legal review of
issue 12/11 rewrote texts only (no date): the `runs_from` of the crisis and Dublin III transfer
variants (CFMR Art. 12(2)(d), Dublin III Art. 29(1) name the take back confirmation and the appeal)
and the `note` of the crisis take charge reply (CFMR Art. 12(3)): only those fields changed.
Who is an applicant (AMMR Art. 2(1)): the synthetic batch draws no national of a free-movement
State (CH, IS, LI, NO become the next third country in code order, the random stream untouched):
16 rows of the two synthetic cases drawn as Norwegian changed or were added (as Nepalese, their
recognition rate opens the border procedure), every other row was identical.
CFMR Art. 12 per Member State in the deadlines without events (`crisis=`, the authorisations):
the examples of tests/rules/examples/cfmr_12_deadlines_per_state.yaml added their 64 rows, every
other row was identical. CFMR Art. 12(4) (the Member State responsible authorised): the Sweden
example's transfer takes the one year (`crisis_responsible`) and a new example adds its 8 rows; every
other row was identical.
Dublin III Art. 42 (reading `dublin3.reading.last_day_roll`, default `no_roll`: no roll-forward to
the next working day): 687 rows changed, all Dublin III variants and only their dates - the
`date` of 150 `take_charge_request` rows (Art. 21(1)) and the `latest` of 265 `take_charge_reply`
(Art. 22(1)) and 272 `transfer` rows (Art. 29(1)), each earlier than before (a last day on a
weekend or holiday no longer rolls; chained `latest` bounds by up to a week); the new Art. 42
examples of tests/rules/examples/deadlines.yaml added their rows; every other row was identical.
The Dublin III criteria windows by its Art. 42 too (the same reading, not AMMR Art. 75): 3 rows
fewer, all of one case (synthetic, regime forced to Dublin III, syn-00002515: crossed into Croatia on
Friday 18 December 2026, registered in Germany on Monday 20 December 2027; the 12 months of Art. 13(1)
end on Saturday 18 December and no longer roll to the Monday, so Germany is responsible under
Art. 3(2) and the take charge request, reply and transfer rows are gone); every other row was identical.
Dublin III take charge request after a hit in the table without events (CJEU C-670/16 Mengesteab,
reading `dublin3.reading.take_charge_request_after_hit`, default `three_month_cap`): the hit is not
dated, so the request keeps no date, but it now has the three months from the lodging as its
`latest` bound (variant `dublin3_after_hit_capped`) and the reply and transfer chain from it: 2,064
rows changed, those of the 688 Dublin III after-hit cases of the synthetic scenarios (1,068 rows
forced_dublin3, 498 by_date, 498 crisis) - per case the `take_charge_request` row (`latest` from
none to a date, `legal_basis`, `runs_from`, `note`) and the `take_charge_reply` and `transfer` rows
(`latest` only, from none to a date); no `date` changed; three new examples of
tests/rules/examples/deadlines.yaml added their 16 rows; every other row was identical.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from tests.rules.snapshots import deadline_table


def _key(row: dict[str, Any]) -> tuple[str, str, str]:
    return (row["source"], row["id"], row["name"])


def test_snapshot_covers_every_deadline_and_scenario() -> None:
    rows = deadline_table.load()
    names = {r["name"] for r in rows}
    assert len(names) == 14, sorted(names)
    sources = {r["source"] for r in rows if r["source"].startswith("synthetic/")}
    assert sources == {f"synthetic/{s}" for s in deadline_table.SCENARIOS}
    assert sum(r["date"] is not None for r in rows) > 1000


def test_deadline_table_is_identical_to_the_snapshot() -> None:
    want = deadline_table.load()
    got = deadline_table.rows()
    assert len(got) == len(want)
    diff = [(w, g) for w, g in zip(want, got, strict=True) if w != g]
    if diff:
        counts = Counter(_key(w)[2] for w, _ in diff)
        raise AssertionError(f"{len(diff)} rows differ (by deadline: {dict(counts)}); first: {diff[0]}")
