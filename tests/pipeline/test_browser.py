"""A citizen on a phone: the search page driven in a real headless Chromium."""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_url(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


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
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                      locale="es-EC")
        context.set_default_timeout(15_000)
        yield context.new_page()
        browser.close()


def test_search_filter_and_open_a_result_on_a_phone(live_url, phone):
    phone.goto(live_url + "/")
    phone.fill("#q", "presupuesto participativo")
    phone.press("#q", "Enter")
    phone.wait_for_selector("li.hit")
    total_all = int(phone.inner_text("#total").split()[0])
    assert total_all > 0
    assert phone.locator("li.hit mark").count() > 0
    assert phone.locator("li.hit a.page").first.inner_text().startswith("pág.")
    # Against the screen: a mobile browser zooms out to fit a page too wide, so window.innerWidth grows with it.
    fits = phone.evaluate("document.documentElement.scrollWidth <= screen.width + 1")
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
