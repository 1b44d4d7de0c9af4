"""The registry policy is the Regulation's structure: every citation exists and quotes the article."""

from __future__ import annotations

import datetime as dt

import pytest

from migralex.errors import LawDataError
from migralex.law import article, params
from migralex.law.texts import TEXT_FILES
from migralex.registry.categories import Category, Role, category_applies, load_policy, policy

CITATIONS = [(w, c) for w, c in policy().all_citations if c.confidence == "TEXT"]
SECONDARY = [(w, c) for w, c in policy().all_citations if c.confidence == "SECONDARY"]


@pytest.mark.parametrize(("where", "c"), CITATIONS, ids=[w for w, _ in CITATIONS])
def test_every_citation_exists_and_its_quote_is_in_that_paragraph(where, c) -> None:
    assert c.ref.act in TEXT_FILES, f"{where}: a TEXT citation is of a shipped text"
    art = article(c.ref.act, c.ref.article)
    if c.ref.paragraph:
        assert art.has_paragraph(c.ref.paragraph), f"{where}: {c.cite()}"
    if c.ref.point:
        assert c.ref.point in art.points(c.ref.paragraph), f"{where}: {c.cite()}"
    assert c.quote, f"{where}: every citation of the policy quotes the article"
    scope = art.paragraphs()[c.ref.paragraph] if c.ref.paragraph else art.text
    assert " ".join(c.quote.split()) in " ".join(scope.split()), f"{where}: quote not in {c.cite()}"


@pytest.mark.parametrize(("where", "c"), SECONDARY, ids=[w for w, _ in SECONDARY])
def test_a_secondary_citation_names_an_indexed_article_of_an_unshipped_act_without_a_quote(where, c) -> None:
    assert c.ref.act not in TEXT_FILES, f"{where}: {c.ref.act} is shipped: quote it (TEXT)"
    article(c.ref.act, c.ref.article)  # the article is in the act's shipped index
    assert c.quote is None and c.note, f"{where}: no invented quote; a note says where the words come from"


def test_every_eurodac_citation_is_quoted_from_the_shipped_text() -> None:
    eurodac = [(w, c) for w, c in policy().all_citations if c.ref.act == "EURODAC"]
    assert len(eurodac) >= 80
    assert all(c.confidence == "TEXT" and c.quote for _, c in eurodac)
    for key, rule in policy().categories.items():
        if rule.act == "EURODAC":
            assert rule.reference_digit and rule.reference_ref and rule.reference_ref.quote, key
            assert Category.return_alert not in rule.compared_with | rule.compared_with_if_marked, key
    assert Category.return_alert not in policy().le_compared_with


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (  # a Eurodac citation cannot drop its quote by calling itself SECONDARY
            'own_data_comparison: {article: "27", paragraph: "3", quote:',
            'own_data_comparison: {confidence: SECONDARY, note: "x", article: "27", paragraph: "3", quote:',
            "SECONDARY citation is of an act whose text is not shipped",
        ),
        (  # nor drop it silently
            'linking: {article: "3", paragraph: "6", quote: "All datasets',
            'linking: {article: "3", paragraph: "6", note: "All datasets',
            "TEXT citation quotes the shipped text",
        ),
        (  # an unshipped act's words cannot pass for a checked quote
            'return_confirmed: {act: SIS_RETURN, article: "6", confidence: SECONDARY,',
            'return_confirmed: {act: SIS_RETURN, article: "6", quote: "deleted",',
            "TEXT citation quotes the shipped text",
        ),
        (  # a Eurodac category keeps its Art. 37(4) reference digit
            '    reference_digit: "3"\n',
            "",
            "reference digit and its article for every EURODAC category",
        ),
    ],
)
def test_the_policy_refuses_to_weaken_a_citation(old: str, new: str, message: str) -> None:
    from importlib import resources

    text = resources.files("migralex.registry").joinpath("policy.yaml").read_text("utf-8")
    assert old in text
    with pytest.raises(LawDataError, match=message):
        load_policy(text.replace(old, new), params())


def test_stored_categories_are_compared_with_every_stored_category_except_urf_and_national_schemes() -> None:
    p = policy()
    # Eurodac's own categories: an alert on return (Reg. 2018/1860) is neither compared nor compared with
    stored = {k for k, r in p.categories.items() if r.recorded and r.act == "EURODAC"}
    compared = {k for k, r in p.categories.items() if r.compared}
    # Art. 27(1): all except Art. 18 and Art. 20 transmissions are compared
    not_compared = {
        Category.admission_granted,
        Category.admission_refused,
        Category.admission_discontinued,
        Category.national_resettlement,
    }
    assert compared == (stored - not_compared) | {Category.admission_registered}
    for key in compared - {Category.admission_registered}:
        assert p.categories[key].compared_with == stored
    # Art. 27(2): Art. 18(1) data only with marked applicants, 18(2) and 20
    reg = p.categories[Category.admission_registered]
    assert not reg.recorded
    assert reg.compared_with_if_marked == {Category.applicant}
    assert Category.applicant not in reg.compared_with
    assert Category.irregular_crossing not in reg.compared_with


def test_citizenship_erasure_follows_the_periods_listed_in_article_30() -> None:
    # Art. 30(1) lists Art. 29(1), (3), (5), (6), (7), (8), (9): the 29(4) categories are not there
    p = policy()
    for key, rule in p.categories.items():
        if not rule.recorded or rule.act != "EURODAC":
            continue
        listed = rule.retention != "eurodac.retention.admission_refused"
        assert rule.citizenship_erasure == listed, key
        assert ("citizenship_acquired" in rule.actions) == listed, key


def test_reference_digits_are_those_of_article_37() -> None:
    digits = {k: r.reference_digit for k, r in policy().categories.items()}
    assert digits[Category.applicant] == "1"
    assert digits[Category.irregular_crossing] == "2"
    assert digits[Category.illegal_stay] == "3"
    assert digits[Category.sar_disembarkation] == "9"
    assert digits[Category.temporary_protection] == "0"


def test_temporary_protection_applies_from_12_june_2029_only() -> None:
    tp = policy().categories[Category.temporary_protection]
    assert not category_applies(tp, dt.date(2029, 6, 11))
    assert category_applies(tp, dt.date(2029, 6, 12))
    assert category_applies(policy().categories[Category.applicant], dt.date(2026, 6, 12))
    assert not category_applies(policy().categories[Category.applicant], dt.date(2026, 6, 11))


def test_roles_only_act_within_their_categories_and_operator_sees_no_personal_data() -> None:
    p = policy()
    for role in p.roles.values():
        possible = (
            set().union(*(p.categories[c].actions for c in role.register | role.read)) if role.read else set()
        )
        assert role.actions <= possible, role.key
    assert not p.roles[Role.operator].read and not p.roles[Role.operator].register
    assert not p.roles[Role.law_enforcement].read and not p.roles[Role.law_enforcement].register
    assert p.roles[Role.law_enforcement].compare == {"law_enforcement"}


def test_a_policy_naming_a_missing_parameter_is_refused() -> None:
    from importlib import resources

    text = resources.files("migralex.registry").joinpath("policy.yaml").read_text("utf-8")
    with pytest.raises(LawDataError, match="unknown parameter"):
        load_policy(text.replace("eurodac.retention.applicant", "eurodac.retention.nowhere"), params())
