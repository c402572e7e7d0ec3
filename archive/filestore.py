"""Content-addressed file store: every fetched file kept under its sha256, written atomically.

A stored file is never overwritten or deleted by this module: the same content lands on the same
path, so storing it again is a no-op.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class FileStore:
    """Files under root/ab/cd/<sha256>; addressed only by sha256, never by a caller-supplied path."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a sha256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        """Store bytes, return their sha256. Existing content is left untouched."""
        digest = sha256_of(data)
        final = self.path_for(digest)
        if final.exists():
            return digest
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=final.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as tmp:
                tmp.write(data)
                tmp.flush()
                os.fsync(tmp.fileno())
            try:
                os.link(tmp_name, final)  # fails instead of replacing if another writer got there first
            except FileExistsError:
                pass
        finally:
            os.unlink(tmp_name)
        return digest

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()

    def open_path(self, sha256: str) -> Path:
        path = self.path_for(sha256)
        if not path.exists():
            raise FileNotFoundError(f"archived file {sha256} is missing from {self.root}")
        return path
