"""Public ids of searches and hits are random, as those of datasets are: an id says nothing of
how many the registry holds (Eurodac Art. 48(2)(g)); no sequence is left to fall back on."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from migralex.registry.models import datasets, hits, searches
from migralex.registry.service import Registry
from tests.registry.conftest import DE_ASYLUM, FR_LAW, IT_ASYLUM, IT_BORDER, People
from tests.registry.test_access import REQUEST

#: A random id in [1, 2**53) falls below this with probability 2**-33.
SMALL = 2**20


def test_search_and_hit_ids_are_random(registry: Registry, people: People) -> None:
    registry.register(IT_BORDER, people.submission(1, "irregular_crossing", "IT", "p-1"))
    registry.register(IT_ASYLUM, people.submission(2, "applicant", "IT", "p-2"))
    first = registry.register(DE_ASYLUM, people.submission(1, "applicant", "DE", "p-3"))
    second = registry.register(DE_ASYLUM, people.submission(2, "applicant", "DE", "p-4"))
    found = registry.search(FR_LAW, kind="law_enforcement", fingerprint=people.finger(2), request=REQUEST)
    hit_ids = [c.hit_id for c in (*first.candidates, *second.candidates, *found.candidates)]
    assert len(hit_ids) >= 3
    with registry.store.read() as conn:
        search_ids = list(conn.execute(select(searches.c.id)).scalars())
        stored_hits = list(conn.execute(select(hits.c.id)).scalars())
    assert found.search_id in search_ids and sorted(stored_hits) == sorted(hit_ids)
    assert len(search_ids) >= 3
    assert all(i >= SMALL for i in [*search_ids, *hit_ids])
    assert len(set(search_ids)) == len(search_ids)
    pending = [c.hit_id for c in registry.pending_hits(DE_ASYLUM)]
    assert pending == [c.hit_id for c in (*first.candidates, *second.candidates)]  # order of arrival


def test_no_sequence_hands_out_a_dataset_search_or_hit_id(registry: Registry, db_url: str) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite has no sequence; the registry always gives the id")
    with registry.store.write() as conn:
        for table in (datasets, searches, hits):
            assert (
                conn.exec_driver_sql(
                    f"SELECT column_default FROM information_schema.columns "
                    f"WHERE table_name = '{table.name}' AND column_name = 'id'"
                ).scalar()
                is None
            ), table.name
