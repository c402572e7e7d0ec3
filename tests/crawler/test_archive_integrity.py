"""Issue 8, items 8 and 9: the archive never takes a body it cannot verify, never serves a damaged file
as intact, and a damaged file is quarantined and fetched again."""

from __future__ import annotations

import pickle

import pytest

from archive import CorruptFile, FileStore, sha256_of
from concejo import cli, steps
from concejo.config import settings_environ
from search_app import create_app
from tests.crawler.hostile import DAY, crawl, crawl_settings, document, make_pdf


def damage(store: FileStore, sha256: str) -> bytes:
    """Flip bytes in the middle of an archived file, keeping its size (as a bad disk or a stray write would)."""
    path = store.open_path(sha256)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    return bytes(data)


def test_files_never_go_through_the_http_cache_and_a_304_confirms_the_archived_copy(portal, tmp_path):
    """A cached body (truncated by a kill, say) cannot become a version: files are never cached; a recrawl
    asks with the archived copy's validators and a 304 keeps that copy."""
    body = make_pdf("Acta de la sesion ordinaria del concejo metropolitano")
    portal.portal({DAY: [("Acta", portal.pdf("/acta.pdf", body))]})
    portal.routes["/"].headers["ETag"] = '"home-1"'  # a page the cache can keep, next to the file it must not
    settings = crawl_settings(tmp_path, portal.url())
    url = portal.url() + "/acta.pdf"
    _, catalogue = crawl(settings)
    cached = [pickle.loads(meta.read_bytes())["url"] for meta in settings.http_cache_dir.rglob("pickled_meta")]
    assert url not in cached and portal.url() in cached  # the home page is cached, the file is not
    portal.requests.clear()

    crawl(settings)

    etag = portal.routes["/acta.pdf"].headers["ETag"]
    assert [headers.get("If-None-Match") for path, headers in portal.requests if path == "/acta.pdf"] == [etag]
    row = document(catalogue, url)
    assert row["current_sha256"] == sha256_of(body)
    assert [v["sha256"] for v in catalogue.versions(row["id"])] == [sha256_of(body)]
    steps.extract(settings, catalogue)
    assert document(catalogue, url)["status"] == "extracted"
    catalogue.close()


def test_a_damaged_archive_file_is_never_served_and_a_recrawl_replaces_it(portal, tmp_path):
    body = make_pdf("Acta archivada")
    portal.portal({DAY: [("Acta", portal.pdf("/acta.pdf", body))]})
    settings = crawl_settings(tmp_path, portal.url())
    store = FileStore(settings.files_dir)
    _, catalogue = crawl(settings)
    sha256 = sha256_of(body)
    assert store.open_verified(sha256) == store.open_path(sha256)
    damaged = damage(store, sha256)
    with pytest.raises(CorruptFile, match="concejo verify"):
        store.open_verified(sha256)
    document_id = document(catalogue, portal.url() + "/acta.pdf")["id"]
    served = create_app({"TESTING": True}, settings=settings).test_client().get(f"/documentos/{document_id}.pdf")
    assert served.status_code == 503 and served.data != damaged and "dañado" in served.get_data(as_text=True)

    crawl(settings)

    assert store.open_path(sha256).read_bytes() == body
    assert store.open_verified(sha256) == store.open_path(sha256)
    assert [p.read_bytes() for p in store.quarantine_dir.iterdir()] == [damaged]
    assert len(catalogue.versions(document(catalogue, portal.url() + "/acta.pdf")["id"])) == 1
    catalogue.close()


def test_concejo_verify_quarantines_damaged_files_and_fetches_them_again(portal, tmp_path, monkeypatch, capsys):
    acta, informe = make_pdf("Acta"), make_pdf("Informe")
    portal.portal({DAY: [("Acta", portal.pdf("/acta.pdf", acta)), ("Informe", portal.pdf("/informe.pdf", informe))]})
    settings = crawl_settings(tmp_path, portal.url())
    _, catalogue = crawl(settings)
    store = FileStore(settings.files_dir)
    damaged = damage(store, sha256_of(acta))
    for name, value in settings_environ(settings).items():
        monkeypatch.setenv(name, value)

    assert cli.main(["verify"]) == 0

    out = capsys.readouterr().out
    assert f"{sha256_of(acta)} dañado" in out and "1 de 1 documentos recuperados" in out
    assert store.open_path(sha256_of(acta)).read_bytes() == acta
    assert [p.read_bytes() for p in store.quarantine_dir.iterdir()] == [damaged]
    assert cli.main(["verify"]) == 0
    assert "Todos los archivos coinciden con su hash" in capsys.readouterr().out
    catalogue.close()


def test_storing_over_a_damaged_copy_quarantines_it_and_stores_the_verified_bytes(tmp_path):
    store = FileStore(tmp_path / "files")
    sha256 = store.put(b"%PDF-1.4 original")
    damaged = damage(store, sha256)

    assert store.put(b"%PDF-1.4 original") == sha256

    assert store.open_verified(sha256).read_bytes() == b"%PDF-1.4 original"
    assert [p.read_bytes() for p in store.quarantine_dir.iterdir()] == [damaged]
    assert list(store.stored()) == [sha256]


def test_a_missing_file_is_not_found_and_not_intact(tmp_path):
    store = FileStore(tmp_path / "files")
    with pytest.raises(FileNotFoundError):
        store.open_verified("0" * 64)
    assert not store.is_intact("0" * 64)
