"""Build the whole replica portal for a seed: sessions, documents, PDFs, HTML pages, defects.

`build_portal` is deterministic: one random.Random(seed) drives every choice, dates are fixed,
and rendering runs in reportlab's invariant mode, so the same seed gives byte-identical
resources. It never touches the network or the clock.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from replica import pages as html
from replica.defects import corrupt_pdf
from replica.directory import plan_listing, publish_listing
from replica.drafting import (
    Draft,
    Numbering,
    acta,
    commission_acta,
    commission_agenda,
    convocatoria,
    informe,
    orden_del_dia,
    plenary_agenda,
)
from replica.extra import load_extra_pdfs
from replica.layout import PageFrame, Paragraph, page_texts, paginate
from replica.model import Commission, Council, Document, Portal, Resource, Session
from replica.pdf import render_scanned_pdf, render_text_pdf
from replica.people import Period, invent_periods, period_on
from replica.schedule import (
    JOINT_COMMISSIONS,
    CommissionPlan,
    commission_spec,
    plan_commissions,
    plan_plenary,
)
from replica.wording import SCAN_NOTE

DEFAULT_YEARS = range(2021, 2025)
LARGE_SESSIONS_PER_YEAR = 40  # a year has about 96 free Tuesdays and Thursdays for plenary sessions
QUITO = Council(slug="quito", name="Concejo Metropolitano de Quito")
PDF = "application/pdf"
HTML = "text/html; charset=utf-8"
# Planted phrase: one acta per year, cycling through these session types.
PLANT_TYPES = ("ordinaria", "extraordinaria", "conmemorativa", "ordinaria", "solemne")
PLANT_COMMISSION_ACTA = "presupuesto-finanzas-y-tributacion"
PLANT_COMMISSION_INFORME = "participacion-ciudadana-y-gobierno-abierto"
SCAN_CONVOCATORIA = "salud"
SCAN_INFORME = "movilidad"
CORRUPT_ACTA = "seguridad-prevencion-y-gestion-de-riesgos"


@dataclass
class _Pending:
    """A drafted document waiting to be paginated and rendered."""

    document: Document
    draft: Draft
    day: dt.date


@dataclass
class _Choices:
    """Which documents are planted, scanned or defective (by document key)."""

    planted: set[str]
    scanned: set[str]
    defects: dict[str, str]
    without_acta: set[str]


def build_portal(seed: int = 2016, extra_pdfs_dir: Path | None = None, *, years: range = DEFAULT_YEARS,
                 plenary_sessions_per_year: int = 10, directory_style: str = "apache",
                 defects: bool = True) -> Portal:
    """Generate the complete portal for `seed` (see replica.model.Portal for what it holds).

    `defects=False` publishes every document whole (no broken link, corrupt file or HTML error page).

    The same documents are served twice: as the "Concejo Abierto" portal (from "/") and as an open
    directory listing under replica.directory.DIRECTORY_ROOT ("/archivos/"), rendered Apache-style or,
    with `directory_style="iis"`, IIS-style.
    """
    if len(years) == 0:
        raise ValueError("build_portal needs at least one year")
    rng = random.Random(seed)
    periods = invent_periods(rng, years[0])
    plenary = plan_plenary(rng, years, plenary_sessions_per_year)
    plan = plan_commissions(rng, years, periods[-1])
    choices = _choose(rng, plenary, plan, years)
    if not defects:
        choices.defects.clear()
    extras = load_extra_pdfs(Path(extra_pdfs_dir), years, {s.date for s in plenary}) if extra_pdfs_dir else []
    if extras:
        first_number = plenary[0].number
        plenary = sorted([*plenary, *(e.session for e in extras)], key=lambda s: s.date)
        for i, session in enumerate(plenary):
            session.number = first_number + i
    extra_keys = {e.session.key for e in extras}

    numbering = Numbering()
    pending: list[_Pending] = []
    previous: Session | None = None
    for session in plenary:
        if session.key in extra_keys:
            continue
        pending += _draft_plenary(rng, session, previous, period_on(periods, session.date), numbering, choices)
        if session.session_type == "ordinaria":
            previous = session
    pending += _draft_commissions(rng, plan, periods[-1], numbering, choices)

    resources: dict[str, Resource] = {}
    for index, item in enumerate(pending):
        _render(item, seed * 1000 + index, rng, resources)
    for extra in extras:
        published = _published(extra.session.date, extra.document.kind, 0)
        resources[extra.document.url] = Resource(extra.body, PDF, 200, published)

    documents = [d for s in plenary for d in s.documents]
    documents += [p.document for p in pending if p.document.session_key not in {s.key for s in plenary}]
    commission_sessions = [s for c in plan.commissions for s in c.sessions]
    portal = Portal(seed, QUITO, [*plenary, *commission_sessions], plan.commissions, documents, resources)
    publish_pages(portal)
    portal.listing = plan_listing(portal)
    publish_listing(portal, directory_style)
    return portal


def build_large_portal(seed: int = 2016, min_documents: int = 2000, *, directory_style: str = "apache",
                       plenary_sessions_per_year: int = LARGE_SESSIONS_PER_YEAR, defects: bool = False) -> Portal:
    """A replica with at least `min_documents` documents (for bench/crawl_bench.py): the same generator
    over as many years (ending with DEFAULT_YEARS' last) as it takes, every document with its own bytes.

    Without defects by default: an HTML error page served as a PDF has no validators to ask with, so it
    would be downloaded again by every crawl, and an unchanged re-crawl must download no PDF at all.

    A plenary session publishes at most two documents, so the years are counted from that, plus one year
    of margin for the sessions of the last month, whose minutes are not out yet.
    """
    if min_documents < 1:
        raise ValueError(f"min_documents must be at least 1, not {min_documents}")
    count = max(len(DEFAULT_YEARS), math.ceil(min_documents / (2 * plenary_sessions_per_year)) + 1)
    years = range(DEFAULT_YEARS[-1] + 1 - count, DEFAULT_YEARS[-1] + 1)
    portal = build_portal(seed, years=years, plenary_sessions_per_year=plenary_sessions_per_year,
                          directory_style=directory_style, defects=defects)
    if len(portal.documents) < min_documents:
        raise ValueError(f"a replica over {count} years has {len(portal.documents)} documents, fewer than "
                         f"{min_documents}: raise plenary_sessions_per_year")
    return portal


# --- choosing planted, scanned and defective documents -------------------------------------------------


def _choose(rng: random.Random, plenary: list[Session], plan: CommissionPlan, years: range) -> _Choices:
    last = max(plenary, key=lambda s: s.date).date
    without_acta = {s.key for s in plenary if (s.date.year, s.date.month) == (last.year, last.month)}
    with_acta = [s for s in plenary if s.key not in without_acta]
    planted: set[str] = set()
    for i, year in enumerate(years):
        wanted = PLANT_TYPES[i % len(PLANT_TYPES)]
        candidates = [s for s in with_acta if s.date.year == year and s.session_type == wanted]
        candidates = candidates or [s for s in with_acta if s.date.year == year and s.session_type == "ordinaria"]
        if candidates:
            planted.add(f"{rng.choice(candidates).key}-acta")
    by_slug = {c.slug: c for c in plan.commissions}
    planted.add(f"{by_slug[PLANT_COMMISSION_ACTA].sessions[0].key}-acta")
    planted.add(f"{by_slug[PLANT_COMMISSION_INFORME].sessions[0].key}-informe")
    scanned = {
        f"{plenary[0].key}-orden_del_dia",
        f"{by_slug[SCAN_CONVOCATORIA].sessions[0].key}-convocatoria",
        f"{by_slug[SCAN_INFORME].sessions[-1].key}-informe",
    }
    broken_year = years[min(1, len(years) - 1)]
    broken = [s for s in with_acta if s.date.year == broken_year and s.session_type == "ordinaria"
              and f"{s.key}-acta" not in planted]
    error_year = years[min(2, len(years) - 1)]
    erroring = [s for s in plenary if s.date.year == error_year and f"{s.key}-orden_del_dia" not in scanned]
    defects = {
        f"{rng.choice(broken).key}-acta": "broken_link",
        f"{rng.choice(erroring).key}-orden_del_dia": "html_error",
        f"{by_slug[CORRUPT_ACTA].sessions[0].key}-acta": "corrupt",
    }
    return _Choices(planted, scanned, defects, without_acta)


# --- drafting -----------------------------------------------------------------------------------------


def _document(session: Session, kind: str, draft: Draft, url: str, choices: _Choices) -> Document:
    key = f"{session.key}-{kind}"
    if key in choices.scanned:
        draft.blocks.append(Paragraph(SCAN_NOTE))
    document = Document(key, kind, draft.title, [url], session.key, scanned=key in choices.scanned,
                        defect=choices.defects.get(key), identifiers=list(draft.identifiers))
    session.documents.append(document)
    return document


def _draft_plenary(rng: random.Random, session: Session, previous: Session | None, period: Period,
                   numbering: Numbering, choices: _Choices) -> list[_Pending]:
    folder = f"/documentos/{session.date.year}/{session.date.month:02d}"
    agenda = plenary_agenda(rng, session, previous, period)
    drafts = [("orden_del_dia", orden_del_dia(rng, session, agenda, period))]
    if session.key not in choices.without_acta:
        plant = f"{session.key}-acta" in choices.planted
        drafts.append(("acta", acta(rng, session, agenda, period, numbering, rng.randint(3, 6), plant)))
    return [_Pending(_document(session, kind, draft, f"{folder}/{session.key}-{kind}.pdf", choices), draft,
                     session.date) for kind, draft in drafts]


def _draft_commissions(rng: random.Random, plan: CommissionPlan, period: Period, numbering: Numbering,
                       choices: _Choices) -> list[_Pending]:
    pending: list[_Pending] = []
    joint_report: Document | None = None
    first, second = (plan.commissions[i] for i in JOINT_COMMISSIONS)
    for commission in plan.commissions:
        spec = commission_spec(commission.slug)
        members = plan.people[commission.slug]
        for session in commission.sessions:
            folder = f"/documentos/comisiones/{commission.slug}/{session.date.year}"
            joint = session.date == plan.joint_day and commission in (first, second)
            agenda = commission_agenda(rng, session, spec)
            drafts = [("convocatoria", convocatoria(session, spec, agenda, members[0], period.secretary))]
            if joint and commission is second and joint_report is not None:
                # The joint report is the same document, published again in this commission's folder.
                joint_report.urls.append(f"{folder}/{session.key}-informe.pdf")
                session.documents.append(joint_report)
                joint = False
                drafts_only_convocatoria = True
            else:
                drafts_only_convocatoria = False
                plant = f"{session.key}-acta" in choices.planted
                drafts.append(("acta", commission_acta(rng, session, spec, agenda, members, period.secretary,
                                                       numbering, plant)))
            key = f"{session.key}-informe"
            wants_report = joint or key in choices.planted or key in choices.scanned or rng.random() < 0.5
            if wants_report and not drafts_only_convocatoria:
                partner = commission_spec(second.slug).name if joint else None
                drafts.append(("informe", informe(rng, session, spec, agenda, members, numbering,
                                                  key in choices.planted, joint_with=partner)))
            for kind, draft in drafts:
                document = _document(session, kind, draft, f"{folder}/{session.key}-{kind}.pdf", choices)
                if kind == "informe":
                    document.agenda_point, document.topic = next(
                        ((n, p.topic) for n, p in enumerate(agenda, start=1) if p.topic), (None, None))
                pending.append(_Pending(document, draft, session.date))
                if joint and kind == "informe":
                    joint_report = document
            session.documents.sort(key=lambda d: ("convocatoria", "acta", "informe").index(d.kind))
    return pending


# --- rendering and publishing ------------------------------------------------------------------------------


def _published(day: dt.date, kind: str, delay: int) -> dt.datetime:
    """When a document appeared on the portal: agendas before the session, minutes weeks after."""
    offset = {"orden_del_dia": -3, "convocatoria": -2, "informe": 6, "acta": 14 + delay}.get(kind, 1)
    moment = dt.datetime.combine(day + dt.timedelta(days=offset), dt.time(15, 0), tzinfo=dt.UTC)
    return min(moment, dt.datetime(2025, 1, 10, 15, 0, tzinfo=dt.UTC))


def _render(item: _Pending, scan_seed: int, rng: random.Random, resources: dict[str, Resource]) -> None:
    document, draft = item.document, item.draft
    frame = PageFrame(draft.header)
    laid_out = paginate(draft.blocks)
    document.pages = page_texts(frame, laid_out)
    if document.scanned:
        body = render_scanned_pdf(draft.title, frame, laid_out, scan_seed)
    else:
        body = render_text_pdf(draft.title, frame, laid_out)
    published = _published(item.day, document.kind, rng.randint(0, 25))
    for url in document.urls:
        if document.defect == "broken_link":
            continue
        if document.defect == "corrupt":
            resources[url] = Resource(corrupt_pdf(rng), PDF, 200, published)
        elif document.defect == "html_error":
            resources[url] = Resource(html.server_error_page(), PDF, 200, published)
        else:
            resources[url] = Resource(body, PDF, 200, published)


def _latest(resources: dict[str, Resource], urls: list[str]) -> dt.datetime:
    stamps = [resources[u].last_modified for u in urls if u in resources]
    return max(stamps, default=dt.datetime(2025, 1, 10, 15, 0, tzinfo=dt.UTC))


def _links(session: Session, folder: str | None = None) -> list[tuple[str, Document]]:
    links = []
    for document in session.documents:
        url = next((u for u in document.urls if folder and u.startswith(folder)), document.urls[0])
        links.append((url, document))
    return links


def publish_pages(portal: Portal) -> None:
    """The "Concejo Abierto" pages (home, years, months, commissions) from the portal's sessions."""
    res, council = portal.resources, portal.council
    plenary = [s for s in portal.sessions if s.is_plenary]
    everything = [u for d in portal.documents for u in d.urls]
    newest = _latest(res, everything)
    res["/"] = Resource(html.home(council), HTML, 200, newest)
    res["/robots.txt"] = Resource(html.ROBOTS, "text/plain; charset=utf-8", 200, newest)
    by_month: dict[tuple[int, int], list[Session]] = defaultdict(list)
    for session in plenary:
        by_month[(session.date.year, session.date.month)].append(session)
    session_years = sorted({year for year, _ in by_month})
    res["/sesiones/"] = Resource(html.years(council, session_years), HTML, 200, newest)
    for year in session_years:
        month_list = sorted(m for y, m in by_month if y == year)
        year_urls = [u for (y, _), ss in by_month.items() if y == year for s in ss for d in s.documents
                     for u in d.urls]
        res[f"/sesiones/{year}/"] = Resource(html.months(council, year, month_list), HTML, 200,
                                             _latest(res, year_urls))
        for month in month_list:
            sessions = sorted(by_month[(year, month)], key=lambda s: s.date)
            items = [html.session_item(s, _links(s)) for s in sessions]
            urls = [u for s in sessions for d in s.documents for u in d.urls]
            res[f"/sesiones/{year}/{month:02d}/"] = Resource(html.month(council, year, month, items), HTML, 200,
                                                             _latest(res, urls))
    res["/comisiones/"] = Resource(html.commissions(council, portal.commissions), HTML, 200, newest)
    for commission in portal.commissions:
        _add_commission_page(portal, commission)


def _add_commission_page(portal: Portal, commission: Commission) -> None:
    folder = f"/documentos/comisiones/{commission.slug}/"
    items = [html.session_item(s, _links(s, folder)) for s in commission.sessions]
    urls = [u for s in commission.sessions for d in s.documents for u in d.urls]
    body = html.commission(portal.council, commission, items)
    portal.resources[f"/comisiones/{commission.slug}/"] = Resource(body, HTML, 200, _latest(portal.resources, urls))
