"""Links the app renders or returns: absolute ones only from settings.public_url, never from the Host header,
and links to other sites only when they are http(s) (a `javascript:` URL from a portal stays plain text)."""

from __future__ import annotations

from urllib.parse import urlsplit

# Atom ids must be absolute; without a public URL they are names in this archive, not addresses.
FALLBACK_ID_PREFIX = "urn:concejo-abierto:"


def public_link(path_or_url: str, public_url: str | None) -> str:
    """The public address of an app path ("/documentos/5"): absolute under public_url, else the path itself."""
    if urlsplit(path_or_url).scheme or not public_url:
        return path_or_url
    return public_url.rstrip("/") + "/" + path_or_url.lstrip("/")


def public_id(path: str, public_url: str | None) -> str:
    """A stable absolute identifier for an app path (Atom ids): its public address, or a URN without one."""
    if public_url:
        return public_link(path, public_url)
    return FALLBACK_ID_PREFIX + path.strip("/").replace("/", ":")


def safe_href(url: str | None) -> str | None:
    """The URL if a browser may follow it as a link (http or https with a host), else None."""
    if not url:
        return None
    text = str(url).strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    return text
