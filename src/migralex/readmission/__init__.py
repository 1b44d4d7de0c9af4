"""Readmission leverage: the indicators of the visa suspension mechanism (Reg. 2018/1806 Art. 8).

An analyst's aid: it shows, per third country, what the Commission looks at; the decision to
suspend a visa exemption is the Commission's (Art. 8), never this package's.
"""

from migralex.readmission.indicators import indicators
from migralex.readmission.triggers import DISCLAIMER, assess

__all__ = ["DISCLAIMER", "assess", "indicators"]
