"""What every portal-family spider shares: its source, its council on every item, and loud layout checks.

A family spider subclasses CouncilSpider, sets `name` to its family (the module crawler/spiders/<family>.py
is found by that name), and reads its family settings from `self.source.options`. It never reads the
environment and never hard-wires a council.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import scrapy
from scrapy.http import Response

from concejo.sources import Source
from crawler.guard import is_fetchable_link

# A page whose content a script fills in: a table or list with no rows, and scripts that fetch data.
_SCRIPT_FETCH = re.compile(r"\b(fetch\(|XMLHttpRequest|axios\.|\$\.ajax|\$\.getJSON|new Vue|ReactDOM|ng-app)")


class CouncilSpider(scrapy.Spider):
    """Base of the family spiders: `source` is a Source, or its JSON (as `scrapy crawl -a source=...` passes it)."""

    def __init__(self, source: Source | str, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.source = source if isinstance(source, Source) else Source.from_json(source)
        self.start_urls = list(self.source.start_urls)
        self.council = {"council_slug": self.source.slug, "council_name": self.source.name}

    def follow_links(self, response: Response, hrefs: list[str], callback: Callable, what: str,
                     **cb_kwargs) -> Iterator[scrapy.Request]:
        """Follow each http(s) link; none at all is a layout change, reported loudly."""
        if not hrefs:
            self.layout_changed(response, f"no {what}")
        for href in hrefs:
            if href.strip().startswith("#") or not is_fetchable_link(response.urljoin(href)):
                self.skip_link(response, href)
                continue
            yield response.follow(href, callback, cb_kwargs=cb_kwargs or None)

    def skip_link(self, response: Response, href: str) -> None:
        """A javascript:, mailto:, tel: or #anchor link leads nowhere to crawl: counted and logged, never requested."""
        self.logger.warning("link that is not http(s) skipped on %s: %r", response.url, href[:80])
        self.crawler.stats.inc_value("concejo/links_skipped")

    def layout_changed(self, response: Response, what: str) -> None:
        """The page does not look as the family expects: counted, and the crawl's report names source and page."""
        if looks_like_script_shell(response):
            what += " (the page is a JavaScript shell: its content is filled in by a script, which we do not run)"
        self.logger.error("source %s: portal layout changed? %s at %s", self.source.slug, what, response.url)
        self.crawler.stats.inc_value("concejo/layout_errors")
        self.crawler.stats.set_value("concejo/last_layout_error", f"{what} at {response.url}")


def looks_like_script_shell(response: Response) -> bool:
    """True for an HTML page whose visible content is empty and whose scripts fetch it (an empty table or
    list filled in by JavaScript): crawling it yields nothing, and the report must say why."""
    if not hasattr(response, "xpath"):
        return False
    scripts = " ".join(response.xpath("//script/text()").getall()) + " ".join(
        response.xpath("//script/@src").getall())
    if not _SCRIPT_FETCH.search(scripts) and not response.xpath("//*[@id='app' or @id='root']"):
        return False
    visible = " ".join(response.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]").getall())
    links = response.xpath("//body//a[@href]")
    return len(visible.split()) < 80 or len(links) < 3
