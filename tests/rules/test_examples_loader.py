"""The shared example loader finds misquotes: a quote must be in the article it follows."""

from __future__ import annotations

import pytest

from tests.rules.examples_loader import check_quotes, quotes


def test_a_true_quote_passes_and_is_counted() -> None:
    source = (
        "AMMR Art. 39(1), second subparagraph:"
        " 'the request to take charge shall be sent within one month of receiving such hit'"
    )
    assert check_quotes(source) == 1


@pytest.mark.parametrize(
    "source",
    [
        "AMMR Art. 39(1): 'the request to take charge shall be sent within two months of receiving such hit'",
        "AMMR Art. 40(1): 'the request to take charge shall be sent within one month of receiving such hit'",
        "APR Art. 28(1): 'as soon as possible ... within 21 days from the date on which it is registered'",
        "AMMR recital (90): 'Ireland is not taking part'",
    ],
)
def test_a_misquote_or_a_wrong_article_fails(source: str) -> None:
    with pytest.raises(AssertionError, match="quote not in"):
        check_quotes(source)


def test_an_article_without_act_keeps_the_act_cited_before() -> None:
    q = quotes("SR Art. 8(3): 'within seven days'; APR Art. 51(1): 'five days'; Art. 51(2): '12 weeks'")
    assert [(x.act, x.article) for x in q] == [("SR", 8), ("APR", 51), ("APR", 51)]


def test_an_apostrophe_inside_a_word_does_not_close_the_quote() -> None:
    q = quotes("AMMR Art. 43(3): 'the applicant's appeal' and more")
    assert [x.text for x in q] == ["the applicant's appeal"]


def test_quotes_of_unshipped_acts_are_not_checked() -> None:
    assert check_quotes("Dublin III Art. 21(1): 'anything at all'") == 0
