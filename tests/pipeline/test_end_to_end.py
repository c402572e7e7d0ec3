"""End to end on the embedded defaults: what a citizen searching the archive would notice."""

from __future__ import annotations

import hashlib
import json
import re
import shutil

import pytest

from concejo import steps

PHRASE = "presupuesto participativo"


def search(client, **params) -> dict:
    params.setdefault("per_page", 100)
    response = client.get("/api/v1/search", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def export_ids(client, **params) -> set[int]:
    response = client.get("/api/v1/export.jsonl", query_string=params)
    assert response.status_code == 200
    return {json.loads(line)["document_id"] for line in response.get_data(as_text=True).splitlines()}


def phrase_pages(pipeline) -> dict[int, set[int]]:
    """Catalogue id -> pages holding the phrase, for born-digital documents of the replica."""
    expected: dict[int, set[int]] = {}
    for document, page in pipeline.portal.find_pages(PHRASE, include_scanned=False):
        expected.setdefault(pipeline.document_id(document), set()).add(page)
    assert len(expected) >= 4, "the replica should plant the phrase in several documents"
    return expected


def test_phrase_in_an_acta_is_found_on_its_page(pipeline, client):
    expected = phrase_pages(pipeline)
    result = search(client, q=f'"{PHRASE}"')
    hits = {hit["document_id"]: hit for hit in result["hits"]}
    assert set(expected) <= set(hits)
    for document_id, pages in expected.items():
        snippet_pages = {s["page"] for s in hits[document_id]["snippets"]}
        assert pages & snippet_pages, f"document {document_id}: phrase on {pages}, snippets on {snippet_pages}"
        marked = [s["html"] for s in hits[document_id]["snippets"] if s["page"] in pages]
        assert any("<mark>presupuesto</mark> <mark>participativo</mark>" in " ".join(html.lower().split())
                   for html in marked)


def test_hits_carry_a_citable_title_read_from_the_text(pipeline, client):
    result = search(client, q=f'"{PHRASE}"')
    titles = {hit["document_id"]: hit["title"] for hit in result["hits"]}
    plenary_actas = [doc for doc, _ in pipeline.portal.find_pages(PHRASE, include_scanned=False)
                     if doc.kind == "acta" and pipeline.session_of(doc).commission_slug is None]
    assert plenary_actas
    for doc in plenary_actas:
        assert titles[pipeline.document_id(doc)] == doc.title  # "Acta de la Sesión Ordinaria No. 134"


def test_every_document_with_the_phrase_and_no_other(pipeline, client):
    found = export_ids(client, q=f'"{PHRASE}"')
    assert found == set(phrase_pages(pipeline))


@pytest.mark.parametrize("session_type", ["ordinaria", "extraordinaria", "conmemorativa"])
def test_session_type_filter_narrows_to_that_type(pipeline, client, session_type):
    expected = {
        pipeline.document_id(doc)
        for doc, _ in pipeline.portal.find_pages(PHRASE, include_scanned=False)
        if pipeline.session_of(doc).session_type == session_type
    }
    result = search(client, q=PHRASE, session_type=session_type)
    assert {h["session_type"] for h in result["hits"]} <= {session_type}
    phrase_hits = export_ids(client, q=f'"{PHRASE}"', session_type=session_type)
    assert phrase_hits == expected
    assert result["total"] < search(client, q=PHRASE)["total"]


def test_commission_filter_keeps_only_that_commissions_documents(pipeline, client):
    documents = [doc for doc in pipeline.portal.documents if doc.defect is None and len(doc.urls) == 1]
    slug = "presupuesto-finanzas-y-tributacion"
    expected = {pipeline.document_id(d) for d in documents if pipeline.session_of(d).commission_slug == slug}
    assert expected
    assert export_ids(client, commission=slug) == expected
    result = search(client, q=PHRASE, commission=slug)
    assert result["total"] >= 1
    assert {h["commission"] for h in result["hits"]} == {slug}


def test_date_range_filter(pipeline, client):
    result = search(client, q=PHRASE, **{"from": "2022-01-01", "to": "2022-12-31"})
    assert result["total"] >= 1
    assert all("2022-01-01" <= h["date"] <= "2022-12-31" for h in result["hits"])
    in_2022 = {
        pipeline.document_id(doc) for doc, _ in pipeline.portal.find_pages(PHRASE, include_scanned=False)
        if pipeline.session_of(doc).date.year == 2022
    }
    assert export_ids(client, q=f'"{PHRASE}"', **{"from": "2022-01-01", "to": "2022-12-31"}) == in_2022


def test_facets_count_the_results(client):
    result = search(client, q=PHRASE)
    by_type = {f["value"]: f["count"] for f in result["facets"]["session_type"]}
    assert sum(by_type.values()) == result["total"]
    assert {f["value"] for f in result["facets"]["year"]} <= {"2021", "2022", "2023", "2024"}


def test_word_without_its_accent_finds_the_accented_word(client):
    plain = search(client, q="aprobacion")
    accented = search(client, q="aprobación")
    assert plain["total"] == accented["total"] > 0
    assert any("<mark>aprobación</mark>" in s["html"].lower() for h in plain["hits"] for s in h["snippets"])


def test_plural_finds_the_singular(pipeline, client):
    plural = export_ids(client, q="presupuestos participativos")
    assert set(phrase_pages(pipeline)) <= plural


def test_corrupt_and_html_files_are_recorded_as_failed_and_the_rest_indexed(pipeline):
    catalogue, portal = pipeline.catalogue, pipeline.portal
    reasons = {}
    for defect in ("corrupt", "html_error", "broken_link"):
        (document,) = portal.documents_with_defect(defect)
        row = catalogue.document(pipeline.document_id(document))
        reasons[defect] = (row["status"], row["status_reason"] or "")
    assert reasons["corrupt"][0] == "failed" and "corrupt" in reasons["corrupt"][1]
    # Never archived: the crawl checks for the %PDF- header before taking a body.
    assert reasons["html_error"][0] == "fetch_failed" and "HTML" in reasons["html_error"][1]
    assert reasons["broken_link"][0] == "fetch_failed" and "404" in reasons["broken_link"][1]
    counts = catalogue.counts()
    assert counts["documents"] == len(portal.documents)
    assert counts["extracted"] == len(portal.documents) - 3
    assert counts["indexed"] == counts["extracted"]
    assert pipeline.reports["index"].counts["documents"] == counts["extracted"]


def test_scanned_pages_are_read_by_ocr(pipeline, client):
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed: scanned pages cannot be OCR'd here")
    for document in (d for d in pipeline.portal.documents if d.scanned):
        pages = pipeline.catalogue.pages(pipeline.document_id(document))
        assert [p["origin"] for p in pages] == ["ocr"] * len(document.pages)
        expected = set(re.findall(r"\w{4,}", " ".join(document.pages).lower()))
        got = set(re.findall(r"\w{4,}", " ".join(p["text"] for p in pages).lower()))
        assert len(expected & got) / len(expected) >= 0.85
    assert search(client, q="Chilibulo")["total"] == sum(1 for d in pipeline.portal.documents if d.scanned)
    scanned = next(d for d in pipeline.portal.documents if d.scanned)
    page = client.get(f"/documentos/{pipeline.document_id(scanned)}").get_data(as_text=True)
    assert page.count("texto reconocido por OCR (confianza ") == len(scanned.pages)


def test_crawling_twice_creates_no_duplicates(pipeline):
    before = pipeline.catalogue.counts()
    report = steps.crawl(pipeline.settings, pipeline.catalogue)
    after = pipeline.catalogue.counts()
    for key in ("sessions", "commissions", "documents", "files", "versions"):
        assert after[key] == before[key], key
    assert report.counts["new_files"] == 0


def test_a_document_published_under_two_urls_is_one_document(pipeline):
    (twice,) = [d for d in pipeline.portal.documents if len(d.urls) == 2]
    ids = {
        pipeline.catalogue.db.execute(
            "SELECT document_id FROM document_urls WHERE url = ?", (pipeline.portal_url + url,)
        ).fetchone()[0]
        for url in twice.urls
    }
    assert len(ids) == 1
    assert len(pipeline.catalogue.document_urls(ids.pop())) == 2


@pytest.mark.parametrize("q", ['"presupuesto', "AND OR", "((", "-", "*", "tipo:", 'comision:"', "\\", ":::",
                               "presupuesto)", "a" * 500, "OR presupuesto OR", "numero:abc"])
def test_malformed_queries_never_error(client, q):
    api = client.get("/api/v1/search", query_string={"q": q})
    assert api.status_code == 200
    assert "total" in api.get_json()
    page = client.get("/", query_string={"q": q})
    assert page.status_code == 200


def test_unbalanced_quote_searches_the_words_and_says_so(client):
    result = search(client, q='"presupuesto participativo')
    assert result["total"] > 0
    assert result["warnings"]


def test_pdf_link_opens_the_archived_file_at_the_page(pipeline, client):
    document_id, pages = next(iter(phrase_pages(pipeline).items()))
    html = client.get("/", query_string={"q": f'"{PHRASE}"'}).get_data(as_text=True)
    page = min(pages)
    assert f"/documentos/{document_id}.pdf#page={page}" in html
    assert f"pág. {page}" in html
    with client.get(f"/documentos/{document_id}.pdf") as response:
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        body = response.get_data()
    assert hashlib.sha256(body).hexdigest() == pipeline.catalogue.document(document_id)["current_sha256"]
    assert client.get("/documentos/999999.pdf").status_code == 404


def test_document_page_shows_metadata_and_text_per_page(pipeline, client):
    document_id, _ = next(iter(phrase_pages(pipeline).items()))
    html = client.get(f"/documentos/{document_id}").get_data(as_text=True)
    row = pipeline.catalogue.document(document_id)
    assert row["title"] in html
    for number in range(1, row["page_count"] + 1):
        assert f'id="pagina-{number}"' in html
    assert "presupuesto participativo" in html.lower()
    assert row["current_sha256"] in html


def test_search_page_with_all_four_filters(client):
    response = client.get("/", query_string={
        "q": PHRASE, "from": "2021-01-01", "to": "2024-12-31", "session_type": "ordinaria", "commission": "",
    })
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<mark>" in html and "pág." in html
    assert 'name="session_type"' in html and 'name="commission"' in html and 'name="from"' in html


def test_browsing_sessions_and_commissions(pipeline, client):
    sessions = client.get("/sesiones/").get_data(as_text=True)
    assert "2023" in sessions
    commissions = client.get("/comisiones/").get_data(as_text=True)
    assert "Presupuesto" in commissions
    page = client.get("/comisiones/presupuesto-finanzas-y-tributacion").get_data(as_text=True)
    assert "Integrantes" in page


def test_exports_are_complete(client):
    total = search(client, q="concejo")["total"]
    assert total > 100
    csv_lines = client.get("/api/v1/export.csv", query_string={"q": "concejo"}).get_data(as_text=True).splitlines()
    assert len(csv_lines) == total + 1
    assert len(export_ids(client, q="concejo")) == total


def test_public_failure_reasons_name_no_server_path_and_no_file_bytes(pipeline, client):
    rows = pipeline.catalogue.db.execute("SELECT id, status_reason FROM documents WHERE status_reason IS NOT NULL")
    reasons = {row["id"]: row["status_reason"] for row in rows}
    assert len(reasons) >= 2  # the replica publishes a corrupt file and an error page among its documents
    for document_id, reason in reasons.items():
        shown = client.get(f"/api/v1/documents/{document_id}").get_json()["status_reason"]
        assert shown == reason
        assert str(pipeline.settings.data_dir.resolve()) not in reason and str(pipeline.settings.data_dir) not in reason
        assert "b'" not in reason and "\\x" not in reason
