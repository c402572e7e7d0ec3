"""The crawler's shared vocabulary: how every family spider folds labels, makes slugs and tells a recording
(kept as a link) from a document (downloaded). One place, so no family restates it."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

AUDIO_EXTENSIONS = (".mp3", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".wav", ".flac")
VIDEO_EXTENSIONS = (".mp4", ".m4v", ".webm", ".mov", ".mkv", ".avi", ".ogv")
VIDEO_HOSTS = ("youtube.com", "youtu.be", "vimeo.com")


def fold(text: str | None) -> str:
    """Lowercase without accents, whitespace collapsed: for matching labels, never for storing."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def slugify(text: str | None) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def media_kind(url: str) -> str | None:
    """"audio" or "video" for a recording's link (kept as a link), None for a document to download."""
    parts = urlsplit(url)
    path = parts.path.lower()
    host = (parts.hostname or "").lower()
    if path.endswith(AUDIO_EXTENSIONS):
        return "audio"
    if path.endswith(VIDEO_EXTENSIONS) or any(host == h or host.endswith("." + h) for h in VIDEO_HOSTS):
        return "video"
    return None
