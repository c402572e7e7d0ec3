"""The key under which a hand-labelled truth file names a person, so that no name from the third-party
corpus is copied into the project (../shared/README.md): the first 12 hex digits of the sha256 of the
name folded (accents dropped, lower case, anything but letters and digits a single space)."""

from __future__ import annotations

import hashlib
import re
import unicodedata


def fold_name(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


def name_key(name: str) -> str:
    return hashlib.sha256(fold_name(name).encode()).hexdigest()[:12]
