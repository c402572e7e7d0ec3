"""Writing the index: every extracted document not yet indexed in its current version, or all of them anew."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Protocol

from archive import Catalogue
from index_config.entries import IndexableDocument
from indexer.documents import indexable_documents

Progress = Callable[[int, int], None]  # (done, total)


class IndexWriter(Protocol):
    """What writing needs of an engine (search_app/backends: embedded and Elasticsearch)."""

    def index(self, documents: Iterable[IndexableDocument]) -> int: ...

    def rebuild(self, documents: Iterable[IndexableDocument]) -> int: ...


def write_index(engine: IndexWriter, catalogue: Catalogue, *, rebuild: bool = False,
                progress: Progress | None = None) -> dict[str, int]:
    """Index what the catalogue says is due (everything, into a fresh index swapped in, on rebuild), mark
    it indexed, and count it: {"documents": written, "pages": pages}."""
    rows = catalogue.documents_to_index(everything=rebuild)
    total = len(rows)
    counter = {"done": 0, "pages": 0}

    def counted() -> Iterator[IndexableDocument]:
        for document in indexable_documents(catalogue, rows):
            yield document
            counter["done"] += 1
            counter["pages"] += len(document.pages)
            if progress:
                progress(counter["done"], total)

    written = engine.rebuild(counted()) if rebuild else engine.index(counted())
    catalogue.mark_indexed([row["id"] for row in rows])
    return {"documents": written, "pages": counter["pages"]}
