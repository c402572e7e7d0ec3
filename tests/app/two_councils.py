"""Two councils in one archive, built through the catalogue's own methods as a crawl and an extraction
leave it, then indexed by the indexer into whichever engine a test opens.

Quito: plenary ordinary sessions No. 1, 2 and 4 of 2024 (No. 3 is missing), a mobility commission
session, and the agenda of session 4, withdrawn from the portal after it was read. One recorded crawl.
Cuenca: the agenda of session No. 1 with no minutes (months later), minutes read by OCR, a report that
could not be read, an annex that could not be downloaded, and a mobility commission of its own (same slug
as Quito's). Never crawled.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from archive import Catalogue

QUITO, QUITO_NAME = "quito", "Concejo Metropolitano de Quito"
CUENCA, CUENCA_NAME = "cuenca", "Concejo Cantonal de Cuenca"
EXTRACTOR = "test-1"
SERVER_PATH = "/srv/concejo/data/files/ab/cdef.pdf"
# Seen before any test runs (mark_withdrawn withdraws what was not listed since a crawl started).
LONG_AGO = "2020-01-01T00:00:00+00:00"

# (council, key, session key, kind, title, pages as (text, origin)); None pages: its extraction failed.
DOCUMENTS = (
    (QUITO, "q-acta-1", "q-1", "acta", "Acta 1", [("Presupuesto participativo de los barrios del sur.", "digital")]),
    (QUITO, "q-acta-2", "q-2", "acta", "Acta 2", [("Agua potable y alcantarillado en Quitumbe.", "digital")]),
    (QUITO, "q-acta-4", "q-4", "acta", "Acta 4", [("Presupuesto participativo y movilidad.", "digital")]),
    (QUITO, "q-orden-4", "q-4", "orden_del_dia", "Orden del día 4",
     [("Orden del día: presupuesto participativo en segundo debate.", "digital")]),
    (QUITO, "q-movilidad", "q-mov", "acta", "Acta de movilidad", [("Transporte público y tránsito.", "digital")]),
    (CUENCA, "c-orden-1", "c-1", "orden_del_dia", "Orden del día 1",
     [("Orden del día: agua potable para las parroquias.", "digital")]),
    (CUENCA, "c-acta-2", "c-2", "acta", "Acta 2",
     [("Presupuesto participativo rural.", "ocr"), ("Agua potable en Baños.", "ocr")]),
    (CUENCA, "c-informe-2", "c-2", "informe", "Informe de la sesión 2", None),
    (CUENCA, "c-movilidad", "c-mov", "acta", "Acta de movilidad de Cuenca",
     [("Tránsito y transporte en el centro histórico.", "digital")]),
)
# (council, key, number, date, commission slug or None)
SESSIONS = (
    (QUITO, "q-1", 1, "2024-01-15", None), (QUITO, "q-2", 2, "2024-02-12", None),
    (QUITO, "q-4", 4, "2024-04-08", None), (QUITO, "q-mov", None, "2024-03-01", "movilidad"),
    (CUENCA, "c-1", 1, "2024-01-10", None), (CUENCA, "c-2", 2, "2024-02-20", None),
    (CUENCA, "c-mov", None, "2024-03-05", "movilidad"),
)
COMMISSIONS = {
    QUITO: ("Comisión de Movilidad", [{"name": "Ana Pérez", "role": "Presidenta"}, {"name": "Juan Vera", "role": None}]),
    CUENCA: ("Comisión de Movilidad de Cuenca", ["Luis Mora"]),
}
# As long as real ones are (an open directory listing of a year's minutes), with no space to break it at.
FAILED_FETCH_URL = ("http://127.0.0.1:8800/Administracion-2023-2027/Actas-Sesiones/2024/"
                    "Acta-Sesion-Ordinaria-No-099-2024-11-07-signed.pdf")
HOSTILE_URL = "javascript:alert(document.domain)"  # a portal's link, as the ledger recorded it
HOSTILE_REASON = "not a PDF: <img src=x onerror=alert(1)>"
LEDGER = {
    "new": 4, "changed": 1, "unchanged": 7, "withdrawn": 1,
    "failed": [{"url": FAILED_FETCH_URL, "reason": f"HTTP 500 from the portal; body kept at {SERVER_PATH}"},
               {"url": HOSTILE_URL, "reason": HOSTILE_REASON}],
    "requests": 23, "pdfs_downloaded": 5, "bytes_downloaded": 2_345_678,
    "gaps": [{"kind": "missing_number", "message": "Falta la sesión No. 3 de 2024 (Pleno)"}],
}
# What each engine must find, by council: every document read, the withdrawn agenda included.
SEARCHABLE = {QUITO: 5, CUENCA: 3}
PRESUPUESTO = {QUITO: 3, CUENCA: 1}  # documents with "presupuesto"


@dataclass
class TwoCouncils:
    catalogue: Catalogue
    ids: dict[str, int]  # document key -> id
    failed_extraction: int
    withdrawn: int


def url(key: str) -> str:
    return f"http://127.0.0.1:8800/{key}.pdf"


def build(catalogue: Catalogue) -> TwoCouncils:
    """Fill an empty catalogue with both councils (see the module docstring); returns their ids."""
    councils = {QUITO: catalogue.ensure_council(QUITO, QUITO_NAME, "https://concejo.quito.example/"),
                CUENCA: catalogue.ensure_council(CUENCA, CUENCA_NAME, "https://concejo.cuenca.example/")}
    commissions = {slug: catalogue.upsert_commission(councils[slug], "movilidad", name, members, None, None)
                   for slug, (name, members) in COMMISSIONS.items()}
    sessions = {
        key: catalogue.upsert_session(councils[council], key, session_type="ordinaria", date=date, number=number,
                                      title=f"Sesión {key}", commission_id=commissions[council] if commission else None)
        for council, key, number, date, commission in SESSIONS
    }
    ids = {}
    for council, key, session, kind, title, pages in DOCUMENTS:
        document_id = catalogue.list_document(councils[council], key, session_id=sessions[session], kind=kind,
                                              title=title, url=url(key))
        sha256 = hashlib.sha256(key.encode()).hexdigest()
        catalogue.record_fetch(url(key), sha256, 1000, media_type="application/pdf")
        if pages is None:
            catalogue.save_extraction_failure(document_id, sha256, f"no text could be read from {SERVER_PATH}",
                                              extractor_version=EXTRACTOR)
        else:
            catalogue.save_extraction(
                document_id, sha256,
                [{"number": n, "text": text, "origin": origin} for n, (text, origin) in enumerate(pages, start=1)],
                {}, [], extractor_version=EXTRACTOR)
        ids[key] = document_id
    # A Cuenca annex the portal lists but would not give: a download failure, not a reading one.
    catalogue.list_document(councils[CUENCA], "c-anexo-2", session_id=sessions["c-2"], kind="anexo", title="Anexo",
                            url=url("c-anexo-2"))
    catalogue.record_fetch_failure(url("c-anexo-2"), "HTTP 404 from the portal", http_status=404)
    # The agenda of Quito's session 4 was last listed long ago: the crawl after it withdraws it.
    catalogue.db.execute("UPDATE documents SET last_seen = ? WHERE id = ?", (LONG_AGO, ids["q-orden-4"]))
    catalogue.db.commit()
    catalogue.mark_withdrawn(QUITO, seen_before="2021-01-01T00:00:00+00:00")
    run = catalogue.start_run("crawl")
    catalogue.record_ledger(run, QUITO, LEDGER)
    catalogue.finish_run(run, {}, [])
    return TwoCouncils(catalogue, ids, failed_extraction=ids["c-informe-2"], withdrawn=ids["q-orden-4"])
