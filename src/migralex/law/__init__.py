"""The law core: acts, article texts, dated parameters and the time-limit calculus."""

from migralex.law.acts import (
    Act,
    Regime,
    acts,
    governing_regime,
    procedure_regime,
    resolve_act,
    responsibility_regime,
)
from migralex.law.params import Parameter, ParameterSet, compare, param, params
from migralex.law.refs import LegalRef
from migralex.law.texts import Article, article, articles, search
from migralex.law.timelimits import Deadline, Period, add_period, deadline

__all__ = [
    "Act", "Article", "Deadline", "LegalRef", "Parameter", "ParameterSet", "Period", "Regime",
    "acts", "add_period", "article", "articles", "compare", "deadline", "governing_regime", "param",
    "params", "procedure_regime", "resolve_act", "responsibility_regime", "search",
]  # fmt: skip
