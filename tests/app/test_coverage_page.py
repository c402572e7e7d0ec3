"""The public coverage page (/cobertura) and /api/v1/coverage: per council, the last crawl's ledger with its
failures' public reasons, what OCR read and what could not be read, the gaps, and a plain "sin rastreos" for
a council never crawled (tests/app/two_councils.py: Quito crawled once, Cuenca never)."""

from __future__ import annotations

import dataclasses

import pytest

from archive import open_catalogue
from concejo.config import ConfigError, load_settings
from search_app import create_app

from .two_councils import (
    CUENCA,
    CUENCA_NAME,
    FAILED_FETCH_URL,
    HOSTILE_REASON,
    HOSTILE_URL,
    LEDGER,
    QUITO,
    SERVER_PATH,
    build,
)


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    settings = load_settings(environ={}, data_dir=tmp_path_factory.mktemp("coverage"), ocr=False)
    catalogue = open_catalogue(settings.catalogue_url)
    archive = build(catalogue)
    yield settings, archive
    catalogue.close()


@pytest.fixture()
def client(two):
    return create_app({"TESTING": True}, settings=two[0]).test_client()


def _section(page: str, council: str) -> str:
    return page.split(f'<section class="coverage" id="concejo-{council}">')[1].split("</section>")[0]


def test_the_page_shows_the_last_crawl_of_a_council_with_its_counts_and_failure_reasons(client):
    answer = client.get("/cobertura")
    assert answer.status_code == 200
    quito = _section(answer.get_data(as_text=True), QUITO)
    for name, key in (("nuevos", "new"), ("cambiados", "changed"), ("sin-cambios", "unchanged"),
                      ("retirados", "withdrawn")):
        assert f'id="{name}-{QUITO}">{LEDGER[key]}</dd>' in quito, name
    assert f'id="fallidos-{QUITO}">2</dd>' in quito
    assert "5 PDF (2,3 MB) en 23 solicitudes" in quito
    assert (f'<span class="url">{FAILED_FETCH_URL}</span>: el portal respondió con el código HTTP 500; body kept at '
            "[archivo del servidor]") in quito
    assert "Sin rastreos" not in quito


def test_failure_reasons_and_urls_are_public_and_escaped(client):
    page = client.get("/cobertura").get_data(as_text=True)
    assert SERVER_PATH not in page and "/srv/" not in page
    assert HOSTILE_REASON not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert f'href="{HOSTILE_URL}' not in page and f'<span class="url">{HOSTILE_URL}</span>' in page


def test_a_council_never_crawled_says_so(client):
    cuenca = _section(client.get("/cobertura").get_data(as_text=True), CUENCA)
    assert f"<h2>{CUENCA_NAME}</h2>" in cuenca
    assert "Sin rastreos: el portal de este concejo todavía no se ha rastreado." in cuenca
    assert 'id="nuevos-' not in cuenca


def test_the_page_counts_what_ocr_read_and_lists_what_could_not_be_read(client, two):
    _, archive = two
    page = client.get("/cobertura").get_data(as_text=True)
    cuenca = _section(page, CUENCA)
    assert "1 documento leído con OCR (reconocimiento de texto en páginas escaneadas: 2 páginas)." in cuenca
    assert "1 documento sin poder leerse." in cuenca
    assert (f'<a href="/documentos/{archive.failed_extraction}">Informe de la sesión 2</a>: '
            "no text could be read from [archivo del servidor]") in cuenca
    quito = _section(page, QUITO)
    assert "0 documentos leídos con OCR" in quito and "0 documentos sin poder leerse." in quito


def test_the_page_lists_the_gaps_of_each_council(client):
    page = client.get("/cobertura").get_data(as_text=True)
    assert ("<li>Falta la sesión No. 3 de 2024 (Pleno): el archivo tiene la No. 2 y la No. 4</li>"
            in _section(page, QUITO))
    cuenca = _section(page, CUENCA)
    assert "La sesión ordinaria del 2024-01-10 (Pleno) tiene su orden del día archivada y ninguna acta" in cuenca


def test_the_api_gives_the_same_coverage(client, two):
    _, archive = two
    answer = client.get("/api/v1/coverage")
    assert answer.status_code == 200
    assert SERVER_PATH not in answer.get_data(as_text=True)
    councils = {c["council"]: c for c in answer.get_json()["councils"]}
    assert list(councils) == [CUENCA, QUITO]
    cuenca, quito = councils[CUENCA], councils[QUITO]
    assert cuenca["last_crawl"] is None
    assert (cuenca["ocr_documents"], cuenca["ocr_pages"], cuenca["extraction_failed"]) == (1, 2, 1)
    assert [f["document_id"] for f in cuenca["extraction_failures"]] == [archive.failed_extraction]
    assert [g["kind"] for g in cuenca["gaps"]] == ["minutes_missing"]
    crawl = quito["last_crawl"]
    assert {k: crawl[k] for k in ("new", "changed", "unchanged", "withdrawn", "requests", "pdfs_downloaded",
                                  "bytes_downloaded")} == {k: LEDGER[k] for k in LEDGER if k not in ("failed", "gaps")}
    assert crawl["failed"] == [
        {"url": FAILED_FETCH_URL, "reason": "HTTP 500 from the portal; body kept at [archivo del servidor]"},
        {"url": HOSTILE_URL, "reason": HOSTILE_REASON}]  # JSON, not HTML: escaping is the reader's
    assert [(g["kind"], g["number"]) for g in quito["gaps"]] == [("missing_number", 3)]
    assert (quito["documents"], quito["withdrawn_documents"]) == (5, 1)


def test_every_page_links_to_the_coverage_page(client):
    home = client.get("/").get_data(as_text=True)
    assert home.count('href="/cobertura"') == 2  # the header's navigation and the footer


def test_a_crawl_that_failed_says_why(tmp_path):
    """A portal that changed shape fails its crawl loudly (concejo/steps.py records the error in the ledger):
    the page says so, in public words, beside the counts that crawl did reach."""
    settings = load_settings(environ={}, data_dir=tmp_path, ocr=False)
    catalogue = open_catalogue(settings.catalogue_url)
    catalogue.ensure_council("loja", "Concejo Municipal de Loja")
    error = (f"source loja: the listing http://127.0.0.1:8800/sesiones yielded no session where the archive "
             f"holds 12 (layout saved at {SERVER_PATH})")
    catalogue.record_ledger(None, "loja", {**LEDGER, "failed": [], "error": error})
    catalogue.close()
    page = create_app({"TESTING": True}, settings=settings).test_client().get("/cobertura").get_data(as_text=True)
    assert ('<p class="notice">El rastreo terminó con un error: source loja: the listing '
            "http://127.0.0.1:8800/sesiones yielded no session where the archive holds 12 "
            "(layout saved at [archivo del servidor])</p>") in page
    assert 'id="fallidos-loja">0</dd>' in page


def test_each_councils_gap_rules_come_from_its_source(two, tmp_path):
    """Issue 10: the delay before an agenda's minutes count as missing is configured per source."""
    sources = tmp_path / "sources.toml"
    sources.write_text(f"""
[[sources]]
slug = "{CUENCA}"
name = "{CUENCA_NAME}"
family = "concejo_abierto"
start_urls = ["https://concejo.cuenca.example/"]
[sources.gaps]
minutes_after_days = 100000
""", encoding="utf-8")
    patient = create_app({"TESTING": True}, settings=dataclasses.replace(two[0], sources_file=sources))
    cuenca = _section(patient.test_client().get("/cobertura").get_data(as_text=True), CUENCA)
    assert "ninguna acta" not in cuenca
    # Without the source's rule, the default 30 days apply and the same agenda is a gap.
    assert "ninguna acta" in _section(create_app({"TESTING": True}, settings=two[0]).test_client().get(
        "/cobertura").get_data(as_text=True), CUENCA)


def test_a_broken_gap_rule_stops_the_app_naming_it(two, tmp_path):
    sources = tmp_path / "sources.toml"
    sources.write_text("""
[[sources]]
slug = "cuenca"
name = "Cuenca"
family = "concejo_abierto"
start_urls = ["https://concejo.cuenca.example/"]
[sources.gaps]
minutes_after_days = -3
""", encoding="utf-8")
    with pytest.raises(ConfigError, match="gaps.minutes_after_days"):
        create_app({"TESTING": True}, settings=dataclasses.replace(two[0], sources_file=sources))


def test_a_council_without_a_completed_crawl_for_twice_its_schedules_interval_is_flagged(tmp_path):
    """Issue 12: «Sin actualizar desde …» when a council's last completed crawl is older than twice its
    schedule's interval; a recent one, or a council with no schedule, is not flagged."""
    sources = tmp_path / "sources.toml"
    sources.write_text("".join(f"""
[[sources]]
slug = "{slug}"
name = "{slug}"
family = "concejo_abierto"
start_urls = ["https://concejo.{slug}.example/"]
schedule = "0 3 * * *"
""" for slug in (QUITO, CUENCA)), encoding="utf-8")
    settings = load_settings(environ={}, data_dir=tmp_path / "data", ocr=False, sources_file=sources)
    catalogue = open_catalogue(settings.catalogue_url)
    build(catalogue)

    def section(council: str) -> str:
        app = create_app({"TESTING": True}, settings=settings)
        return _section(app.test_client().get("/cobertura").get_data(as_text=True), council)

    assert "Sin actualizar" not in section(QUITO)  # crawled just now
    catalogue.db.execute("UPDATE crawl_ledgers SET at = '2026-01-05T03:20:00+00:00'")
    catalogue.db.commit()
    assert (f'<p class="notice stale" id="sin-actualizar-{QUITO}">Sin actualizar desde 5 de enero de 2026, 03:20 UTC: '
            "desde entonces ningún rastreo de su portal ha terminado bien, y ya pasó más del doble del intervalo de "
            "su calendario.</p>") in section(QUITO)
    assert '<p class="last-crawl">5 de enero de 2026, 03:20 UTC</p>' in section(QUITO)
    api = create_app({"TESTING": True}, settings=settings).test_client().get("/api/v1/coverage").get_json()
    assert {c["council"]: c["stale"] for c in api["councils"]} == {
        QUITO: {"since": "2026-01-05T03:20:00+00:00"}, CUENCA: {"since": None}}  # never completed one
    assert "Sin actualizar" not in section(CUENCA)  # never crawled: the page says «Sin rastreos» instead
    catalogue.record_ledger(None, QUITO, {**LEDGER, "error": "the portal changed shape"})  # a newer, failed crawl
    assert "Sin actualizar desde 5 de enero de 2026" in section(QUITO)
    catalogue.record_ledger(None, QUITO, LEDGER)
    assert "Sin actualizar" not in section(QUITO)
    # Without a sources file, no schedule names Cuenca (the default source is Quito's): nothing flags it.
    catalogue.record_ledger(None, CUENCA, {**LEDGER, "error": "unreachable"})
    catalogue.close()
    unscheduled = create_app({"TESTING": True}, settings=dataclasses.replace(settings, sources_file=None))
    assert "Sin actualizar" not in _section(unscheduled.test_client().get("/cobertura").get_data(as_text=True),
                                            CUENCA)
