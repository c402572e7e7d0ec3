"""The replica over real HTTP on 127.0.0.1: listings, PDFs, validators, 404s and shutdown."""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from replica import Portal, build_portal
from replica.server import ReplicaServer
from tests.replica.fetching import fetch

REAL_CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "real"




def test_home_and_hooks(server: ReplicaServer) -> None:
    status, headers, body = fetch(f"{server.url}/")
    text = body.decode()
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<html lang="es">' in text and '<meta charset="utf-8">' in text
    assert '<a href="/sesiones/">Sesiones del Concejo</a>' in text
    assert '<a href="/comisiones/">Comisiones</a>' in text
    years = fetch(f"{server.url}/sesiones/")[2].decode()
    assert '<a class="anio" href="/sesiones/2022/">2022</a>' in years


def test_month_listing_is_shaped_like_quito(server: ReplicaServer, portal: Portal) -> None:
    session = next(s for s in portal.sessions if s.is_plenary and len(s.documents) == 2 and not any(
        d.defect for d in s.documents))
    year, month = session.date.year, session.date.month
    months = fetch(f"{server.url}/sesiones/{year}/")[2].decode()
    assert f'<a class="mes" href="/sesiones/{year}/{month:02d}/">' in months
    listing = fetch(f"{server.url}/sesiones/{year}/{month:02d}/")[2].decode()
    orden, acta = session.documents
    expected = (f'<li class="sesion">Sesión {session.session_type} {session.date.isoformat()} — '
                f'<a href="{orden.url}">ORDEN DEL DÍA</a> · <a href="{acta.url}">ACTA</a></li>')
    assert '<ul class="sesiones">' in listing and expected in listing


def test_commission_page(server: ReplicaServer, portal: Portal) -> None:
    commission = portal.commissions[0]
    page = fetch(f"{server.url}/comisiones/")[2].decode()
    assert f'<a class="comision" href="/comisiones/{commission.slug}/">{commission.name}</a>' in page
    page = fetch(f"{server.url}/comisiones/{commission.slug}/")[2].decode()
    assert f"<h1>{commission.name}</h1>" in page and '<ul class="miembros">' in page
    assert f'<p class="horario">{commission.schedule}</p>' in page
    assert re.search(r'<li class="sesion">Sesión \w+ \d{4}-\d{2}-\d{2} — <a href="[^"]+">CONVOCATORIA</a>', page)


def test_pdf_download_with_validators(server: ReplicaServer, portal: Portal) -> None:
    document = next(d for d in portal.documents if d.defect is None and d.kind == "acta")
    status, headers, body = fetch(server.url + document.url)
    assert status == 200 and headers["Content-Type"] == "application/pdf"
    assert body == portal.resources[document.url].body and body.startswith(b"%PDF")
    assert headers["ETag"].startswith('"') and headers["Last-Modified"].endswith("GMT")
    assert fetch(server.url + document.url, {"If-None-Match": headers["ETag"]})[0] == 304
    assert fetch(server.url + document.url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert fetch(server.url + document.url, {"If-Modified-Since": "Mon, 01 Jan 2018 00:00:00 GMT"})[0] == 200
    status, headers, body = fetch(server.url + document.url, method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) == len(portal.resources[document.url].body)


def test_broken_link_and_unknown_paths_are_404(server: ReplicaServer, portal: Portal) -> None:
    broken = portal.documents_with_defect("broken_link")[0]
    session = portal.session_by_key(broken.session_key)
    listing = fetch(f"{server.url}/sesiones/{session.date.year}/{session.date.month:02d}/")[2].decode()
    assert f'href="{broken.url}"' in listing
    status, _, body = fetch(server.url + broken.url)
    assert status == 404 and "Página no encontrada" in body.decode()
    assert fetch(f"{server.url}/no/existe")[0] == 404


def test_robots_and_redirect(server: ReplicaServer) -> None:
    status, _, body = fetch(f"{server.url}/robots.txt")
    assert status == 200 and b"Allow: /" in body
    assert fetch(f"{server.url}/sesiones")[0] == 200  # urllib follows the 301 to /sesiones/


def test_server_stops_quickly(portal: Portal) -> None:
    server = ReplicaServer(portal).start()
    url = server.url
    assert fetch(f"{url}/")[0] == 200
    started = time.perf_counter()
    server.stop()
    assert time.perf_counter() - started < 2
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"{url}/", timeout=1)


def test_extra_pdfs_are_published_with_their_bytes(tmp_path: Path) -> None:
    real = sorted(REAL_CORPUS.glob("quitoRAG__*.pdf")) or sorted(REAL_CORPUS.glob("*.pdf"))
    if not real:
        pytest.skip(f"no real PDFs in {REAL_CORPUS} to publish as extra documents")
    source = real[0]
    (tmp_path / source.name).write_bytes(source.read_bytes())
    portal = build_portal(extra_pdfs_dir=tmp_path)
    extras = [d for d in portal.documents if d.source_file is not None]
    assert len(extras) == 1
    document = extras[0]
    assert document.source_file == tmp_path / source.name and document.pages == []
    assert portal.resources[document.url].body == source.read_bytes()
    session = portal.session_by_key(document.session_key)
    assert session.is_plenary and document in session.documents
    assert session.date.year in range(2021, 2025)
    with ReplicaServer(portal) as server:
        listing = fetch(f"{server.url}/sesiones/{session.date.year}/{session.date.month:02d}/")[2].decode()
        assert f'href="{document.url}"' in listing
        assert fetch(server.url + document.url)[2] == source.read_bytes()


def test_extra_pdf_kind_and_type_come_from_the_file_name() -> None:
    from replica.extra import _date_and_type, guess_kind

    assert guess_kind("Acta Sesión 12.pdf") == "acta"
    assert guess_kind("orden-del-dia-03.pdf") == "orden_del_dia"
    assert guess_kind("ordenanza_8000.pdf") == "informe"
    day, kind = _date_and_type("Acta de la Sesión Extraordinaria No. 061 2024-05-10.pdf", range(2021, 2025))
    assert (day.isoformat(), kind) == ("2024-05-10", "extraordinaria")
