"""Every kind of unreadable file gets a recorded reason, and one bad file never stops a batch."""

from __future__ import annotations

import hashlib
import json
import os
import struct
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from extract import Extraction, ExtractionFailed, extract_document
from extract.batch import extract_batch
from extract.inspect import inspect_file


def _small_pdf(path: Path, pages: int = 1) -> Path:
    document = pdfium.PdfDocument.new()
    for _ in range(pages):
        document.new_page(595, 842)
    document.save(str(path))
    document.close()
    return path


def _rc4(key: bytes, data: bytes) -> bytes:
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    out, i, j = bytearray(), 0, 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) % 256])
    return bytes(out)


_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _encrypted_pdf(path: Path) -> Path:
    """A PDF protected with a user password (Standard handler, RC4 40-bit), built by hand."""
    user, owner, permissions, file_id = b"secreto", b"dueno", -4, b"0123456789abcdef"
    o_entry = _rc4(hashlib.md5((owner + _PAD)[:32]).digest()[:5], (user + _PAD)[:32])
    key = hashlib.md5((user + _PAD)[:32] + o_entry + struct.pack("<i", permissions) + file_id).digest()[:5]
    u_entry = _rc4(key, _PAD)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <" + o_entry.hex().encode() + b"> /U <"
        + u_entry.hex().encode() + b"> /P " + str(permissions).encode() + b" >>",
    ]
    body, offsets = b"%PDF-1.4\n", []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    body += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    body += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Encrypt 4 0 R /ID [<{file_id.hex()}> <{file_id.hex()}>] >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode()
    path.write_bytes(body)
    return path


def _failure(path: Path, **kwargs) -> ExtractionFailed:
    with pytest.raises(ExtractionFailed) as caught:
        extract_document(path, ocr=False, **kwargs)
    return caught.value


def test_zero_byte_file(tmp_path):
    path = tmp_path / "vacio.pdf"
    path.write_bytes(b"")
    failure = _failure(path)
    assert failure.code == "empty_file" and "0 bytes" in str(failure)


def test_not_a_pdf(tmp_path):
    path = tmp_path / "imagen.pdf"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    assert _failure(path).code == "not_pdf"


def test_html_served_as_pdf(tmp_path):
    path = tmp_path / "acta.pdf"
    path.write_text("<!DOCTYPE html><html><body>404 No encontrado</body></html>", encoding="utf-8")
    failure = _failure(path)
    assert failure.code == "html_not_pdf" and "HTML" in str(failure)


def test_truncated_pdf(tmp_path):
    whole = _small_pdf(tmp_path / "entero.pdf", pages=3).read_bytes()
    path = tmp_path / "cortado.pdf"
    path.write_bytes(whole[: len(whole) // 3])
    assert _failure(path).code == "corrupt"


def test_corrupt_pdf(tmp_path):
    path = tmp_path / "roto.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    failure = _failure(path)
    assert failure.code == "corrupt" and "corrupt" in str(failure)


def test_encrypted_pdf(tmp_path):
    failure = _failure(_encrypted_pdf(tmp_path / "protegido.pdf"))
    assert failure.code == "encrypted" and "password" in str(failure)


def test_enormous_file_by_size(tmp_path):
    failure = _failure(_small_pdf(tmp_path / "grande.pdf"), max_bytes=100)
    assert failure.code == "too_large" and "max_bytes" in str(failure)


def test_enormous_file_by_pages(tmp_path):
    failure = _failure(_small_pdf(tmp_path / "largo.pdf", pages=5), max_pages=2)
    assert failure.code == "too_large" and "max_pages" in str(failure)


def test_timeout_is_recorded(real_corpus):
    [(_, result)] = list(
        extract_batch([("lento", real_corpus / "medellin__acta_257_cero_hambre.pdf", None)], timeout_s=0.01, ocr=False)
    )
    assert isinstance(result, ExtractionFailed) and result.code == "timeout"


def test_memory_bound_is_recorded(real_corpus):
    # PDFium aborts on a failed allocation, so the worker may die ("crashed") rather than raise MemoryError.
    path = real_corpus / "medellin__acta_257_cero_hambre.pdf"
    [(_, result)] = list(extract_batch([("memoria", path, None)], memory_mb=16, ocr=False))
    assert isinstance(result, ExtractionFailed) and result.code in ("memory", "crashed")
    assert "memory" in str(result)


def test_one_bad_file_does_not_stop_the_batch(tmp_path):
    good = _small_pdf(tmp_path / "bueno.pdf")
    empty = tmp_path / "vacio.pdf"
    empty.write_bytes(b"")
    html = tmp_path / "error.pdf"
    html.write_text("<html><body>Error 500</body></html>", encoding="utf-8")
    jobs = [("vacio", empty, None), ("bueno", good, None), ("html", html, None), ("bueno2", good, None)]
    results = dict(extract_batch(jobs, workers=2, ocr=False))
    assert sorted(results) == ["bueno", "bueno2", "html", "vacio"]
    assert isinstance(results["bueno"], Extraction) and isinstance(results["bueno2"], Extraction)
    assert results["vacio"].code == "empty_file" and results["html"].code == "html_not_pdf"


def test_inspect_reports_the_failure_reason(tmp_path):
    path = tmp_path / "vacio.pdf"
    path.write_bytes(b"")
    report = inspect_file(path)
    assert report["pages"] == [] and report["errors"][0].startswith("empty_file:")
    assert set(report) >= {"pages", "metadata", "errors"}


def test_batch_without_tesseract_says_so_once_and_marks_scans_needs_ocr(real_corpus, tmp_path):
    """A machine without Tesseract: one warning for the whole batch, each scanned page keeps the reason."""
    scans = ["charata__15.pdf", "villamaria__ordenanza_8079.pdf"]
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from extract.batch import extract_batch\n"
        f"jobs = [(name, Path({str(real_corpus)!r}) / name, None) for name in {scans!r}]\n"
        "results = dict(extract_batch(jobs, workers=2))\n"
        "print(json.dumps({name: [[p.origin for p in r.pages], r.errors] for name, r in results.items()}))\n"
    )
    environment = {**os.environ, "PATH": str(tmp_path)}  # no tesseract on PATH
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=environment, timeout=120, check=False
    )
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)
    for origins, errors in results.values():
        assert origins and set(origins) == {"needs_ocr"}
        assert errors[0].endswith("OCR unavailable: tesseract not installed: apt-get install tesseract-ocr tesseract-ocr-spa")
    assert run.stderr.count("OCR unavailable") == 1, run.stderr
