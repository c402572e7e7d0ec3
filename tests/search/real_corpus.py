"""The shared real corpus as the search acceptance tests see it: extracted once, indexed in both engines.

The 13 PDFs of ../shared/corpus/real are read with the project's own extraction (extract/, OCR for the
scanned pages, as `concejo extract` does) into one IndexableDocument each, with its metadata as the
index step would take it from the text. A few hundred documents of the portal replica (seeded, so runs
compare) are indexed beside them, so that totals and word statistics (idf) are those of an archive, not
of 13 files.

Extraction takes about a minute and a half (OCR); its page texts are kept in pytest's cache, keyed by each
file's sha256, the extractor version and whether OCR ran, so later sessions start at once
(`pytest --cache-clear` forgets them). Without tesseract, scanned pages keep only their text layer: the word
and parity tests run on that, the known-item test skips and says why. Nothing here copies corpus text
into the project.
This module only prepares data; the fixtures that use it are in conftest.py.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from index_config.entries import IndexableDocument

PROJECT_ROOT = Path(__file__).resolve().parents[2]
REAL = PROJECT_ROOT.parent / "shared" / "corpus" / "real"
REPLICA_SEEDS = (2016, 7)  # about 320 documents, 700 pages
REPLICA_ID_BASE = 10_000  # replica documents get ids from here; real files get 1..13 in name order
EXTRACT_TIMEOUT_S = 900  # per file: the mixed scan (8 image pages) OCRs in about half a minute on 2 cores
_CACHE_KEY = "concejo/search-real-corpus/v1"
_ACCENTED = re.compile(r"[áéíóúü]")
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class RealCorpus:
    """The real files as indexed documents, plus the replica's documents indexed beside them."""

    real: tuple[IndexableDocument, ...]
    replica: tuple[IndexableDocument, ...]
    ocr_missing: str | None  # why scanned pages have no OCR text, or None when OCR ran

    @property
    def documents(self) -> tuple[IndexableDocument, ...]:
        return self.real + self.replica

    @property
    def file_names(self) -> dict[int, str]:
        return {d.document_id: d.extra["file"] for d in self.real}

    @property
    def ids(self) -> dict[str, int]:
        return {d.extra["file"]: d.document_id for d in self.real}

    def real_words(self) -> set[str]:
        """Every distinct word (letters only, lowercased) of the real files' text."""
        return {w.lower() for d in self.real for page in d.pages for w in _WORD.findall(page)}


def unaccented(word: str) -> str:
    """The word as typed without accents: á é í ó ú ü lose their marks, ñ stays (it is a letter)."""
    return "".join(c for c in unicodedata.normalize("NFD", word) if c not in "\u0301\u0308")


def accented_words(corpus: RealCorpus, min_letters: int = 5) -> list[str]:
    """Distinct lowercased words of the real text with an acute accent or diaeresis, at least min_letters."""
    return sorted(w for w in corpus.real_words() if len(w) >= min_letters and _ACCENTED.search(w))


def tesseract_missing_reason() -> str | None:
    if shutil.which("tesseract") is None:
        return "tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-spa)"
    from extract.ocr import tesseract_unavailable_reason

    return tesseract_unavailable_reason()


def load_real_corpus(cache) -> RealCorpus:
    """Extract (or take from pytest's cache) the real files and build the replica's documents.

    `cache` is pytest's config.cache, or None to extract every time.
    """
    ocr_missing = tesseract_missing_reason()
    paths = sorted(REAL.glob("*.pdf"))
    keys = {p.name: _cache_key(p, ocr=ocr_missing is None) for p in paths}
    cached = {name: cache.get(key, None) if cache is not None else None for name, key in keys.items()}
    todo = [p for p in paths if cached[p.name] is None]
    if todo:
        for name, extracted in _extract(todo, ocr=ocr_missing is None).items():
            cached[name] = extracted
            if cache is not None:
                cache.set(keys[name], extracted)
    real = tuple(_real_document(number, path.name, cached[path.name]) for number, path in enumerate(paths, 1))
    return RealCorpus(real=real, replica=_replica_documents(), ocr_missing=ocr_missing)


def _cache_key(path: Path, *, ocr: bool) -> str:
    from extract import EXTRACTOR_VERSION

    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    return f"{_CACHE_KEY}/{digest}-x{EXTRACTOR_VERSION}-{'ocr' if ocr else 'text'}"


def _extract(paths: list[Path], *, ocr: bool) -> dict[str, dict]:
    from extract import ExtractionFailed
    from extract.batch import extract_batch

    results = dict(extract_batch([(p.name, p, None) for p in paths], workers=2, timeout_s=EXTRACT_TIMEOUT_S,
                                 ocr=ocr))
    failed = {name: str(r) for name, r in results.items() if isinstance(r, ExtractionFailed)}
    if failed:
        raise RuntimeError(f"the real corpus could not be extracted: {failed}")
    return {name: {"pages": [p.text for p in r.pages], "metadata": r.metadata.to_dict()}
            for name, r in results.items()}


def _real_document(document_id: int, file_name: str, extracted: dict) -> IndexableDocument:
    """As the index step builds it from an extraction: metadata from the text, the council from the source."""
    metadata = extracted["metadata"]
    number = metadata.get("session_number")
    kind = metadata.get("document_type") or "informe"
    return IndexableDocument(
        document_id=document_id,
        title=_title(kind, metadata),
        date=metadata.get("date"),
        session_type=metadata.get("session_type"),
        session_number=int(number) if number and str(number).isdigit() else None,
        commission=None,
        commission_name=None,
        document_type=kind,
        council=file_name.split("__", 1)[0],
        identifiers=tuple(metadata.get("identifiers") or ()),
        url=f"/documentos/{document_id}.pdf",
        pages=tuple(extracted["pages"]),
        extra={"file": file_name},
    )


_KIND_TITLES = {"acta": "Acta", "orden_del_dia": "Orden del día", "resolucion": "Resolución",
                "ordenanza": "Ordenanza", "reglamento": "Reglamento", "informe": "Documento"}


def _title(kind: str, metadata: dict) -> str:
    """A neutral title ("Acta de la sesión extraordinaria No. 61"): no words of the body beyond the kind."""
    title = _KIND_TITLES.get(kind, "Documento")
    if metadata.get("session_type") and metadata.get("session_number"):
        title += f" de la sesión {metadata['session_type']} No. {metadata['session_number']}"
    return title


def _replica_documents() -> tuple[IndexableDocument, ...]:
    from replica import build_portal

    documents = []
    for seed in REPLICA_SEEDS:
        portal = build_portal(seed=seed)
        sessions = {s.key: s for s in portal.sessions}
        commissions = {c.slug: c.name for c in portal.commissions}
        for document in portal.documents:
            session = sessions.get(document.session_key)
            if not document.pages or session is None:
                continue
            documents.append(IndexableDocument(
                document_id=REPLICA_ID_BASE + len(documents),
                title=document.title,
                date=session.date.isoformat(),
                session_type=session.session_type,
                session_number=session.number,
                commission=session.commission_slug,
                commission_name=commissions.get(session.commission_slug) if session.commission_slug else None,
                document_type=document.kind,
                council=portal.council.slug,
                identifiers=tuple(document.identifiers),
                url=f"/documentos/{REPLICA_ID_BASE + len(documents)}.pdf",
                pages=tuple(document.pages),
                extra={"replica": f"{seed}/{document.key}"},
            ))
    return tuple(documents)
