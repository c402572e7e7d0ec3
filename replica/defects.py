"""Bytes of deliberately broken documents, as real portals sometimes publish them.

Which documents carry a defect is decided in replica.build; this module only makes the bytes.
"""

from __future__ import annotations

import random


def corrupt_pdf(rng: random.Random) -> bytes:
    """A PDF header followed by truncated garbage: no objects, no xref, no trailer.

    Deliberately free of "obj"/"trailer" tokens so no repairing reader (pdfium included) can
    reconstruct a document from it.
    """
    garbage = bytes(rng.randrange(128, 256) for _ in range(2048))
    return b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + garbage
