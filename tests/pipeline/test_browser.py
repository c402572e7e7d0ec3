"""A citizen on a phone: the search page driven in a real headless Chromium."""

from __future__ import annotations

import pytest

from tests.browser import FITS_THE_SCREEN, phone_page, served

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_url(app):
    with served(app) as url:
        yield url


@pytest.fixture(scope="module")
def phone():
    with phone_page(390, 844) as page:
        yield page


def test_search_filter_and_open_a_result_on_a_phone(live_url, phone):
    phone.goto(live_url + "/")
    phone.fill("#q", "presupuesto participativo")
    phone.press("#q", "Enter")
    phone.wait_for_selector("li.hit")
    total_all = int(phone.inner_text("#total").split()[0])
    assert total_all > 0
    assert phone.locator("li.hit mark").count() > 0
    assert phone.locator("li.hit a.page").first.inner_text().startswith("pág.")
    fits = phone.evaluate(FITS_THE_SCREEN)
    assert fits, "the results page scrolls sideways on a phone"

    phone.click("details.filters summary")
    phone.select_option("select[name=session_type]", "extraordinaria")
    phone.click("form.search button[type=submit]")
    phone.wait_for_selector("#total")
    total_filtered = int(phone.inner_text("#total").split()[0])
    assert 0 < total_filtered < total_all
    metas = phone.locator("li.hit p.meta").all_inner_texts()
    assert metas and all("Extraordinaria" in meta for meta in metas)

    phone.locator("li.hit h2 a").first.click()
    phone.wait_for_selector("section.page")
    assert phone.locator("a", has_text="Abrir el PDF").count() == 1
