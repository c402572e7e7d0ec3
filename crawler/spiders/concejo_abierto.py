"""Spider for "Concejo Abierto"-shaped portals (Concejo Metropolitano de Quito and look-alikes).

Sessions are listed per year and month as "Sesión ordinaria 2016-03-10 — ORDEN DEL DÍA · ACTA";
commissions have a page with members, schedule and their own session list in the same format.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

import scrapy
from scrapy.http import Response

from crawler.guard import is_fetchable_link
from crawler.items import CommissionItem, SessionItem

SESSION_LINE = re.compile(
    r"Sesi[oó]n\s+(?P<type>[a-záéíóúñ]+)\s+(?P<date>\d{4}-\d{2}-\d{2})", re.IGNORECASE
)
DOCUMENT_KINDS = {
    "orden del dia": "orden_del_dia",
    "acta": "acta",
    "convocatoria": "convocatoria",
    "informe": "informe",
    "resolucion": "resolucion",
}


def fold(text: str) -> str:
    """Lowercase without accents, whitespace collapsed: for matching labels, never for storing."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.lower().split())


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


class ConcejoAbiertoSpider(scrapy.Spider):
    name = "concejo_abierto"

    def __init__(
        self, start_url: str, council_slug: str = "quito", council_name: str = "Concejo Metropolitano de Quito",
        *args, **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.start_urls = [start_url]
        self.council = {"council_slug": council_slug, "council_name": council_name}

    def parse(self, response: Response) -> Iterator[scrapy.Request]:
        """Home page: follow the session archive and the commissions."""
        sessions = response.xpath("//a[contains(@href, 'sesiones')]/@href").get()
        commissions = response.xpath("//a[contains(@href, 'comisiones')]/@href").get()
        if not sessions and not commissions:
            self._layout_changed(response, "no links to 'sesiones' or 'comisiones' on the home page")
            return
        if sessions:
            yield response.follow(sessions, self.parse_years)
        if commissions:
            yield response.follow(commissions, self.parse_commission_list)

    def parse_years(self, response: Response) -> Iterator[scrapy.Request]:
        """Session archive: one link per year."""
        yield from self._follow_all(response, "a.anio", self.parse_months, "year links in the session archive")

    def parse_months(self, response: Response) -> Iterator[scrapy.Request]:
        """A year: one link per month with sessions."""
        yield from self._follow_all(response, "a.mes", self.parse_session_list, "month links in a year page")

    def parse_session_list(self, response: Response, commission_slug: str | None = None) -> Iterator[SessionItem]:
        """A month (or a commission page): one line per session with its document links."""
        lines = response.css("li.sesion")
        if not lines:
            self._layout_changed(response, "no session lines (li.sesion) in a session list")
        for line in lines:
            item = self._parse_session_line(line, response, commission_slug)
            if item is not None:
                yield item

    def parse_commission_list(self, response: Response) -> Iterator[scrapy.Request]:
        """Commissions index: one link per commission."""
        yield from self._follow_all(response, "a.comision", self.parse_commission,
                                    "commission links in the commissions page")

    def parse_commission(self, response: Response) -> Iterator[CommissionItem | SessionItem]:
        """A commission: name, members, schedule, then its sessions."""
        name = " ".join(response.css("h1 ::text").getall()).strip()
        if not name:
            self._layout_changed(response, "commission page without a heading (h1)")
            return
        slug = slugify(re.sub(r"^Comisi[oó]n\s+(de\s+|del\s+)?", "", name, flags=re.IGNORECASE))
        yield CommissionItem(
            **self.council,
            slug=slug,
            name=name,
            members=[" ".join(m.css("::text").getall()).strip() for m in response.css("ul.miembros li")],
            schedule=" ".join(response.css(".horario ::text").getall()).strip() or None,
            source_url=response.url,
        )
        yield from self.parse_session_list(response, commission_slug=slug)

    def _parse_session_line(self, line, response: Response, commission_slug: str | None) -> SessionItem | None:
        text = " ".join(" ".join(line.css("::text").getall()).split())
        match = SESSION_LINE.search(text)
        if not match:
            self.logger.warning("session line not understood on %s: %r", response.url, text[:120])
            self.crawler.stats.inc_value("concejo/session_line_not_understood")
            return None
        session_type = fold(match["type"])
        date = match["date"]
        key = f"{commission_slug or 'pleno'}-{date}-{session_type}"
        documents = []
        for link in line.css("a"):
            href = (link.attrib.get("href") or "").strip()
            if not href:
                continue
            url = response.urljoin(href)
            if href.startswith("#") or not is_fetchable_link(url):
                self._skip_link(response, href)
                continue
            label = " ".join(" ".join(link.css("::text").getall()).split())
            kind = DOCUMENT_KINDS.get(fold(label), slugify(label) or "documento")
            documents.append({
                "key": f"{key}/{kind}", "kind": kind, "title": f"{label.capitalize()} — {text.split('—')[0].strip()}",
                "url": url,
            })
        return SessionItem(
            **self.council,
            key=key,
            session_type=session_type,
            date=date,
            title=text.split("—")[0].strip(),
            commission_slug=commission_slug,
            source_url=response.url,
            documents=documents,
            file_urls=[d["url"] for d in documents],
        )

    def _follow_all(self, response: Response, selector: str, callback, what: str) -> Iterator[scrapy.Request]:
        hrefs = response.css(f"{selector}::attr(href)").getall()
        if not hrefs:
            self._layout_changed(response, f"no {what} ({selector})")
        for href in hrefs:
            if href.strip().startswith("#") or not is_fetchable_link(response.urljoin(href)):
                self._skip_link(response, href)
                continue
            yield response.follow(href, callback)

    def _skip_link(self, response: Response, href: str) -> None:
        """A javascript:, mailto:, tel: or #anchor link leads nowhere to crawl: counted and logged, never requested."""
        self.logger.warning("link that is not http(s) skipped on %s: %r", response.url, href[:80])
        self.crawler.stats.inc_value("concejo/links_skipped")

    def _layout_changed(self, response: Response, what: str) -> None:
        self.logger.error("portal layout changed? %s at %s", what, response.url)
        self.crawler.stats.inc_value("concejo/layout_errors")
        self.crawler.stats.set_value("concejo/last_layout_error", f"{what} at {response.url}")
