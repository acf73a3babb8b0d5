"""One tantivy index shared by processes: the indexer writes, the API process reads and reloads."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime
from pathlib import Path

from functions.catalog.logic.search import SearchDocument, SearchQuery, Sort
from functions.catalog.store.search_tantivy import TantivySearchBackend

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _doc(product_id: str, title: str) -> SearchDocument:
    return SearchDocument(product_id=product_id, title=title, price=100, in_stock=True, created_at=T0)


def write_in_child(path: str, titles: dict[str, str], delete: list[str]) -> None:
    backend = TantivySearchBackend(path)
    backend.upsert([_doc(pid, title) for pid, title in titles.items()])
    backend.delete(delete)
    backend.close()


def run_writer(path: Path, titles: dict[str, str], delete: list[str] | None = None) -> None:
    context = multiprocessing.get_context("spawn")
    process = context.Process(target=write_in_child, args=(str(path), titles, delete or []))
    process.start()
    process.join(60)
    assert process.exitcode == 0


def test_a_reader_in_another_process_sees_commits(tmp_path: Path) -> None:
    # Given a reader opened before anything was written
    reader = TantivySearchBackend(tmp_path)
    assert reader.search(SearchQuery()).total == 0

    # When another process writes and commits
    run_writer(tmp_path, {"p1": "Fietspomp", "p2": "Fietsbel"})

    # Then the reader sees the documents without being reopened
    assert {h.product_id for h in reader.search(SearchQuery(text="fietspomp")).hits} == {"p1"}
    assert reader.search(SearchQuery()).total == 2

    run_writer(tmp_path, {"p3": "Fietsslot"}, delete=["p1"])

    assert {h.product_id for h in reader.search(SearchQuery()).hits} == {"p2", "p3"}


def test_two_index_objects_in_one_process(tmp_path: Path) -> None:
    writer, reader = TantivySearchBackend(tmp_path), TantivySearchBackend(tmp_path)
    reader.search(SearchQuery())

    writer.upsert([_doc("p1", "Regenjas")])
    first = reader.search(SearchQuery(text="regenjas")).total
    writer.upsert([_doc("p1", "Regenjas geel")])
    writer.close()

    assert first == 1
    assert reader.search(SearchQuery(text="geel")).total == 1
    assert reader.search(SearchQuery()).total == 1


def test_cached_facets_and_hits_are_dropped_when_another_process_commits(tmp_path: Path) -> None:
    # Given a reader that answered a query (facets and total cached for this index generation)
    run_writer(tmp_path, {"p1": "Fietspomp", "p2": "Fietsbel"})
    reader = TantivySearchBackend(tmp_path)
    first = reader.search(SearchQuery(text="fietsbel"))
    again = reader.search(SearchQuery(text="fietsbel", sort=Sort.NEWEST))  # other sort: same facets
    assert reader.cache_stats()["facet_hits"] == 1
    assert (again.total, again.facets) == (first.total, first.facets) == (1, first.facets)

    # When another process replaces p1 by a second bell and commits
    run_writer(tmp_path, {"p1": "Fietsbel groot"})

    # Then the reader's next answer counts the new generation, not the cached one
    after = reader.search(SearchQuery(text="fietsbel"))
    assert after.total == 2
    assert [(b.min, b.count) for b in after.facets.price] == [(None, 2)]
    assert {h.title for h in after.hits} == {"Fietsbel", "Fietsbel groot"}
    assert reader.cache_stats()["facet_hits"] == 1


def test_the_writer_process_sees_its_own_commits_past_its_cache(tmp_path: Path) -> None:
    backend = TantivySearchBackend(tmp_path)
    backend.upsert([_doc("p1", "Regenjas")])
    assert backend.search(SearchQuery()).total == 1

    backend.upsert([_doc("p2", "Regenjas geel")])

    assert backend.search(SearchQuery()).total == 2
    assert sum(b.count for b in backend.search(SearchQuery()).facets.price) == 2
    backend.close()
