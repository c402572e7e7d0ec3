"""Pipelines: list what the spider found in the catalogue, then download files into the archive.

Downloads go through Scrapy's FilesPipeline (checked by crawler.guard) but never through the HTTP cache:
a cached body cannot be verified (a kill can truncate it). File requests carry `dont_cache` and are made
conditional from what the catalogue recorded for their URL (ETag / Last-Modified), and only while the
archived copy still hashes right, so a 304 means "unchanged" against a verified copy (any other 304 is a
failure). A body is archived only if it is a PDF (archive.sniff: its `%PDF-` header with no markup before
it, not its Content-Type). Every document listed in a crawl ends it fetched, unchanged or failed with a
plain reason; the storage backend is the archive's FileStore.

A full sweep (setting CONCEJO_FULL_SWEEP) makes no conditional request: every file is downloaded again and
compared by hash, and archived only if its bytes are new.

The coverage ledger of the crawl (one crawl = one source) is kept in Scrapy's stats:
  concejo/ledger/new               documents whose first file was archived in this crawl
  concejo/ledger/changed           known documents whose file at their URL changed: a new version, now current
  concejo/ledger/unchanged         a 304 against a verified copy, or the same sha256 as the current file
  concejo/ledger/failed            [{"url", "reason"}] of listed files not archived, with a plain reason
  concejo/ledger/pdfs_downloaded   PDF bodies received (HTTP 200); a body that is not a PDF is a failure
  concejo/ledger/bytes_downloaded  the size in bytes of every file body received, PDF or not
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any, ClassVar

from itemadapter import ItemAdapter
from scrapy import Request, signals
from scrapy.http.request import NO_CALLBACK
from scrapy.pipelines.files import FileException, FilesPipeline
from twisted.internet.defer import CancelledError
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TimeoutError

from archive import DATABASE_ERRORS, Catalogue, CatalogueError, FileStore, open_catalogue
from archive.sniff import pdf_refusal
from crawler.guard import RequestRefused, is_fetchable_link
from crawler.items import CommissionItem, DocumentItem, MemberItem, SessionItem

logger = logging.getLogger(__name__)

NOT_HTTP = "the link is not http or https, so it is not fetched"
NOT_REACHED = "listed on the portal but not downloaded in this crawl (the crawl stopped before reaching it)"

LEDGER = "concejo/ledger/"
LEDGER_COUNTS = ("new", "changed", "unchanged", "pdfs_downloaded", "bytes_downloaded")


@dataclass
class _CrawlState:
    """Listed URLs of this crawl (url -> document key) and those that got an outcome."""

    listed: dict[str, str | None] = field(default_factory=dict)
    settled: set[str] = field(default_factory=set)


def _catalogue_for(crawler) -> Catalogue:
    """One catalogue connection per crawl, shared by the pipelines."""
    if not hasattr(crawler, "_concejo_catalogue"):
        crawler._concejo_catalogue = open_catalogue(crawler.settings["CONCEJO_CATALOGUE_URL"])
    return crawler._concejo_catalogue


def _state_for(crawler) -> _CrawlState:
    if not hasattr(crawler, "_concejo_state"):
        crawler._concejo_state = _CrawlState()
    return crawler._concejo_state


def _listed_url(request) -> str:
    """The URL a file request was made for, as listed on the portal (meta survives redirects)."""
    return request.meta.get("concejo_listed_url") or (request.meta.get("redirect_urls") or [request.url])[0]


class NotAPdf(FileException):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CataloguePipeline:
    """Records councils, commissions, sessions and listed documents (before any download)."""

    def __init__(self, catalogue: Catalogue, state: _CrawlState, portal_url: str) -> None:
        self.catalogue = catalogue
        self.state = state
        self.portal_url = portal_url

    @classmethod
    def from_crawler(cls, crawler):
        return cls(_catalogue_for(crawler), _state_for(crawler), crawler.settings["CONCEJO_SOURCE_URL"])

    def process_item(self, item):
        adapter = ItemAdapter(item)
        council_id = self.catalogue.ensure_council(adapter["council_slug"], adapter["council_name"], self.portal_url)
        if isinstance(item, CommissionItem):
            self.catalogue.upsert_commission(
                council_id, adapter["slug"], adapter["name"], adapter.get("members") or [],
                adapter.get("schedule"), adapter.get("source_url"), mission=adapter.get("mission"),
            )
        elif isinstance(item, MemberItem):
            self.catalogue.upsert_member(council_id, adapter["name"], role=adapter.get("role"),
                                         body=adapter.get("body"), source_url=adapter.get("source_url"))
        elif isinstance(item, SessionItem):
            self._session(council_id, adapter)
        elif isinstance(item, DocumentItem):
            self.catalogue.list_document(
                council_id, adapter["key"], session_id=None, kind=adapter.get("kind"), title=adapter.get("title"),
                url=adapter["url"], listing_date=adapter.get("date"),
            )
            self.state.listed[adapter["url"]] = adapter["key"]
            if not adapter.get("file_urls"):
                adapter["file_urls"] = [adapter["url"]]
        return item

    def _session(self, council_id: int, adapter: ItemAdapter) -> None:
        commission_id = None
        if adapter.get("commission_slug"):
            commission_id = self.catalogue.ensure_commission(council_id, adapter["commission_slug"])
        session_id = self.catalogue.upsert_session(
            council_id, adapter["key"], session_type=adapter.get("session_type"), date=adapter.get("date"),
            title=adapter.get("title"), number=adapter.get("number"), commission_id=commission_id,
            source_url=adapter.get("source_url"),
        )
        links = [link for link in adapter.get("links") or [] if link.get("url")]
        if links:
            self.catalogue.save_session_links(session_id, links)
        documents = adapter.get("documents") or []
        for doc in documents:
            self.catalogue.list_document(
                council_id, doc["key"], session_id=session_id, kind=doc["kind"], title=doc["title"],
                url=doc["url"],
            )
            self.state.listed[doc["url"]] = doc["key"]
        if documents and not adapter.get("file_urls"):
            adapter["file_urls"] = [doc["url"] for doc in documents]


class ArchiveFilesStore:
    """FilesPipeline storage backend writing into the archive's FileStore (FILES_STORE = archive://DIR).

    `path` from the pipeline is ignored for storage: files live under their sha256. stat_file reports
    nothing so every listed file is requested (conditionally when an intact copy is archived).
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
    """Downloads each listed document and records the fetch, the 304, or the failure with its reason."""

    STORE_SCHEMES: ClassVar[dict] = {**FilesPipeline.STORE_SCHEMES, "archive": ArchiveFilesStore}

    def __init__(self, store_uri, *, crawler):
        super().__init__(store_uri, crawler=crawler)
        self.catalogue = _catalogue_for(crawler)
        self.state = _state_for(crawler)
        self.full_sweep = crawler.settings.getbool("CONCEJO_FULL_SWEEP")
        self.max_download_mb = crawler.settings.getint("DOWNLOAD_MAXSIZE") / (1024 * 1024)
        self.request_timeout_s = crawler.settings.getfloat("DOWNLOAD_TIMEOUT")
        self.validators: dict[str, dict[str, Any]] = {}
        self.failure_reasons: dict[str, str] = {}
        # Bytes received per listed URL (redirects counted under the URL they started from): a download
        # cut off by DOWNLOAD_MAXSIZE fails with a bare CancelledError, and this tells why.
        self.received: dict[str, int] = {}
        crawler.signals.connect(self._bytes_received, signal=signals.bytes_received)

    def open_spider(self, spider=None) -> None:
        super().open_spider()
        stats = self.crawler.stats
        for name in LEDGER_COUNTS:
            stats.set_value(LEDGER + name, stats.get_value(LEDGER + name, 0))
        stats.set_value(LEDGER + "failed", list(stats.get_value(LEDGER + "failed", [])))

    def file_path(self, request, response=None, info=None, *, item=None) -> str:
        return hashlib.sha1(request.url.encode()).hexdigest()

    def get_media_requests(self, item, info) -> list[Request]:
        urls = ItemAdapter(item).get(self.files_urls_field) or []
        return [self._file_request(url) for url in urls if is_fetchable_link(url)]

    def _file_request(self, url: str) -> Request:
        """Kept out of the HTTP cache; conditional only on validators of an archived copy checked intact, and
        never in a full sweep."""
        # The URL as listed: the request's own is escaped ("a b.pdf" -> "a%20b.pdf"), and what the download
        # gave (validators, failure reason, bytes) is recorded under the listed URL.
        meta: dict[str, Any] = {"dont_cache": True, "concejo_listed_url": url}
        headers = {}
        known = None if self.full_sweep else self.catalogue.url_validators(url)
        if known and (known["etag"] or known["last_modified"]) and self.store.store.is_intact(known["sha256"]):
            meta["concejo_archived_sha256"] = known["sha256"]
            if known["etag"]:
                headers["If-None-Match"] = known["etag"]
            if known["last_modified"]:
                headers["If-Modified-Since"] = known["last_modified"]
        return Request(url, headers=headers, meta=meta, callback=NO_CALLBACK)

    def media_downloaded(self, response, request, info, *, item=None):
        self.validators[_listed_url(request)] = {
            "etag": (response.headers.get("ETag") or b"").decode("latin-1") or None,
            "last_modified": (response.headers.get("Last-Modified") or b"").decode("latin-1") or None,
            "media_type": (response.headers.get("Content-Type") or b"").decode("latin-1") or None,
            "http_status": response.status,
        }
        archived = request.meta.get("concejo_archived_sha256")
        refusal = pdf_refusal(response.body) if response.status == 200 and response.body else None
        if response.status == 200:
            self.crawler.stats.inc_value(LEDGER + "bytes_downloaded", len(response.body))
            if response.body and refusal is None:
                self.crawler.stats.inc_value(LEDGER + "pdfs_downloaded")
        if response.status == 304 and archived:
            return {"url": request.url, "path": self.file_path(request, info=info, item=item), "checksum": None,
                    "status": "uptodate", "sha256": archived}
        if refusal:
            raise NotAPdf(refusal)
        return super().media_downloaded(response, request, info, item=item)

    def _bytes_received(self, data: bytes, request, spider=None) -> None:
        url = _listed_url(request)
        self.received[url] = self.received.get(url, 0) + len(data)

    def media_failed(self, failure, request, info):
        self.failure_reasons[_listed_url(request)] = self._plain_reason(failure.value, _listed_url(request))
        return super().media_failed(failure, request, info)

    def item_completed(self, results, item, info):
        adapter = ItemAdapter(item)
        docs = {d["url"]: d for d in adapter.get("documents") or []}
        if isinstance(item, DocumentItem):
            docs[adapter["url"]] = {"key": adapter["key"]}
        urls = adapter.get("file_urls") or []
        for url in urls:
            if not is_fetchable_link(url):
                self._record_failure(url, NOT_HTTP, docs.get(url, {}).get("key"))
        fetchable = [url for url in urls if is_fetchable_link(url)]
        for url, (ok, value) in zip(fetchable, results, strict=False):
            key = docs.get(url, {}).get("key")
            try:
                self._record(url, ok, value, key)
            except (*DATABASE_ERRORS, CatalogueError) as exc:
                # One document the catalogue cannot take must not lose the rest of the session.
                logger.error("could not record the download of %s: %s", url, exc)
                self._record_failure(url, f"the download could not be recorded in the catalogue: {exc}", key)
        return super().item_completed(results, item, info)

    def _record(self, url: str, ok: bool, value, key: str | None) -> None:
        stats = self.crawler.stats
        meta = self.validators.get(url, {})
        if ok and value.get("status") == "uptodate":
            self.catalogue.record_unchanged(url, value["sha256"], etag=meta.get("etag"),
                                            last_modified=meta.get("last_modified"))
            stats.inc_value("concejo/files_unchanged")
            self._ledger_count(url, "unchanged")
        elif ok:
            sha256, size = self.store.stored[value["path"]]
            fetch = self.catalogue.record_fetch(url, sha256, size, **meta)
            stats.inc_value("concejo/files_new" if fetch.new_version else "concejo/files_unchanged")
            self._ledger_count(url, "new" if fetch.new_document else "changed" if fetch.changed else "unchanged")
        else:
            status = meta.get("http_status")
            # An uptodate 304 (conditional on an archived copy) was recorded above; any other 304 is a failure.
            reason = (f"HTTP {status} from the portal" if status and status != 200
                      else self.failure_reasons.get(url) or self._plain_reason(value))
            self.catalogue.record_fetch_failure(url, reason, http_status=status, document_key=key)
            stats.inc_value("concejo/files_failed")
            self._ledger_failure(url, reason)
        self.state.settled.add(url)

    def _ledger_count(self, url: str, outcome: str) -> None:
        """Each URL counts once in the ledger, however many sessions of the crawl list it."""
        if url not in self.state.settled:
            self.crawler.stats.inc_value(LEDGER + outcome)

    def _ledger_failure(self, url: str, reason: str) -> None:
        if url in self.state.settled:
            return
        failed = self.crawler.stats.get_value(LEDGER + "failed") or []
        self.crawler.stats.set_value(LEDGER + "failed", [*failed, {"url": url, "reason": reason}])

    def _record_failure(self, url: str, reason: str, key: str | None) -> None:
        try:
            self.catalogue.record_fetch_failure(url, reason, document_key=key)
        except (*DATABASE_ERRORS, CatalogueError) as exc:
            logger.error("could not record the failed download of %s (%s): %s", url, reason, exc)
        self.crawler.stats.inc_value("concejo/files_failed")
        self._ledger_failure(url, reason)
        self.state.settled.add(url)

    def close_spider(self, spider=None) -> None:
        """Listed documents the crawl never got to (stopped by its time bound, say) are failed, with why; the
        ledger's failures are sorted by URL, so two crawls of the same portal list them alike."""
        for url, key in self.state.listed.items():
            if url not in self.state.settled:
                self._record_failure(url, NOT_REACHED, key)
        failed = self.crawler.stats.get_value(LEDGER + "failed") or []
        self.crawler.stats.set_value(LEDGER + "failed", sorted(failed, key=lambda f: f["url"]))

    def _plain_reason(self, failure, url: str | None = None) -> str:
        exc = getattr(failure, "value", failure)
        if type(exc) is FileException and not str(exc) and exc.__context__ is not None:
            exc = exc.__context__  # the files pipeline wraps what went wrong in an empty FileException
        if isinstance(exc, RequestRefused | NotAPdf):
            return exc.reason
        too_big = "max size" in str(exc) or self.received.get(url or "", 0) > self.max_download_mb * 1024 * 1024
        if isinstance(exc, CancelledError) and too_big:
            return (f"the file is larger than the {self.max_download_mb:g} MB download limit "
                    "(CONCEJO_CRAWL_MAX_DOWNLOAD_MB)")
        if isinstance(exc, CancelledError):
            return "the download was cancelled before it finished"
        if isinstance(exc, TimeoutError):
            return (f"the server did not answer within {self.request_timeout_s:g} s "
                    "(CONCEJO_CRAWL_REQUEST_TIMEOUT_S)")
        if isinstance(exc, DNSLookupError):
            return "the server's name could not be resolved"
        if isinstance(exc, ConnectionRefusedError):
            return "the server refused the connection"
        return f"{type(exc).__name__}: {exc}"[:300] if str(exc) else type(exc).__name__
