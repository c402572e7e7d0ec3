"""What extraction makes of one file, as a JSON-ready dict (backs `concejo inspect PATH.pdf`).

Runs through the bounded batch worker, so inspecting a hostile file cannot hang the terminal.
"""

from __future__ import annotations

from pathlib import Path

from extract.batch import extract_batch
from extract.errors import ExtractionFailed
from extract.model import Metadata


def inspect_file(
    path: Path, *, ocr: bool = True, hints: dict | None = None, timeout_s: float = 600, memory_mb: int = 2048
) -> dict:
    """``{"pages", "metadata", "errors"}``; a file that failed has no pages and its reason in errors."""
    [(_, result)] = list(
        extract_batch([("file", Path(path), hints)], workers=1, timeout_s=timeout_s, memory_mb=memory_mb, ocr=ocr)
    )
    if isinstance(result, ExtractionFailed):
        return {
            "pages": [],
            "metadata": Metadata().to_dict(),
            "errors": [f"{result.code}: {result.reason}"],
            "failure": result.to_dict(),
        }
    return result.to_dict()
