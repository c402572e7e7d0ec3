"""Check the whole archive against its hashes: damaged files go to quarantine (never deleted), and the
documents whose current file is damaged or missing are named so they can be fetched again.

This module re-hashes and moves files; it never fetches anything (`concejo verify` runs a crawl for that).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from archive.catalogue import Catalogue
from archive.filestore import FileStore


@dataclass
class ArchiveCheck:
    checked: int = 0
    quarantined: dict[str, Path] = field(default_factory=dict)  # sha256 -> where the damaged copy went
    missing: list[str] = field(default_factory=list)  # catalogued files absent from the store
    documents: list[dict] = field(default_factory=list)  # {id, key, sha256, urls} whose current file is lost

    @property
    def lost(self) -> list[str]:
        return sorted({*self.quarantined, *self.missing})


def verify_archive(store: FileStore, catalogue: Catalogue) -> ArchiveCheck:
    """Re-hash every stored file (no cached result), quarantine the damaged ones, list what must be re-fetched."""
    check = ArchiveCheck()
    for sha256 in list(store.stored()):
        check.checked += 1
        if not store.is_intact(sha256, use_cache=False):
            check.quarantined[sha256] = store.quarantine(sha256)
    check.missing = [sha256 for sha256 in catalogue.file_hashes()
                     if sha256 not in check.quarantined and not store.has(sha256)]
    check.documents = [
        {"id": row["id"], "key": row["key"], "sha256": row["current_sha256"], "urls": (row["urls"] or "").split()}
        for row in catalogue.documents_with_files(check.lost)
    ]
    return check


def still_lost(store: FileStore, check: ArchiveCheck) -> list[dict]:
    """The documents of `check` whose current file is still not in the store intact (after a re-fetch)."""
    return [doc for doc in check.documents if not store.is_intact(doc["sha256"], use_cache=False)]
