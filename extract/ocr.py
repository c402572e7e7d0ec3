"""OCR of page images with Tesseract's Spanish model, one single-threaded process per page.

Tesseract's OpenMP threads fight each other when several pages run in parallel (20 s a page on
2 cores instead of 2.8 s), so every call runs with OMP_THREAD_LIMIT=1 and parallelism comes from
running one document per core (extract/batch.py). If the binary or the Spanish model is missing
we say so once and callers mark pages "needs_ocr"; we never silently return empty text.
"""

from __future__ import annotations

import functools
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytesseract
from PIL import Image, ImageStat

log = logging.getLogger(__name__)

LANGUAGE = "spa"
# Sauvola local thresholding (method 2): Tesseract's default global Otsu turns a phone photo's grey
# paper inside a white page margin entirely black and reads nothing but the scanner's watermark.
TESSERACT_CONFIG = "--psm 3 -c thresholding_method=2"
BLANK_PAGE_STDDEV = 6.0  # greyscale std-dev below this: a blank (scanned) page, not worth OCR


@dataclass(frozen=True)
class OcrResult:
    text: str
    confidence: float | None  # mean word confidence 0-100, None when no word was found


@functools.cache
def tesseract_unavailable_reason() -> str | None:
    """None when Tesseract with the Spanish model can run; else why not (logged once per process)."""
    try:
        pytesseract.get_tesseract_version()
        languages = pytesseract.get_languages(config="")
    except (pytesseract.TesseractNotFoundError, OSError):
        reason = "tesseract not installed: apt-get install tesseract-ocr tesseract-ocr-spa"
    except pytesseract.TesseractError as exc:
        reason = f"tesseract does not run ({exc}); reinstall tesseract-ocr"
    else:
        if LANGUAGE in languages:
            return None
        reason = f"tesseract has no Spanish model ({LANGUAGE}): apt-get install tesseract-ocr-spa"
    log.warning("OCR unavailable: %s; image-only pages are marked needs_ocr", reason)
    return reason


def is_blank(image: Image.Image) -> bool:
    """A page image with (almost) no ink: OCR would only produce noise."""
    small = image.convert("L").resize((max(image.width // 8, 1), max(image.height // 8, 1)))
    return ImageStat.Stat(small).stddev[0] < BLANK_PAGE_STDDEV


def ocr_image(image: Image.Image) -> OcrResult:
    """Run Tesseract (Spanish) on one page image; raise pytesseract.TesseractError on failure."""
    # pytesseract offers no per-call environment, so the limit is set for this process and the
    # tesseract children it starts; extraction workers do nothing else that uses OpenMP.
    os.environ["OMP_THREAD_LIMIT"] = "1"
    data = pytesseract.image_to_data(
        _uncompressed(image), lang=LANGUAGE, config=TESSERACT_CONFIG, output_type=pytesseract.Output.DICT
    )
    lines: dict[tuple[int, int, int], list[str]] = {}
    confidences: list[float] = []
    for i, word in enumerate(data["text"]):
        word = word.strip()
        confidence = float(data["conf"][i])
        if not word or confidence < 0:
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        lines.setdefault(key, []).append(word)
        confidences.append(confidence)
    text_lines: list[str] = []
    previous_paragraph: tuple[int, int] | None = None
    for (block, paragraph, _line), words in lines.items():
        if previous_paragraph is not None and (block, paragraph) != previous_paragraph:
            text_lines.append("")
        previous_paragraph = (block, paragraph)
        text_lines.append(" ".join(words))
    text = fix_common_slips("\n".join(text_lines))
    mean = round(sum(confidences) / len(confidences), 1) if confidences else None
    return OcrResult(text=text, confidence=mean)


def _uncompressed(image: Image.Image) -> Image.Image:
    """The image marked to reach Tesseract as an uncompressed TIFF rather than pytesseract's default PNG.

    Compressing a 300 dpi page to PNG costs ~0.15 s of CPU and Tesseract decoding it ~0.04 s more, ~13% of a
    page's OCR; Tesseract reads the same pixels either way and gives the same words.
    """
    marked = image.copy()  # pytesseract writes the image to a file in the format the image names
    marked.format = "TIFF"
    marked.info = {}  # nothing of a loaded file's (its compression, its resolution) carried into the TIFF
    return marked


_SLIPS: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    (re.compile(r"\b([Nn])\.\s?2(?=\s*\d)"), r"\1.º"),  # "n.º 17" read as "n.2 17"
    (re.compile(r"\b([Nn])[°º]?2\s(?=\d)"), r"\1º "),  # "Nº 40" read as "N2 40"
    (re.compile(r"\b([Nn])\s?[*?”\"'](?=:?\s?\d)"), r"\1º"),  # "N* 15", "N”: 9.587" for "Nº"
    (re.compile(r"(?m)^(\d{1,2}(?:\.\d{1,2})?)[*%”\"?]{1,2}\)"), r"\1º)"),  # agenda "3%)-", "3.1?”)-" for "3º)-"
    (re.compile(r"(?m)^(\d)O(?=\s?[º°]?\)|\.\s)"), r"\g<1>0"),  # agenda label "1O)-" for "10)-"
    (re.compile(r"(?<=\d)O(?=[.,]?\d)|(?<=\d[.,])O(?=\d)"), "0"),  # letter O inside a number: "1O.111", "2.O24"
    (re.compile(r"(?m)^(?=[IVXl1]{0,5}[IVX])(?=[IVXl1]{0,5}[l1])[IVXl1]{2,6}(?=\.\s)"),
     lambda m: m.group(0).replace("l", "I").replace("1", "I")),  # Roman agenda label "I1." / "Vl." for "II." / "VI."
    (re.compile(r"\b(Art\.\s?\d{1,3})\*(?=\s?[.)-])"), r"\1º"),  # "Art. 1*.-" for "Art. 1º.-"
    (re.compile(r"gú([ei])"), r"gü\1"),  # "vergüenza" read as "vergúenza": "gúe"/"gúi" is never Spanish
    (re.compile(r"GÚ([EI])"), r"GÜ\1"),
    (re.compile(r"(?<=[a-záéíóú])i6n\b"), "ión"),  # "Sesi6n"
    (re.compile(r"(?<=[A-ZÁÉÍÓÚ])I?[1l]6N\b"), "IÓN"),  # "APROBAC16N"
    (re.compile(r"\b0(?=[A-ZÁÉÍÓÚÑ]{2,})"), "O"),  # "0RDEN"
]


def fix_common_slips(text: str) -> str:
    """Correct Tesseract's frequent Spanish misreadings that are unambiguous."""
    for pattern, replacement in _SLIPS:
        text = pattern.sub(replacement, text)
    return text
