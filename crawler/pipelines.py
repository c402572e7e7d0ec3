"""Pipelines: list what the spider found in the catalogue, then download files into the archive.

Downloads go through Scrapy's FilesPipeline (and so through the HTTP cache, which revalidates with
ETag / Last-Modified); the storage backend is the archive's content-addressed FileStore.
"""

from __future__ import annotations

import hashlib
from io import BytesIO
from pathlib import Path
from typing import Any, ClassVar

from itemadapter import ItemAdapter
from scrapy.pipelines.files import FilesPipeline

from archive import Catalogue, FileStore, open_catalogue
from crawler.items import CommissionItem, SessionItem


def _catalogue_for(crawler) -> Catalogue:
    """One catalogue connection per crawl, shared by the pipelines."""
    if not hasattr(crawler, "_concejo_catalogue"):
        crawler._concejo_catalogue = open_catalogue(crawler.settings["CONCEJO_CATALOGUE_URL"])
    return crawler._concejo_catalogue


class CataloguePipeline:
    """Records councils, commissions, sessions and listed documents (before any download)."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue

    @classmethod
    def from_crawler(cls, crawler):
        return cls(_catalogue_for(crawler))

    def process_item(self, item, spider):
        adapter = ItemAdapter(item)
        council_id = self.catalogue.ensure_council(
            adapter["council_slug"], adapter["council_name"], spider.start_urls[0]
        )
        if isinstance(item, CommissionItem):
            self.catalogue.upsert_commission(
                council_id, adapter["slug"], adapter["name"], adapter.get("members") or [],
                adapter.get("schedule"), adapter.get("source_url"),
            )
        elif isinstance(item, SessionItem):
            commission_id = None
            if adapter.get("commission_slug"):
                commission = self.catalogue.commission(adapter["commission_slug"])
                commission_id = commission["id"] if commission else self.catalogue.upsert_commission(
                    council_id, adapter["commission_slug"], adapter["commission_slug"], [], None, None
                )
            session_id = self.catalogue.upsert_session(
                council_id, adapter["key"], session_type=adapter.get("session_type"), date=adapter.get("date"),
                title=adapter.get("title"), commission_id=commission_id, source_url=adapter.get("source_url"),
            )
            for doc in adapter.get("documents") or []:
                self.catalogue.list_document(
                    council_id, doc["key"], session_id=session_id, kind=doc["kind"], title=doc["title"],
                    url=doc["url"],
                )
        return item


class ArchiveFilesStore:
    """FilesPipeline storage backend writing into the archive's FileStore (FILES_STORE = archive://DIR).

    `path` from the pipeline is ignored for storage: files live under their sha256. stat_file reports
    nothing so every listed file is requested; the HTTP cache turns that into a conditional request.
    """

    def __init__(self, uri: str) -> None:
        self.store = FileStore(Path(uri.removeprefix("archive://")))
        self.stored: dict[str, tuple[str, int]] = {}  # pipeline path -> (sha256, size), for this crawl

    def stat_file(self, path: str, info) -> dict[str, Any]:
        return {}

    def persist_file(self, path: str, buf: BytesIO, info, meta=None, headers=None) -> None:
        data = buf.getvalue()
        self.stored[path] = (self.store.put(data), len(data))


class ArchiveFilesPipeline(FilesPipeline):
    """Downloads each listed document and records the fetch (or the failure, with its reason)."""

    STORE_SCHEMES: ClassVar[dict] = {**FilesPipeline.STORE_SCHEMES, "archive": ArchiveFilesStore}

    def __init__(self, store_uri, *, crawler):
        super().__init__(store_uri, crawler=crawler)
        self.catalogue = _catalogue_for(crawler)
        self.validators: dict[str, dict[str, Any]] = {}

    def file_path(self, request, response=None, info=None, *, item=None) -> str:
        return hashlib.sha1(request.url.encode()).hexdigest()

    def media_downloaded(self, response, request, info, *, item=None):
        self.validators[request.url] = {
            "etag": (response.headers.get("ETag") or b"").decode("latin-1") or None,
            "last_modified": (response.headers.get("Last-Modified") or b"").decode("latin-1") or None,
            "media_type": (response.headers.get("Content-Type") or b"").decode("latin-1") or None,
            "http_status": response.status,
        }
        return super().media_downloaded(response, request, info, item=item)

    def item_completed(self, results, item, info):
        adapter = ItemAdapter(item)
        docs = {d["url"]: d for d in adapter.get("documents") or []}
        for url, (ok, value) in zip(adapter.get("file_urls") or [], results, strict=False):
            doc = docs.get(url, {})
            if ok:
                sha256, size = self.store.stored[value["path"]]
                meta = self.validators.pop(url, {})
                fetch = self.catalogue.record_fetch(url, sha256, size, **meta)
                info.spider.crawler.stats.inc_value(
                    "concejo/files_new" if fetch.new_version else "concejo/files_unchanged"
                )
            else:
                status = self.validators.pop(url, {}).get("http_status")
                reason = f"HTTP {status} from the portal" if status and status != 200 else _failure_reason(value)
                self.catalogue.record_fetch_failure(url, reason, document_key=doc.get("key"))
                info.spider.crawler.stats.inc_value("concejo/files_failed")
        return super().item_completed(results, item, info)


def _failure_reason(failure) -> str:
    exc = getattr(failure, "value", failure)
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
