"""The one error extraction raises for a file that cannot be read at all.

Everything short of that (one page that failed to OCR, a missing tesseract) is recorded in
``Extraction.errors`` instead, so callers can tell "no text" from "failed".
"""

from __future__ import annotations

# Short machine codes, stable across versions: the archive stores them and the CLI prints them.
FAILURE_CODES = {
    "empty_file": "the file is empty (0 bytes): download it again",
    "not_pdf": "the file is not a PDF",
    "html_not_pdf": "the file is an HTML page served as a PDF (usually an error or login page)",
    "corrupt": "the PDF is corrupt or truncated",
    "encrypted": "the PDF is encrypted with a password",
    "too_large": "the file exceeds the configured size or page limit",
    "timeout": "extraction exceeded its time limit",
    "memory": "extraction exceeded its memory limit",
    "crashed": "the extraction worker died unexpectedly",
}


class ExtractionFailed(Exception):
    """A file that yields no pages at all; ``code`` is one of ``FAILURE_CODES``, ``str(exc)`` a human reason."""

    def __init__(self, code: str, reason: str) -> None:
        if code not in FAILURE_CODES:
            raise ValueError(f"unknown extraction failure code {code!r}; add it to FAILURE_CODES")
        super().__init__(reason)
        self.code = code
        self.reason = reason

    def __reduce__(self):  # keep code and reason across process boundaries (pickling)
        return (ExtractionFailed, (self.code, self.reason))

    def to_dict(self) -> dict:
        return {"code": self.code, "reason": self.reason}
