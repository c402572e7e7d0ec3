"""HTML pages of the replica portal (Spanish, shaped like Quito's "Concejo Abierto").

The crawler depends on these hooks, so keep them stable: `a.anio` per year, `a.mes` per month,
`ul.sesiones > li.sesion` whose text is "Sesión <tipo> <YYYY-MM-DD> — <a>…</a> · <a>…</a>",
`a.comision` per commission, `ul.miembros`, `p.horario`. This module only formats; it never
decides which sessions or documents exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from replica.model import LINK_TEXT, Commission, Council, Document, Session
from replica.spanish import month_name

_STYLE = """
body{font-family:Arial,Helvetica,sans-serif;margin:0;color:#222;background:#f6f6f4}
header{background:#0b3d6e;color:#fff;padding:14px 32px}header a{color:#fff;text-decoration:none}
header .marca{font-size:22px;font-weight:bold}header .sub{font-size:13px;opacity:.85}
nav{background:#e4e9ef;padding:8px 32px}nav a{margin-right:18px;color:#0b3d6e}
main{padding:20px 32px;max-width:960px}li.sesion{margin:6px 0}
footer{border-top:1px solid #ccc;padding:12px 32px;font-size:12px;color:#666}
""".strip()


def page(title: str, body: str, council: Council) -> bytes:
    """A full HTML page with the portal's header, navigation and footer."""
    return f"""<!DOCTYPE html>
<html lang="es">
<head>
<meta charset="utf-8">
<title>{escape(title)} | {escape(council.name)}</title>
<style>{_STYLE}</style>
</head>
<body>
<header><a href="/"><span class="marca">{escape(council.name)}</span></a>
<div class="sub">Concejo Abierto — Secretaría General del Concejo</div></header>
<nav><a href="/">Inicio</a> <a href="/sesiones/">Sesiones del Concejo</a> <a href="/comisiones/">Comisiones</a></nav>
<main>
{body}
</main>
<footer>{escape(council.name)} · Secretaría General del Concejo · Información pública de las sesiones,
actas y documentos del Concejo Metropolitano.</footer>
</body>
</html>
""".encode()


def home(council: Council) -> bytes:
    body = (
        "<h1>Concejo Abierto</h1>\n"
        "<p>Consulte las convocatorias, órdenes del día, actas e informes de las sesiones del Pleno "
        "y de las comisiones.</p>\n<ul class=\"secciones\">\n"
        '<li><a href="/sesiones/">Sesiones del Concejo</a></li>\n'
        '<li><a href="/comisiones/">Comisiones</a></li>\n</ul>'
    )
    return page("Inicio", body, council)


def years(council: Council, year_list: Iterable[int]) -> bytes:
    links = "\n".join(f'<li><a class="anio" href="/sesiones/{y}/">{y}</a></li>' for y in year_list)
    return page("Sesiones del Concejo", f"<h1>Sesiones del Concejo</h1>\n<ul>\n{links}\n</ul>", council)


def months(council: Council, year: int, month_list: Iterable[int]) -> bytes:
    links = "\n".join(
        f'<li><a class="mes" href="/sesiones/{year}/{m:02d}/">{month_name(m)}</a></li>' for m in month_list
    )
    body = f'<h1>Sesiones {year}</h1>\n<ul>\n{links}\n</ul>\n<p><a href="/sesiones/">Volver</a></p>'
    return page(f"Sesiones {year}", body, council)


def session_item(session: Session, links: list[tuple[str, Document]]) -> str:
    """One `li.sesion`: 'Sesión ordinaria 2022-03-10 — <a>ORDEN DEL DÍA</a> · <a>ACTA</a>'."""
    anchors = " · ".join(f'<a href="{escape(url)}">{LINK_TEXT[doc.kind]}</a>' for url, doc in links)
    return f'<li class="sesion">Sesión {session.session_type} {session.date.isoformat()} — {anchors}</li>'


def month(council: Council, year: int, month_number: int, items: list[str]) -> bytes:
    title = f"Sesiones de {month_name(month_number)} {year}"
    body = (f"<h1>{title}</h1>\n<ul class=\"sesiones\">\n" + "\n".join(items)
            + f'\n</ul>\n<p><a href="/sesiones/{year}/">Volver</a></p>')
    return page(title, body, council)


def commissions(council: Council, commission_list: list[Commission]) -> bytes:
    links = "\n".join(
        f'<li><a class="comision" href="/comisiones/{c.slug}/">{escape(c.name)}</a></li>' for c in commission_list
    )
    return page("Comisiones", f"<h1>Comisiones</h1>\n<ul>\n{links}\n</ul>", council)


def commission(council: Council, item: Commission, items: list[str]) -> bytes:
    members = "\n".join(f"<li>{escape(m)}</li>" for m in item.members)
    body = (
        f"<h1>{escape(item.name)}</h1>\n<h2>Integrantes</h2>\n<ul class=\"miembros\">\n{members}\n</ul>\n"
        f"<h2>Horario de sesiones</h2>\n<p class=\"horario\">{escape(item.schedule)}</p>\n"
        "<h2>Sesiones</h2>\n<ul class=\"sesiones\">\n" + "\n".join(items) + "\n</ul>\n"
        '<p><a href="/comisiones/">Volver</a></p>'
    )
    return page(item.name, body, council)


def not_found(council: Council, path: str) -> bytes:
    body = (f"<h1>Página no encontrada</h1>\n<p>La dirección <code>{escape(path)}</code> no existe "
            'en este portal.</p>\n<p><a href="/">Volver al inicio</a></p>')
    return page("Página no encontrada", body, council)


def server_error_page() -> bytes:
    """What a misconfigured document server returns instead of a PDF (served as application/pdf)."""
    return (
        "<!DOCTYPE html>\n<html lang=\"es\"><head><meta charset=\"utf-8\"><title>Error 500</title></head>\n"
        "<body><h1>Error 500 — Error interno del servidor</h1>\n"
        "<p>No se pudo recuperar el documento solicitado. Intente nuevamente más tarde.</p></body></html>\n"
    ).encode()


ROBOTS = b"User-agent: *\nAllow: /\n"
