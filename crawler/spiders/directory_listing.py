"""Spider for councils that publish their PDFs as an open directory listing of files.

Walks Apache-style ("Index of /...", a <table> or <pre> autoindex with "Parent Directory"), nginx- and
lighttpd-style, Python http.server-style ("Directory listing for /...") and IIS-style ("host - /path/" with "[To Parent Directory]") indexes from the source's start URLs, only
downward: never a parent link, never a sort link (?C=N;O=D), never outside a start URL's folder, and no
deeper than `max_depth` folders below it. Each listed file becomes a document of the session its folder
and file names tell (crawler.spiders.file_names); a file that tells no session is a DocumentItem.
A session's date or number the names do not give stays None: extraction reads it from the text later.

Family options (the source's `[sources.options]`):
    max_depth = 6                   # folders below a start URL to descend into
    file_extensions = ["pdf"]       # files archived as documents (case-insensitive)
    link_extensions = ["mp3", "mp4", "m4a", "ogg", "wav", "webm"]   # files kept as links of their session

The spider never follows a link that is not below the folder it was listed in, so a listing that links
elsewhere (its parent, another site) cannot lead the crawl out of the published tree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response

from concejo.config import ConfigError
from concejo.sources import Source
from crawler.guard import is_fetchable_link
from crawler.items import DocumentItem, SessionItem
from crawler.spiders.base import CouncilSpider
from crawler.spiders.file_names import FileReading, decode, read_path

DEFAULT_MAX_DEPTH = 6
DEFAULT_FILE_EXTENSIONS = ("pdf",)
DEFAULT_LINK_EXTENSIONS = ("mp3", "mp4", "m4a", "ogg", "wav", "webm")
AUDIO = ("mp3", "m4a", "ogg", "wav")
OPTIONS = ("max_depth", "file_extensions", "link_extensions")

_IIS_HEADING = re.compile(r"^\S+ - /")


class DirectoryListingSpider(CouncilSpider):
    name = "directory_listing"

    def __init__(self, source: Source | str, *args, **kwargs) -> None:
        super().__init__(source, *args, **kwargs)
        options = dict(self.source.options)
        unknown = sorted(set(options) - set(OPTIONS))
        if unknown:
            raise ConfigError(f"source {self.source.slug}: unknown directory_listing options "
                              f"{', '.join(unknown)}; known: {', '.join(OPTIONS)}")
        self.max_depth = _positive_int(self.source.slug, "max_depth", options.get("max_depth", DEFAULT_MAX_DEPTH))
        self.file_extensions = _extensions(self.source.slug, "file_extensions",
                                           options.get("file_extensions", DEFAULT_FILE_EXTENSIONS))
        self.link_extensions = _extensions(self.source.slug, "link_extensions",
                                           options.get("link_extensions", DEFAULT_LINK_EXTENSIONS))
        self.roots = tuple((_origin(url), _folder(_decoded_path(url))) for url in self.start_urls)

    def parse(self, response: Response) -> Iterator[scrapy.Request | SessionItem | DocumentItem]:
        """A directory index: descend into its subfolders, turn its files into items."""
        if not is_directory_index(response):
            self.layout_changed(response, "a page that is not a directory index (no 'Index of /...' heading "
                                          "and no '[To Parent Directory]' link)")
            return
        origin, here = _origin(response.url), _folder(_decoded_path(response.url))
        entries = 0
        for href in _entry_hrefs(response):
            url = response.urljoin(href)
            path = _decoded_path(url)
            if not is_fetchable_link(url) or urlsplit(url).query or _origin(url) != origin \
                    or not self._below(origin, path, here):
                continue  # the parent, a sort link, another site: never followed
            entries += 1
            if path.endswith("/"):
                yield from self._folder_request(response, url, path)
            else:
                yield from self._file_item(response, url, path)
        if not entries and (origin, here) in self.roots:
            self.layout_changed(response, "an empty directory listing at a start URL")

    def _below(self, origin: str, path: str, here: str) -> bool:
        """Strictly below the folder listed and below a start URL's folder on the same site."""
        return path != here and path.startswith(here) and any(
            origin == root_origin and path.startswith(root) for root_origin, root in self.roots)

    def _depth(self, url: str, path: str) -> int:
        root = max((r for o, r in self.roots if o == _origin(url) and path.startswith(r)), key=len)
        return len([s for s in path[len(root):].split("/") if s])

    def _folder_request(self, response: Response, url: str, path: str) -> Iterator[scrapy.Request]:
        if self._depth(url, path) > self.max_depth:
            self.logger.warning("source %s: folder deeper than max_depth=%d not crawled: %s", self.source.slug,
                                self.max_depth, url)
            self.crawler.stats.inc_value("concejo/folders_too_deep")
            return
        yield scrapy.Request(url, self.parse)

    def _file_item(self, response: Response, url: str, path: str) -> Iterator[SessionItem | DocumentItem]:
        extension = path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
        if extension not in self.file_extensions and extension not in self.link_extensions:
            return
        reading = read_path([s for s in path.split("/") if s])
        if extension in self.link_extensions:
            if reading.names_a_session:
                kind = "audio" if extension in AUDIO else "video"
                yield self._session(reading, response, documents=[],
                                    links=[{"kind": kind, "title": reading.title, "url": url}])
            return
        document = {"key": reading.document_key, "kind": reading.kind, "title": reading.title, "url": url}
        if not reading.names_a_session:
            yield DocumentItem(**self.council, key=document["key"], kind=reading.kind, title=reading.title,
                               date=reading.date, source_url=response.url, url=url, file_urls=[url])
            return
        yield self._session(reading, response, documents=[document], links=[])

    def _session(self, reading: FileReading, response: Response, documents: list[dict],
                 links: list[dict]) -> SessionItem:
        """One item per file: the pipelines merge a session's files by its key."""
        return SessionItem(
            **self.council, key=reading.session_key, session_type=reading.session_type, number=reading.number,
            date=reading.date, title=reading.session_title, commission_slug=reading.commission_slug,
            source_url=response.url, documents=documents, links=links, file_urls=[d["url"] for d in documents],
        )


def is_directory_index(response: Response) -> bool:
    """An Apache/nginx/lighttpd ("Index of /..."), Python http.server ("Directory listing for /...") or IIS
    ("host - /path/", "[To Parent Directory]") listing."""
    if not hasattr(response, "xpath"):
        return False
    headings = [" ".join(t.split()) for t in response.xpath("//title//text() | //h1//text()").getall()]
    if any(h.startswith(("Index of /", "Directory listing for /")) for h in headings):
        return True
    if response.xpath("//a[contains(., '[To Parent Directory]')]"):
        return True
    return any(_IIS_HEADING.match(h) for h in headings) and bool(response.xpath("//pre//a[@href]"))


def _entry_hrefs(response: Response) -> list[str]:
    """Every link of the listing itself (its <table> or <pre>), else of the whole body."""
    hrefs = response.xpath("//table//a/@href | //pre//a/@href").getall()
    return hrefs or response.xpath("//body//a/@href").getall()


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def _decoded_path(url: str) -> str:
    """A URL's path with each segment decoded, so percent-encoded and raw names compare equal."""
    path = urlsplit(url).path or "/"
    return "/".join(decode(segment) for segment in path.split("/"))


def _folder(path: str) -> str:
    return path if path.endswith("/") else path.rsplit("/", 1)[0] + "/"


def _positive_int(slug: str, option: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"source {slug}: option {option} must be a whole number of at least 1, not {value!r}")
    return value


def _extensions(slug: str, option: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not all(isinstance(v, str) and v.strip(".") for v in value):
        raise ConfigError(f"source {slug}: option {option} must be a list of extensions such as [\"pdf\"], "
                          f"not {value!r}")
    return tuple(v.lower().lstrip(".") for v in value)
