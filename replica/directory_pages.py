"""Index pages of the replica's open directory listing, as Apache's mod_autoindex and IIS render them.

Apache (FancyIndexing with HTMLTable, Debian's default): "Index of /path", a table whose first row links
the parent ("Parent Directory", an absolute path) and whose header links re-sort the page
("?C=N;O=D"); entries link relatively, percent-encoded. IIS (directory browsing): "<H1>host - /path/</H1>",
a <pre> whose first link is "[To Parent Directory]" and whose entries link by absolute path, spaces
encoded and other characters left as they are. This module only formats; it never decides the tree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape
from urllib.parse import quote

SERVER_NAME = "archivos.concejo.local"


@dataclass(frozen=True)
class Entry:
    """One line of an index: a file (with its size) or a folder (size None)."""

    name: str
    is_dir: bool
    modified: dt.datetime
    size: int | None


def _parent(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[0] + "/"


def _apache_size(size: int | None) -> str:
    if size is None:
        return "  - "
    if size < 1024:
        return str(size)
    if size < 1024 * 1024:
        return f"{size / 1024:.0f}K"
    return f"{size / (1024 * 1024):.1f}M"


def apache_index(path: str, entries: list[Entry]) -> bytes:
    """An Apache 2.4 autoindex page of the folder `path` (decoded, ending in "/")."""
    shown = path if path == "/" else path.rstrip("/")
    rows = [(
        '<tr><td valign="top"><img src="/icons/back.gif" alt="[PARENTDIR]"></td><td><a href="'
        f'{quote(_parent(path))}">Parent Directory</a></td><td>&nbsp;</td><td align="right">  - </td>'
        "<td>&nbsp;</td></tr>"
    )]
    for entry in sorted(entries, key=lambda e: e.name):
        href = quote(entry.name) + ("/" if entry.is_dir else "")
        icon = '<img src="/icons/folder.gif" alt="[DIR]">' if entry.is_dir else \
            '<img src="/icons/layout.gif" alt="[   ]">'
        name = escape(entry.name) + ("/" if entry.is_dir else "")
        rows.append(f'<tr><td valign="top">{icon}</td><td><a href="{href}">{name}</a></td>'
                    f'<td align="right">{entry.modified:%Y-%m-%d %H:%M}  </td>'
                    f'<td align="right">{_apache_size(entry.size)}</td><td>&nbsp;</td></tr>')
    return f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">
<html>
 <head>
  <title>Index of {escape(shown)}</title>
 </head>
 <body>
<h1>Index of {escape(shown)}</h1>
  <table>
   <tr><th valign="top"><img src="/icons/blank.gif" alt="[ICO]"></th><th><a href="?C=N;O=D">Name</a></th>\
<th><a href="?C=M;O=A">Last modified</a></th><th><a href="?C=S;O=A">Size</a></th>\
<th><a href="?C=D;O=A">Description</a></th></tr>
   <tr><th colspan="5"><hr></th></tr>
{chr(10).join(rows)}
   <tr><th colspan="5"><hr></th></tr>
</table>
<address>Apache/2.4.62 (Debian) Server at {SERVER_NAME} Port 80</address>
</body></html>
""".encode()


def _iis_href(path: str) -> str:
    return path.replace("%", "%25").replace(" ", "%20").replace("#", "%23").replace("?", "%3F")


def _iis_time(moment: dt.datetime) -> str:
    hour = moment.hour % 12 or 12
    return f"{moment.month}/{moment.day}/{moment.year} {hour:>2}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def iis_index(path: str, entries: list[Entry]) -> bytes:
    """An IIS directory-browsing page of the folder `path` (decoded, ending in "/")."""
    heading = escape(f"{SERVER_NAME} - {path}")
    lines = [f'<A HREF="{_iis_href(_parent(path))}">[To Parent Directory]</A><br><br>']
    for entry in sorted(entries, key=lambda e: (not e.is_dir, e.name.lower())):
        size = "&lt;dir&gt;" if entry.is_dir else str(entry.size)
        href = _iis_href(path + entry.name + ("/" if entry.is_dir else ""))
        lines.append(f'{_iis_time(entry.modified):>22} {size:>12} <A HREF="{href}">{escape(entry.name)}</A><br>')
    return (f"<html><head><title>{heading}</title></head><body><H1>{heading}</H1><hr>\n\n"
            f"<pre>{''.join(lines)}</pre><hr></body></html>\n").encode()
