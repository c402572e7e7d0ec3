"""Family "concejo_abierto": portals shaped like Concejo Abierto (Concejo Metropolitano de Quito, the replica).

Sessions are listed per year and month as "Sesión ordinaria 2016-03-10 — ORDEN DEL DÍA · ACTA" (`li.sesion`
lines, reached through `a.anio` then `a.mes` links from the home page's link to `sesiones`); commissions
have a page (`a.comision` from the home page's link to `comisiones`) with members (`ul.miembros li`, as
"Concejala Ana Torres — Presidenta"), an optional mission (`.mision`), a schedule (`.horario`) and their
own session list in the same format. Audio and video links in a session line are kept as links, never
downloaded. The family has no options.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

import scrapy
from scrapy.http import Response

from crawler.guard import is_fetchable_link
from crawler.items import CommissionItem, SessionItem
from crawler.spiders.base import CouncilSpider
from crawler.vocabulary import fold, media_kind, slugify

SESSION_LINE = re.compile(
    r"Sesi[oó]n\s+(?P<type>[a-záéíóúñ]+)\s+(?:(?:No|Nro|N[º°]|N[uú]mero)\.?\s*(?P<number>\d{1,4})\s+)?"
    r"(?P<date>\d{4}-\d{2}-\d{2})",
    re.IGNORECASE,
)
DOCUMENT_KINDS = {
    "orden del dia": "orden_del_dia",
    "acta": "acta",
    "convocatoria": "convocatoria",
    "informe": "informe",
    "resolucion": "resolucion",
}
# "Concejala Ana Torres — Presidenta": the name as published, then the role after a dash set off by spaces.
MEMBER_ROLE = re.compile(r"(?:^|\s+)[—–-]\s+")








def parse_member(text: str) -> dict[str, str | None] | None:
    """{"name", "role"} from a member line; the name exactly as published. None for an empty line."""
    text = " ".join(text.split())
    if not text:
        return None
    parts = MEMBER_ROLE.split(text, maxsplit=1)
    name = parts[0].strip()
    role = parts[1].strip() if len(parts) > 1 else None
    return {"name": name, "role": role or None}


def _text(selector) -> str:
    return " ".join(" ".join(selector.css("::text").getall()).split())


class ConcejoAbiertoSpider(CouncilSpider):
    name = "concejo_abierto"

    def parse(self, response: Response) -> Iterator[scrapy.Request]:
        """Home page: follow the session archive and the commissions."""
        sessions = response.xpath("//a[contains(@href, 'sesiones')]/@href").get()
        commissions = response.xpath("//a[contains(@href, 'comisiones')]/@href").get()
        if not sessions and not commissions:
            self.layout_changed(response, "no links to 'sesiones' or 'comisiones' on the home page")
            return
        if sessions:
            yield response.follow(sessions, self.parse_years)
        if commissions:
            yield response.follow(commissions, self.parse_commission_list)

    def parse_years(self, response: Response) -> Iterator[scrapy.Request]:
        """Session archive: one link per year."""
        yield from self.follow_links(response, response.css("a.anio::attr(href)").getall(), self.parse_months,
                                     "year links (a.anio) in the session archive")

    def parse_months(self, response: Response) -> Iterator[scrapy.Request]:
        """A year: one link per month with sessions."""
        yield from self.follow_links(response, response.css("a.mes::attr(href)").getall(),
                                     self.parse_session_list, "month links (a.mes) in a year page")

    def parse_session_list(self, response: Response, commission_slug: str | None = None) -> Iterator[SessionItem]:
        """A month (or a commission page): one line per session with its document links.

        A month page lists at least one session; a commission page may list none yet (a new commission)."""
        lines = response.css("li.sesion")
        if not lines and commission_slug is None:
            self.layout_changed(response, "no session lines (li.sesion) in a session list")
        for line in lines:
            item = self._parse_session_line(line, response, commission_slug)
            if item is not None:
                yield item

    def parse_commission_list(self, response: Response) -> Iterator[scrapy.Request]:
        """Commissions index: one link per commission."""
        yield from self.follow_links(response, response.css("a.comision::attr(href)").getall(),
                                     self.parse_commission, "commission links (a.comision) in the commissions page")

    def parse_commission(self, response: Response) -> Iterator[CommissionItem | SessionItem]:
        """A commission: name, mission, members with roles, schedule, then its sessions."""
        name = _text(response.css("h1"))
        if not name:
            self.layout_changed(response, "commission page without a heading (h1)")
            return
        slug = slugify(re.sub(r"^Comisi[oó]n\s+(de\s+|del\s+)?", "", name, flags=re.IGNORECASE))
        yield CommissionItem(
            **self.council,
            slug=slug,
            name=name,
            mission=self._parse_mission(response),
            members=self._parse_members(response),
            schedule=_text(response.css(".horario")) or None,
            source_url=response.url,
        )
        yield from self.parse_session_list(response, commission_slug=slug)

    def _parse_members(self, response: Response) -> list[dict[str, str | None]]:
        """Each member line as {"name", "role"}; a line with no text at all lists nobody."""
        members = (parse_member(_text(li)) for li in response.css("ul.miembros li"))
        return [member for member in members if member is not None]

    def _parse_mission(self, response: Response) -> str | None:
        """The commission's mission: a `.mision` block, or the paragraph under a "Misión" heading."""
        text = _text(response.css(".mision"))
        if not text:
            heading = response.xpath("//h2[starts-with(normalize-space(translate(., 'Í', 'í')), 'Misi')]")
            text = _text(heading.xpath("following-sibling::*[1][self::p]"))
        return text or None

    def _parse_session_line(self, line, response: Response, commission_slug: str | None) -> SessionItem | None:
        text = _text(line)
        match = SESSION_LINE.search(text)
        if not match:
            self.logger.warning("session line not understood on %s: %r", response.url, text[:120])
            self.crawler.stats.inc_value("concejo/session_line_not_understood")
            return None
        session_type = fold(match["type"])
        date = match["date"]
        title = text.split("—")[0].strip()
        number = int(match["number"]) if match["number"] else None
        # Two sessions of one type on one day differ by their number, when the line states it.
        key = f"{commission_slug or 'pleno'}-{date}-{session_type}" + (f"-no-{number}" if number else "")
        documents, links = [], []
        for anchor in line.css("a"):
            href = (anchor.attrib.get("href") or "").strip()
            if not href:
                continue
            url = response.urljoin(href)
            if href.startswith("#") or not is_fetchable_link(url):
                self.skip_link(response, href)
                continue
            label = _text(anchor)
            recording = media_kind(url)
            if recording:
                links.append({"kind": recording, "title": f"{label.capitalize()} — {title}", "url": url})
                continue
            kind = DOCUMENT_KINDS.get(fold(label), slugify(label) or "documento")
            documents.append({"key": f"{key}/{kind}", "kind": kind, "title": f"{label.capitalize()} — {title}",
                              "url": url})
        kinds = [d["kind"] for d in documents]
        for document in documents:  # two documents of one kind (two reports): each keyed by its own URL
            if kinds.count(document["kind"]) > 1:
                document["key"] += "-" + hashlib.sha1(document["url"].encode()).hexdigest()[:10]
        return SessionItem(
            **self.council,
            key=key,
            session_type=session_type,
            number=number,
            date=date,
            title=title,
            commission_slug=commission_slug,
            source_url=response.url,
            documents=documents,
            links=links,
            file_urls=[d["url"] for d in documents],
        )
