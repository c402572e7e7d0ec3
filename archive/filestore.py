"""Content-addressed file store: every fetched file kept under its sha256, written atomically.

A stored file is never deleted. Its bytes are checked against its name whenever it is stored again or
served (`open_verified`); a file whose bytes no longer match (damaged on disk) is moved aside into
`quarantine/` under the store's root and, when the right bytes arrive again, replaced by them.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

_HEX64 = re.compile(r"[0-9a-f]{64}")
_CHUNK = 1024 * 1024
_VERIFIED_CACHE_SIZE = 65536


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_of_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class CorruptFile(RuntimeError):
    """An archived file's bytes no longer match its sha256."""

    def __init__(self, sha256: str) -> None:
        super().__init__(
            f"archived file {sha256} no longer matches its hash (damaged on disk); run `concejo verify` "
            "to move it to quarantine and fetch it again"
        )
        self.sha256 = sha256


class _VerifiedCache:
    """Hash results by (path, size, mtime_ns), shared by every FileStore of the process (the web app
    makes one per request), so a file is hashed again only when it changed on disk."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[str, tuple[int, int, bool]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, path: Path, stat: os.stat_result) -> bool | None:
        with self.lock:
            entry = self.entries.get(str(path))
            if entry and entry[:2] == (stat.st_size, stat.st_mtime_ns):
                self.entries.move_to_end(str(path))
                return entry[2]
            return None

    def put(self, path: Path, stat: os.stat_result, intact: bool) -> None:
        with self.lock:
            self.entries[str(path)] = (stat.st_size, stat.st_mtime_ns, intact)
            self.entries.move_to_end(str(path))
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


_verified = _VerifiedCache(_VERIFIED_CACHE_SIZE)


class FileStore:
    """Files under root/ab/cd/<sha256>; addressed only by sha256, never by a caller-supplied path."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @property
    def quarantine_dir(self) -> Path:
        return self.root / "quarantine"

    def path_for(self, sha256: str) -> Path:
        if not isinstance(sha256, str) or not _HEX64.fullmatch(sha256):
            raise ValueError(f"not a sha256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        """Store bytes, return their sha256. An intact existing copy is left untouched; a damaged one is
        moved to quarantine and replaced by these bytes."""
        digest = sha256_of(data)
        final = self.path_for(digest)
        if final.exists():
            if self.is_intact(digest, use_cache=False):
                return digest
            self.quarantine(digest)
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
        """The file's path, unchecked (extraction reads it whole and fails on damage); see open_verified."""
        path = self.path_for(sha256)
        if not path.exists():
            raise FileNotFoundError(f"archived file {sha256} is missing from {self.root}")
        return path

    def open_verified(self, sha256: str) -> Path:
        """The file's path after checking its bytes still hash to `sha256`, for serving it as that file.

        Raises FileNotFoundError if it is missing, CorruptFile if its bytes changed. The check hashes the
        file once per (size, mtime) in this process: damage that keeps both (bit rot) is found by
        `concejo verify`, which re-hashes everything.
        """
        path = self.open_path(sha256)
        if not self.is_intact(sha256):
            raise CorruptFile(sha256)
        return path

    def is_intact(self, sha256: str, *, use_cache: bool = True) -> bool:
        """True if the stored file exists and its bytes hash to its name."""
        path = self.path_for(sha256)
        try:
            stat = path.stat()
            if use_cache and (cached := _verified.get(path, stat)) is not None:
                return cached
            intact = sha256_of_file(path) == sha256
        except FileNotFoundError:
            return False
        _verified.put(path, stat, intact)
        return intact

    def quarantine(self, sha256: str) -> Path:
        """Move a damaged file aside (never deleted) and return where it went."""
        source = self.path_for(sha256)
        self.quarantine_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        target = self.quarantine_dir / f"{sha256}.{stamp}"
        os.replace(source, target)
        return target

    def stored(self) -> Iterator[str]:
        """The sha256 of every file in the store (quarantine and partial writes excluded)."""
        for path in sorted(self.root.glob("??/??/*")):
            name = path.name
            if _HEX64.fullmatch(name) and path.parent.name == name[2:4] and path.parent.parent.name == name[:2]:
                yield name
