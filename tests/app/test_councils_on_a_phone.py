"""A citizen on a phone, in a real headless Chromium: the coverage page and the sessions of one council,
reached from the site's navigation, fit the screen (tests/app/two_councils.py is the archive)."""

from __future__ import annotations

import pytest

from archive import open_catalogue
from concejo.config import load_settings
from indexer import write_index
from search_app import create_app
from search_app.backends import open_backend
from tests.browser import FITS_THE_SCREEN, phone_page, served

from .two_councils import CUENCA_NAME, QUITO, build

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_url(tmp_path_factory):
    settings = load_settings(environ={}, data_dir=tmp_path_factory.mktemp("phone-councils"), ocr=False)
    catalogue = open_catalogue(settings.catalogue_url)
    build(catalogue)
    backend = open_backend(settings)
    write_index(backend, catalogue)
    backend.close()
    with served(create_app({"TESTING": True}, settings=settings)) as url:
        yield url
    catalogue.close()


@pytest.fixture(scope="module")
def phone():
    with phone_page(360, 740) as page:
        yield page


def test_coverage_and_one_councils_sessions_on_a_phone(live_url, phone):
    phone.goto(live_url + "/")
    phone.click("header.site nav a:has-text('Cobertura')")
    phone.wait_for_selector("section.coverage")
    assert phone.locator("section.coverage h2").all_inner_texts() == [CUENCA_NAME, "Concejo Metropolitano de Quito"]
    assert "Sin rastreos" in phone.inner_text("#concejo-cuenca")
    assert phone.inner_text(f"#nuevos-{QUITO}") == "4"
    assert phone.evaluate(FITS_THE_SCREEN), "the coverage page scrolls sideways on a phone"

    phone.locator("#concejo-cuenca a", has_text="ver sesiones").click()
    phone.wait_for_selector("ul.sessions")
    assert phone.locator("nav.councils a[aria-current]").inner_text() == CUENCA_NAME
    assert phone.locator("ul.sessions li").count() == 3
    assert phone.evaluate(FITS_THE_SCREEN), "the sessions page scrolls sideways on a phone"
