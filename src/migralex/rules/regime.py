"""The regime a caller forces: the Pact's rules or those before it, whatever the dates.

By default the engine derives the regime from the dates: AMMR Art. 84(2) for responsibility (the
AMMR from a first registration on 1 July 2026, Dublin III before) and APR Art. 79(3) for the
procedure (the APR for applications lodged from 12 June 2026). A scenario may set the dates aside
(`regime=`):
- `"AMMR"`: the Pact - the AMMR criteria, the APR, and the CFMR derogations where the context
  authorises them - on any date;
- `"DUBLIN_III"`: the rules before the Pact - the Dublin III criteria (even before 1 January 2014,
  its Art. 49 set aside), and the procedure under Directive 2013/32/EU, which is not modelled.
An answer under a forced regime says so in its legal basis and its trace. Dated parameters take
their first value on dates before it (the Pact's numbers as enacted).
"""

from __future__ import annotations

from migralex.errors import InvalidInput

#: The regimes a caller may force (None: by the dates).
FORCEABLE = ("AMMR", "DUBLIN_III")
#: What the legal basis and trace say of a forced regime.
FORCED = "the regime was forced by the caller (a scenario), not derived from the date"


def forced_regime(regime: str | None, field: str = "regime") -> str | None:
    """The regime a caller forces, normalised (`dublin_iii` → `DUBLIN_III`), or None (by date)."""
    if regime is None:
        return None
    key = str(regime).strip().upper().replace("-", "_").replace(" ", "_")
    if key not in FORCEABLE:
        raise InvalidInput(field, f"{regime!r} is not one of {', '.join(FORCEABLE)} (or none: by the date)")
    return key
