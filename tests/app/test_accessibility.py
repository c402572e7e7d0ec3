"""Issue 12, accessible: the search page, a results page, a document page, a session page with attendance and
votes and a member page pass axe-core (installed by scripts/setup) in the headless Chromium of the browser
tests with no serious or critical violation, on a phone and on a desktop screen; and a person without
JavaScript searches, opens a result at its marked words and follows it to the session.

The archive is tests/app/proceedings_archive.py's, plus the agenda of Quito's first session, indexed."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest

from archive import open_catalogue
from concejo.config import load_settings
from indexer import write_index
from search_app import create_app
from search_app.backends import open_backend
from tests.browser import axe_violations, blocking, phone_page, served

from .proceedings_archive import ANA, JUAN, MOTION_FIRST, QUITO, build

pytestmark = pytest.mark.browser

AGENDA = ["1. LECTURA Y APROBACIÓN DEL ORDEN DEL DÍA", "2. Presupuesto participativo en primer debate"]
AGENDA_PAGES = ["ORDEN DEL DÍA", "\n".join(AGENDA)]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(the served app's base URL, {page name: its path})."""
    settings = load_settings(environ={}, data_dir=tmp_path_factory.mktemp("accessibility"), ocr=False)
    catalogue = open_catalogue(settings.catalogue_url)
    built = build(catalogue)
    council = next(c["id"] for c in catalogue.councils() if c["slug"] == QUITO)
    url = "http://127.0.0.1:8800/q1-orden.pdf"
    agenda = catalogue.list_document(council, "q1-orden", session_id=built.sessions["q1"], kind="orden_del_dia",
                                     title="Orden del día de la sesión ordinaria 1", url=url)
    sha256 = hashlib.sha256(b"q1-orden").hexdigest()
    catalogue.record_fetch(url, sha256, 1000, media_type="application/pdf")
    catalogue.save_extraction(agenda, sha256, [{"number": n, "text": text, "origin": "digital"}
                                               for n, text in enumerate(AGENDA_PAGES, 1)],
                              {"agenda_points": AGENDA}, [], extractor_version="test-1")
    backend = open_backend(settings)
    write_index(backend, catalogue)
    backend.close()
    pages = {
        "search": "/",
        "results": "/?q=presupuesto+participativo",
        "document": f"/documentos/{agenda}?q=presupuesto+participativo",
        "session": f"/sesiones/{built.sessions['q1']}",
        "member": f"/miembros/{built.person(ANA)}",
    }
    with served(create_app({"TESTING": True}, settings=settings)) as base:
        yield base, pages, agenda
    catalogue.close()


@pytest.fixture(scope="module", params=[(360, 740), (1280, 900)], ids=["phone", "desktop"])
def browser_page(request):
    # axe-core is injected as a script: the site's Content-Security-Policy allows only its own.
    with phone_page(*request.param, bypass_csp=True) as page:
        yield page


@pytest.mark.parametrize("name", ["search", "results", "document", "session", "member"])
def test_no_serious_or_critical_accessibility_violation(site, browser_page, name):
    base, pages, _ = site
    browser_page.goto(base + pages[name])
    assert browser_page.locator("main").count() == 1
    violations = axe_violations(browser_page)
    assert not blocking(violations), f"{pages[name]}: " + "\n".join(blocking(violations))


def test_the_agenda_is_numbered_once_on_screen(site, browser_page):
    """Its points carry their printed numbering; the list draws no marker before them."""
    base, pages, _ = site
    browser_page.goto(base + pages["document"])
    items = browser_page.locator("ul.agenda li")
    assert items.all_inner_texts() == AGENDA
    assert items.evaluate_all("items => items.map(li => getComputedStyle(li).listStyleType)") == ["none"] * 2


def test_without_javascript_a_person_searches_reads_the_marked_words_and_reaches_the_session(site, browser_page):
    base, _, agenda = site
    context = browser_page.context.browser.new_context(  # the same screen, with scripts off
        viewport=browser_page.viewport_size, locale="es-EC", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(base + "/")
        page.fill("#q", "presupuesto participativo")
        page.click("form.search button[type=submit]")
        page.wait_for_selector("ol.hits")
        page.click(f"ol.hits h2 a[href^='/documentos/{agenda}?']")
        page.wait_for_selector("article.document")
        parts = urlsplit(page.url)
        assert parse_qs(parts.query) == {"q": ["presupuesto participativo"]} and parts.fragment == "pagina-2"
        assert page.locator("section.page:target mark").all_inner_texts() == ["Presupuesto", "participativo"]
        assert page.locator("section.page:target").is_visible()
        assert page.evaluate("window.scrollY") > 0, "the page did not open at the first page with the words"
        page.click("dl.metadata a:has-text('Ordinaria')")
        page.wait_for_selector("#votaciones")
        assert MOTION_FIRST in page.inner_text("#votaciones")
        page.click(f"#asistencia a:has-text('{JUAN}')")
        page.wait_for_selector("ol.member-votes")
        assert page.locator("h1").inner_text() == JUAN
    finally:
        context.close()
