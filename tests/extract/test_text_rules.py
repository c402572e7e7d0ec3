"""Unit tests for cleanup, dates, metadata rules, garbage detection and the missing-tesseract path."""

from __future__ import annotations

import logging

import pypdfium2 as pdfium

from extract import cleanup, extract_document, ocr
from extract.metadata import agenda_points, apply_hints, identifiers
from extract.model import Metadata
from extract.spanish_dates import find_dates, words_to_number
from extract.text_quality import is_garbage


def test_symbol_font_ticks_are_mapped():
    assert cleanup.display_text("1. Vásconez Mejía \uf0fc") == "1. Vásconez Mejía ✓"


def test_page_of_and_lone_numbers_leave_searchable_text_only():
    display = cleanup.display_text("Título\ncuerpo del acta\nPágina 2 de 9\n")
    assert "Página 2 de 9" in display
    assert cleanup.searchable_text(display, set(), set()) == "Título\ncuerpo del acta"
    assert cleanup.searchable_text("texto\nmás texto\n12", set(), set()) == "texto\nmás texto"


def test_hyphenation_joined_and_compounds_kept():
    display = cleanup.display_text("la conti-\nnuación del PMDOT\x02PUGS y Alcalde-\nPresidente")
    text = cleanup.searchable_text(display, set(), set())
    assert "continuación" in text and "PMDOT-PUGS" in text and "Alcalde-Presidente" in text


def test_repeated_headers_kept_once():
    pages = [f"ACTA DE LA SESIÓN No. 061\ncuerpo {i} uno\ncuerpo dos\nPágina {i} de 3" for i in (1, 2, 3)]
    repeated = cleanup.repeated_edge_lines(pages)
    seen: set[str] = set()
    texts = [cleanup.searchable_text(page, repeated, seen) for page in pages]
    assert texts[0].startswith("ACTA DE LA SESIÓN") and not texts[1].startswith("ACTA")


def test_spanish_dates_in_words_and_numbers():
    assert find_dates("diez de mayo de dos mil veinticuatro")[0][1] == "2024-05-10"
    assert find_dates("A LOS DIECINUEVE DÍAS DEL MES DE OCTUBRE DEL AÑO DOS MIL VEINTITRES")[0][1] == "2023-10-19"
    assert find_dates("LUNES 04 DE MARZO DE 2.024")[0][1] == "2024-03-04"
    assert find_dates("LUNES 31 DE MRZO DE 2.025")[0][1] == "2025-03-31"
    assert find_dates("el 24/05/2024")[0][1] == "2024-05-24"
    assert words_to_number("mil novecientos noventa y ocho") == 1998


def test_identifiers_and_agenda():
    text = "Resolución CDMQ-022-2024 y el informe IC-O-CUS-2024-009 sobre la Ordenanza Metropolitana No. 075-2024"
    assert identifiers([text]) == ["CDMQ-022-2024", "IC-O-CUS-2024-009", "Ordenanza Metropolitana No. 075-2024"]
    agenda = "SUMARIO:\nI. Verificación del cuórum.\nII. Instalación de la sesión.\nIII. Clausura.\nÍNDICE\nI. Verificación"
    assert agenda_points([agenda]) == ["I. Verificación del cuórum", "II. Instalación de la sesión", "III. Clausura"]


def test_agenda_top_level_points_only():
    agenda = (
        "ORDEN DEL DÍA\n1º)- LECTURA Y APROBACIÓN DEL ORDEN DEL DÍA.-\n2º)- DICTAMENES:\n"
        "2.1º)- Dictamen sobre: ADHESIÓN A LA LEY PROVINCIAL Nº\n4.153-B, Y A SU DECRETO\n3º)- PROYECTOS:"
    )
    assert agenda_points([agenda]) == ["1. LECTURA Y APROBACIÓN DEL ORDEN DEL DÍA", "2. DICTAMENES", "3. PROYECTOS"]


def test_agenda_ordinal_sign_read_as_a_digit():
    # Tesseract reads the "º" of "4º)-" as 7 or 9; a plain "42)" after point 3 stays a different number.
    ocr_text = "1º)- LECTURA\n2º)- ACTAS:\n3º)- DICTÁMENES:\n47)- PROYECTOS:\n5º)- NOTAS ENTRADAS:"
    assert agenda_points([ocr_text]) == ["1. LECTURA", "2. ACTAS", "3. DICTÁMENES", "4. PROYECTOS", "5. NOTAS ENTRADAS"]
    assert agenda_points(["1) Uno\n2) Dos\n3) Tres\n42) Cuarenta y dos"]) == ["1. Uno", "2. Dos", "3. Tres"]


def test_agenda_wrapped_title_joined():
    summary = (
        "SUMARIO:\nI. Verificación del cuórum.\n"
        "II. Segundo Debate del Proyecto de Ordenanza Reformatoria para la\n"
        "actualización del Plan de Uso y Gestión del Suelo, Ordenanza PMDOT-\nPUGS-001 de 2021.\n"
        "III. Clausura de la sesión.\nEn la Sala de Sesiones"
    )
    assert agenda_points([summary]) == [
        "I. Verificación del cuórum",
        (
            "II. Segundo Debate del Proyecto de Ordenanza Reformatoria para la actualización del Plan de Uso y "
            "Gestión del Suelo, Ordenanza PMDOT-PUGS-001 de 2021"
        ),
        "III. Clausura de la sesión",
    ]


def test_acta_agenda_follows_its_heading():
    acta = "ASISTENTES:\n1. Marta Quishpe\n2. Luis Vásconez\nORDEN DEL DÍA:\n1. Aprobación del orden del día\n2. Proposiciones"
    assert agenda_points([acta], after_heading=True) == ["1. Aprobación del orden del día", "2. Proposiciones"]
    assert agenda_points(["ASISTENTES:\n1. Marta Quishpe\n2. Luis Vásconez"], after_heading=True) == []


def test_ocr_slips_in_agenda_labels_and_numbers():
    text = "3.1?”)- Dictamen\nI1. Instalación\nVl. Clausura\n1O)- NOTAS\nNº 1O.111 del 2.O24\n11. Once\nl. Uno"
    fixed = "3.1º)- Dictamen\nII. Instalación\nVI. Clausura\n10)- NOTAS\nNº 10.111 del 2.024\n11. Once\nl. Uno"
    assert ocr.fix_common_slips(text) == fixed
    assert agenda_points(["l. Verificación del cuórum\nII. Instalación"]) == ["I. Verificación del cuórum", "II. Instalación"]
    assert agenda_points(["l. Aprobación del acta\n2. Proposiciones"]) == ["1. Aprobación del acta", "2. Proposiciones"]


def test_listing_number_disagreement_recorded():
    metadata = Metadata(document_type="ordenanza", identifiers=["Ordenanza No. 8.189"])
    apply_hints(metadata, {"number": "8198", "council": "Concejo Deliberante de Villa María"})
    assert metadata.disagreements == [{"field": "number", "listing": "8198", "text": "8189"}]
    assert metadata.council == "Concejo Deliberante de Villa María"  # filled: the text named none


def test_garbage_layer_detected():
    assert is_garbage("LECTURA Y APROBAC16N DEL 0RDEN DEL DiA. Sesi6n Ordinaria, Reuni6n N° 50 COMIS16N d- u, N , C")
    assert not is_garbage("LECTURA Y APROBACIÓN DEL ORDEN DEL DÍA. Sesión Ordinaria Nº 39, Reunión Nº 50.")


def test_ocr_slips_corrected():
    assert ocr.fix_common_slips("Acta n.2 17/2019, vergúenza, SESIÓN N* 15") == "Acta n.º 17/2019, vergüenza, SESIÓN Nº 15"


def test_missing_tesseract_marks_pages_needs_ocr_and_warns_once(tmp_path, monkeypatch, caplog):
    import pytesseract

    path = tmp_path / "escaneo.pdf"
    document = pdfium.PdfDocument.new()
    for _ in range(2):
        document.new_page(200, 200)
    document.save(str(path))
    document.close()
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(tmp_path / "no-tesseract"))
    monkeypatch.setattr("extract.pdf_text.image_coverage", lambda page: 1.0)  # pretend both pages are scans
    ocr.tesseract_unavailable_reason.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="extract.ocr"):
            extraction = extract_document(path)
    finally:
        ocr.tesseract_unavailable_reason.cache_clear()
    assert [page.origin for page in extraction.pages] == ["needs_ocr", "needs_ocr"]
    assert extraction.errors[0] == "page 1: OCR unavailable: tesseract not installed: apt-get install tesseract-ocr tesseract-ocr-spa"
    assert len([r for r in caplog.records if "OCR unavailable" in r.getMessage()]) == 1
