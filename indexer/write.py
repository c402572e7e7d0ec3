"""Writing the index: every extracted document not yet indexed in its current version, or all of them anew."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Protocol

from archive import Catalogue
from index_config.entries import IndexableDocument
from indexer.documents import indexable_documents

Progress = Callable[[int, int], None]  # (done, total)

# Catalogue rows read at once: the index step's memory for rows is bounded by this, whatever the archive's size
# (the engine bounds what it holds back itself; only the written ids, a few bytes each, are kept to the end).
INDEX_BATCH_DOCUMENTS = 500


class IndexWriter(Protocol):
    """What writing needs of an engine (search_app/backends: embedded and Elasticsearch)."""

    def index(self, documents: Iterable[IndexableDocument]) -> int: ...

    def rebuild(self, documents: Iterable[IndexableDocument]) -> int: ...


def write_index(engine: IndexWriter, catalogue: Catalogue, *, rebuild: bool = False,
                progress: Progress | None = None, batch_size: int | None = None) -> dict[str, int]:
    """Index what the catalogue says is due (everything, into a fresh index swapped in, on rebuild), mark
    it indexed, and count it: {"documents": written, "pages": pages}. The catalogue is read `batch_size`
    rows at a time (default INDEX_BATCH_DOCUMENTS), as the engine takes the documents."""
    batch_size = batch_size or INDEX_BATCH_DOCUMENTS
    total = catalogue.count_to_index(everything=rebuild)
    counter = {"done": 0, "pages": 0}
    written_ids: list[int] = []

    def counted() -> Iterator[IndexableDocument]:
        for rows in due_batches(catalogue, everything=rebuild, batch_size=batch_size):
            for document in indexable_documents(catalogue, rows):
                yield document
                written_ids.append(document.document_id)
                counter["done"] += 1
                counter["pages"] += len(document.pages)
                if progress:
                    progress(counter["done"], total)

    written = engine.rebuild(counted()) if rebuild else engine.index(counted())
    catalogue.mark_indexed(written_ids)
    return {"documents": written, "pages": counter["pages"]}


def due_batches(catalogue: Catalogue, *, everything: bool = False,
                batch_size: int = INDEX_BATCH_DOCUMENTS) -> Iterator[list]:
    """The documents due for indexing, by id, at most `batch_size` rows at a time."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    after = 0
    while rows := catalogue.documents_to_index(everything=everything, after_id=after, limit=batch_size):
        yield rows
        if len(rows) < batch_size:
            return
        after = rows[-1]["id"]
