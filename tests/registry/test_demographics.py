"""Names across scripts are secondary evidence: similarity for the expert, never a hit by itself."""

from __future__ import annotations

import pytest

from migralex.errors import InvalidInput
from migralex.registry.categories import Category, policy
from migralex.registry.demographics import (
    demographic_score,
    name_similarity,
    phonetic_key,
    skeleton,
    validate_identity,
)
from migralex.registry.service import Registry
from tests.registry.conftest import DE_BORDER, IT_BORDER, People


def ident(forename: str, surname: str, dob: str = "1990-01-01", sex: str = "M") -> dict:
    return {"names": {"forenames": [forename], "surnames": [surname]}, "date_of_birth": dob, "sex": sex}


def test_spellings_and_scripts_of_one_name_are_close_and_other_names_are_not() -> None:
    latin = ident("Mohammed", "Abdullah")
    assert skeleton("محمد") == skeleton("Mohammed") == "mhmd"
    assert phonetic_key(latin) == phonetic_key(ident("Muhammad", "Abdallah"))
    same = [ident("Muhammad", "Abdalla"), ident("Мухаммад", "Абдулла"), ident("محمد", "عبد الله")]
    other = ident("Sokratis", "Papadopoulos")
    for variant in same:
        assert name_similarity(latin, variant) > 0.8, variant
    assert name_similarity(latin, other) < 0.6
    assert demographic_score(latin, latin) == 1.0
    assert demographic_score(latin, ident("Mohammed", "Abdullah", dob="1970-06-01", sex="F")) < 0.5


def test_identity_elements_are_checked_with_their_path() -> None:
    rule = policy().categories[Category.applicant]
    with pytest.raises(InvalidInput) as e:
        validate_identity(
            rule, {"names": {"surnames": ["ok", 3]}, "reference_number": "IT1-1"}, member_state="IT"
        )
    assert e.value.path == "identity.names.surnames[1]"
    with pytest.raises(InvalidInput) as e:
        validate_identity(
            rule, {"nationalities": ["SY", "XX"], "reference_number": "IT1-1"}, member_state="IT"
        )
    assert e.value.path == "identity.nationalities[1]"
    ok = validate_identity(
        rule, {"nationalities": ["sy", "stateless"], "reference_number": "IT1-1"}, member_state="IT"
    )
    assert ok["nationalities"] == ["SY", "stateless"]


def test_the_same_name_without_a_biometric_match_is_no_hit(registry: Registry, people: People) -> None:
    same_name = {"names": {"surnames": ["Haddad"], "forenames": ["Omar"]}, "date_of_birth": "1990-01-01"}
    registry.register(IT_BORDER, people.submission(1, "irregular_crossing", "IT", "d-1", identity=same_name))
    other = registry.register(
        DE_BORDER, people.submission(2, "irregular_crossing", "DE", "d-2", identity=same_name)
    )
    assert other.candidates == ()
