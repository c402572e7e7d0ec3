"""A citizen on a phone, in a real headless Chromium: the coverage page and the sessions of one council,
reached from the site's navigation, fit the screen (tests/app/two_councils.py is the archive)."""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from archive import open_catalogue
from concejo.config import load_settings
from indexer import write_index
from search_app import create_app
from search_app.backends import open_backend

from .two_councils import CUENCA_NAME, QUITO, build

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.browser
# Against the screen, not window.innerWidth: a mobile browser widens its layout viewport (zooming out) to
# fit a page that is too wide, and innerWidth grows with it.
FITS = "document.documentElement.scrollWidth <= screen.width"


@pytest.fixture(scope="module")
def live_url(tmp_path_factory):
    settings = load_settings(environ={}, data_dir=tmp_path_factory.mktemp("phone-councils"), ocr=False)
    catalogue = open_catalogue(settings.catalogue_url)
    build(catalogue)
    backend = open_backend(settings)
    write_index(backend, catalogue)
    backend.close()
    server = make_server("127.0.0.1", 0, create_app({"TESTING": True}, settings=settings), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)
    catalogue.close()


@pytest.fixture(scope="module")
def phone():
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; scripts/setup installs it")
        pytest.skip("chromium is not installed (scripts/setup installs it): no browser to drive")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True,
                                      locale="es-EC")
        context.set_default_timeout(15_000)
        yield context.new_page()
        browser.close()


def test_coverage_and_one_councils_sessions_on_a_phone(live_url, phone):
    phone.goto(live_url + "/")
    phone.click("header.site nav a:has-text('Cobertura')")
    phone.wait_for_selector("section.coverage")
    assert phone.locator("section.coverage h2").all_inner_texts() == [CUENCA_NAME, "Concejo Metropolitano de Quito"]
    assert "Sin rastreos" in phone.inner_text("#concejo-cuenca")
    assert phone.inner_text(f"#nuevos-{QUITO}") == "4"
    assert phone.evaluate(FITS), "the coverage page scrolls sideways on a phone"

    phone.locator("#concejo-cuenca a", has_text="ver sesiones").click()
    phone.wait_for_selector("ul.sessions")
    assert phone.locator("nav.councils a[aria-current]").inner_text() == CUENCA_NAME
    assert phone.locator("ul.sessions li").count() == 3
    assert phone.evaluate(FITS), "the sessions page scrolls sideways on a phone"
