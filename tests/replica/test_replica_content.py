"""The generated portal: determinism, session and document shape, planted phrase, scans, defects."""

from __future__ import annotations

import io
import re
import time

import pypdfium2 as pdfium
import pytest

from replica import Portal, build_portal
from replica.model import DEFECTS, SESSION_TYPES
from replica.wording import SCAN_WORDS

PHRASE = "presupuesto participativo"


def _pdf_text(body: bytes) -> list[str]:
    document = pdfium.PdfDocument(body)
    texts = []
    try:
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_bounded())
            textpage.close()
            page.close()
    finally:
        document.close()
    return texts


def test_same_seed_gives_byte_identical_resources(portal: Portal) -> None:
    again = build_portal()
    assert again.resources.keys() == portal.resources.keys()
    assert all(again.resources[p] == portal.resources[p] for p in portal.resources)


def test_different_seed_gives_a_different_portal(portal: Portal) -> None:
    other = build_portal(seed=7)
    assert [s.key for s in other.sessions] != [s.key for s in portal.sessions]
    assert other.resources["/sesiones/"].body != portal.resources["/sesiones/"].body or (
        other.resources.keys() != portal.resources.keys()
    )


def test_generation_is_fast() -> None:
    started = time.perf_counter()
    build_portal(seed=99)
    assert time.perf_counter() - started < 10


def test_every_plenary_type_and_the_council(portal: Portal) -> None:
    assert portal.council.slug == "quito"
    plenary_types = {s.session_type for s in portal.sessions if s.is_plenary}
    assert plenary_types == set(SESSION_TYPES)
    assert {s.date.year for s in portal.sessions} == {2021, 2022, 2023, 2024}


def test_plenary_numbers_count_up_across_types(portal: Portal) -> None:
    plenary = [s for s in portal.sessions if s.is_plenary]
    assert [s.number for s in plenary] == list(range(plenary[0].number, plenary[0].number + len(plenary)))
    assert [s.date for s in plenary] == sorted(s.date for s in plenary)


def test_plenary_documents(portal: Portal) -> None:
    plenary = [s for s in portal.sessions if s.is_plenary]
    last_month = max(s.date for s in plenary).strftime("%Y-%m")
    for session in plenary:
        kinds = [d.kind for d in session.documents]
        assert kinds[0] == "orden_del_dia"
        assert 1 <= len(session.documents[0].pages) <= 2
        if session.date.strftime("%Y-%m") != last_month:
            acta = session.documents[1]
            assert acta.kind == "acta" and 3 <= len(acta.pages) <= 6
            assert acta.title == f"Acta de la Sesión {session.session_type.capitalize()} No. {session.number:03d}"
    assert any(len(s.documents) == 1 for s in plenary), "the newest month publishes agendas only"


def test_acta_follows_the_real_structure(portal: Portal) -> None:
    acta = next(d for d in portal.documents if d.kind == "acta" and d.key.startswith("pleno-")
                and "ordinaria" in d.key and d.defect is None)
    text = "\n".join(acta.pages)
    assert "CONCEJO METROPOLITANO DE QUITO" in text
    assert re.search(r"ACTA DE LA SESIÓN ORDINARIA No\. \d{3}", text)
    assert re.search(r"Quito, \w+ de \w+ de dos mil", text)
    assert "cuórum" in text and "\nI. " in text and "TOTAL A FAVOR" in text
    assert re.search(r"RESOLUCIÓN No\. CDMQ-\d{3}-\d{4}", text)
    assert all(re.fullmatch(r"CDMQ-\d{3}-\d{4}", i) for i in acta.identifiers)
    assert acta.pages[-1].endswith(f"Página {len(acta.pages)} de {len(acta.pages)}")


def test_commissions(portal: Portal) -> None:
    assert len(portal.commissions) == 10
    for commission in portal.commissions:
        assert 3 <= len(commission.members) <= 5
        assert " — President" in commission.members[0]
        assert re.fullmatch(r"[\wáé ]+, \d{2}:\d{2}", commission.schedule)
        assert 2 <= len(commission.sessions) <= 5
        numbers = [s.number for s in commission.sessions]
        assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
        for session in commission.sessions:
            assert session.commission_slug == commission.slug
            assert session.documents[0].kind == "convocatoria"


def test_planted_phrase_is_in_several_sessions_and_pages(portal: Portal) -> None:
    hits = portal.find_pages(PHRASE)
    keys = {d.key for d, _ in hits}
    sessions = [portal.session_by_key(d.session_key) for d, _ in hits]
    assert len(keys) >= 5
    assert len({s.session_type for s in sessions if s.is_plenary}) >= 3
    assert len({s.date.year for s in sessions}) >= 3
    assert any(not s.is_plenary for s in sessions)
    assert any(page > 1 for _, page in hits)
    assert portal.find_pages(PHRASE.upper()) == hits


def test_planted_pages_are_really_in_the_pdfs(portal: Portal) -> None:
    for document, page in portal.find_pages(PHRASE, include_scanned=False):
        texts = _pdf_text(portal.resources[document.url].body)
        assert PHRASE in " ".join(texts[page - 1].split()).lower(), (document.key, page)
        others = [i for i, t in enumerate(texts, start=1) if PHRASE in " ".join(t.split()).lower()]
        assert others == [page]


def test_scanned_documents_are_image_only(portal: Portal) -> None:
    scanned = [d for d in portal.documents if d.scanned]
    assert 2 <= len(scanned) <= 3
    for document in scanned:
        assert 1 <= len(document.pages) <= 2
        assert all(word in "\n".join(document.pages) for word in SCAN_WORDS)
        assert all(not t.strip() for t in _pdf_text(portal.resources[document.url].body))
    assert not any(w in p for d in portal.documents if not d.scanned for p in d.pages for w in SCAN_WORDS[:2])


@pytest.mark.parametrize("defect", DEFECTS)
def test_each_defect_exists_exactly_once(portal: Portal, defect: str) -> None:
    assert len(portal.documents_with_defect(defect)) == 1


def test_defect_bodies(portal: Portal) -> None:
    broken = portal.documents_with_defect("broken_link")[0]
    assert broken.url not in portal.resources
    corrupt = portal.resources[portal.documents_with_defect("corrupt")[0].url]
    assert corrupt.body.startswith(b"%PDF-1.4") and corrupt.content_type == "application/pdf"
    with pytest.raises(pdfium.PdfiumError):
        pdfium.PdfDocument(io.BytesIO(corrupt.body))
    error = portal.resources[portal.documents_with_defect("html_error")[0].url]
    assert error.content_type == "application/pdf" and b"Error 500" in error.body
    assert error.body.lstrip().startswith(b"<!DOCTYPE html>")


def test_exactly_one_document_is_published_twice(portal: Portal) -> None:
    doubled = [d for d in portal.documents if len(d.urls) == 2]
    assert len(doubled) == 1
    first, second = doubled[0].urls
    assert portal.resources[first].body == portal.resources[second].body
    assert sum(len(d.urls) for d in portal.documents) == len(portal.documents) + 1


def test_documents_have_unique_keys_and_urls(portal: Portal) -> None:
    keys = [d.key for d in portal.documents]
    urls = [u for d in portal.documents for u in d.urls]
    assert len(set(keys)) == len(keys) and len(set(urls)) == len(urls)
    assert all(u.startswith("/documentos/") and u.endswith(".pdf") for u in urls)
    assert portal.document_by_key(keys[0]).key == keys[0]
    with pytest.raises(KeyError, match="no-such"):
        portal.document_by_key("no-such")


def test_good_pdfs_open_with_the_recorded_page_count(portal: Portal) -> None:
    for document in portal.documents[:40]:
        if document.defect is None:
            texts = _pdf_text(portal.resources[document.url].body)
            assert len(texts) == len(document.pages)


def test_commission_sessions_fall_on_weekdays(portal: Portal) -> None:
    assert all(s.date.weekday() < 5 for c in portal.commissions for s in c.sessions)


def test_find_pages_can_leave_out_scanned_documents(portal: Portal) -> None:
    word = SCAN_WORDS[0]
    assert {d.key for d, _ in portal.find_pages(word)} == {d.key for d in portal.documents if d.scanned}
    assert portal.find_pages(word, include_scanned=False) == []


@pytest.mark.ocr
def test_scanned_pages_are_readable_by_tesseract(portal: Portal) -> None:
    pytesseract = pytest.importorskip("pytesseract")
    try:
        languages = pytesseract.get_languages()
    except pytesseract.TesseractNotFoundError:
        pytest.skip("the tesseract binary is not installed (apt-get install tesseract-ocr tesseract-ocr-spa)")
    if "spa" not in languages:
        pytest.skip("tesseract has no Spanish model (apt-get install tesseract-ocr-spa)")
    document = next(d for d in portal.documents if d.scanned)
    pdf = pdfium.PdfDocument(portal.resources[document.url].body)
    try:
        page = pdf[0]
        image = page.render(scale=200 / 72, grayscale=True).to_pil()
        page.close()
    finally:
        pdf.close()
    text = pytesseract.image_to_string(image, lang="spa")
    assert "Chilibulo" in text and "CONCEJO METROPOLITANO DE QUITO" in text
