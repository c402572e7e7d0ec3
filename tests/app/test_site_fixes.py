"""What a person noticed on the site (issue 12): agenda points numbered twice, "1 documentos", the searched
words neither marked on the document page nor opened at, one long list of sessions per year, and labels
without their accents. Over a small archive built through the catalogue and indexed by the indexer."""

from __future__ import annotations

import hashlib
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from archive import open_catalogue
from concejo.config import load_settings
from indexer import write_index
from search_app import create_app
from search_app.backends import open_backend

AGENDA = ["1. LECTURA Y APROBACIÓN DEL ORDEN DEL DÍA", "2. LECTURA Y APROBACIÓN DE ACTAS ANTERIORES",
          "IV. Himno Nacional"]
# The acta of session 1: the searched words first appear on page 2 (accented, capitalised, plural).
ACTA_PAGES = [
    "Constatación del quórum. Texto con <etiquetas> & ampersands copiado del portal.",
    "Se aprobó el PRESUPUESTO de la Participación Ciudadana y los presupuestos barriales.",
    "Cierre de la sesión.",
    "El presupuesto participativo vuelve a tratarse.",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Quito: session 1 (2016-03-10, an acta of four pages with its agenda, and an agenda document), session 2
    (2016-03-24, one document), session 3 (2016-05-02, of the transit commission, one document of a kind
    the declaration does not name) and session 4 (2017-01-20, no documents)."""
    settings = load_settings(environ={}, data_dir=tmp_path_factory.mktemp("site-fixes"), ocr=False)
    catalogue = open_catalogue(settings.catalogue_url)
    council = catalogue.ensure_council("quito", "Concejo Metropolitano de Quito")
    commission = catalogue.upsert_commission(council, "transito", "Comisión de Tránsito", [], None, None)
    sessions = {}
    for key, day, number, commission_id in (("s1", "2016-03-10", 1, None), ("s2", "2016-03-24", 2, None),
                                            ("s3", "2016-05-02", 3, commission), ("s4", "2017-01-20", 4, None)):
        sessions[key] = catalogue.upsert_session(council, key, session_type="ordinaria", date=day, number=number,
                                                 title=f"Sesión ordinaria {number}", commission_id=commission_id)
    documents = {}
    for key, session, kind, title, pages, metadata in (
        ("acta-1", "s1", "acta", "Acta de la sesión 1", ACTA_PAGES, {"agenda_points": AGENDA}),
        ("orden-1", "s1", "orden_del_dia", "Orden del día de la sesión 1", ["Orden del día."], {}),
        ("acta-2", "s2", "acta", "Acta de la sesión 2", ["Una sola página."], {}),
        ("dictamen-3", "s3", "dictamen_de_comision", "Dictamen de la comisión", ["Dictamen sobre el tránsito."], {}),
    ):
        url = f"http://127.0.0.1:8800/{key}.pdf"
        document = catalogue.list_document(council, key, session_id=sessions[session], kind=kind, title=title, url=url)
        sha256 = hashlib.sha256(key.encode()).hexdigest()
        catalogue.record_fetch(url, sha256, 1000, media_type="application/pdf")
        catalogue.save_extraction(document, sha256, [{"number": n, "text": text, "origin": "digital"}
                                                     for n, text in enumerate(pages, 1)], metadata, [],
                                  extractor_version="test-1")
        documents[key] = document
    backend = open_backend(settings)
    write_index(backend, catalogue)
    backend.close()
    yield create_app({"TESTING": True}, settings=settings).test_client(), sessions, documents
    catalogue.close()


def get(client, url: str, **query) -> str:
    response = client.get(url, query_string=query)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def text_of(html: str) -> str:
    """What a person reads: tags dropped, entities decoded, spaces collapsed (none before , or .)."""
    return re.sub(r" ([,.])", r"\1", " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split()))


def between(html: str, start: str, end: str) -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


# -- agenda points numbered once ----------------------------------------------------------------------------

def test_agenda_points_show_their_printed_numbering_once(site):
    client, _, documents = site
    page = get(client, f"/documentos/{documents['acta-1']}")
    agenda = between(page, "<h2>Orden del día</h2>", "</ul>")
    # An <ol> would number the points again ("1. 1. LECTURA..."): the list adds no numbering of its own.
    assert "<ol" not in agenda and '<ul class="agenda">' in agenda
    assert [text_of(item) for item in agenda.split("<li>")[1:]] == AGENDA
    with client.get("/static/site.css") as css:
        assert re.search(r"ul\.agenda\s*\{[^}]*list-style:\s*none", css.get_data(as_text=True))


# -- counts in the right number -----------------------------------------------------------------------------

def test_a_count_of_one_is_singular_wherever_the_site_counts(site):
    client, _, documents = site
    listing = text_of(get(client, "/sesiones/"))
    assert "Sesión ordinaria 2 · 1 documento " in listing + " " and "Sesión ordinaria 1 · 2 documentos" in listing
    assert "Sesión ordinaria 4 · 0 documentos" in listing
    assert "1 documentos" not in listing
    assert "· 1 sesión" in text_of(get(client, "/comisiones/"))
    assert "Sesión ordinaria 3 · 1 documento" in text_of(get(client, "/comisiones/transito"))
    assert "1 página con texto" in text_of(get(client, f"/documentos/{documents['acta-2']}"))
    assert "4 páginas con texto" in text_of(get(client, f"/documentos/{documents['acta-1']}"))
    assert text_of(between(get(client, "/", q="dictamen"), 'id="total">', "</p>")) == "1 documento"


# -- the searched words, marked where a result leads --------------------------------------------------------

def test_a_result_leads_to_the_document_page_with_the_search_at_its_first_page_with_the_words(site):
    client, _, documents = site
    results = get(client, "/", q="presupuesto participacion")
    href = unescape(re.search(rf'<h2><a href="([^"]*/documentos/{documents["acta-1"]}[^"]*)"', results)[1])
    parts = urlsplit(href)
    assert parts.path == f"/documentos/{documents['acta-1']}"
    assert parse_qs(parts.query) == {"q": ["presupuesto participacion"]}
    assert parts.fragment == "pagina-2"


def test_the_document_page_marks_the_searched_words_without_regard_to_accents_case_or_number(site):
    client, _, documents = site
    page = get(client, f"/documentos/{documents['acta-1']}", q="Presupuesto PARTICIPACION")
    marked = re.findall(r"<mark>(.*?)</mark>", page)
    assert marked == ["PRESUPUESTO", "Participación", "presupuestos", "presupuesto"]
    page_two = between(page, 'id="pagina-2"', "</section>")
    assert "<mark>PRESUPUESTO</mark>" in page_two and "<mark>Participación</mark>" in page_two
    assert "<mark>" not in between(page, 'id="pagina-1"', "</section>")  # "participativo" is another word
    # Where they are, and the PDF opened at the first of those pages.
    notice = text_of(between(page, 'id="palabras-buscadas">', "</p>"))
    assert notice == "Las palabras de su búsqueda «Presupuesto PARTICIPACION» están resaltadas en las páginas 2, 4."
    assert f'href="/documentos/{documents["acta-1"]}.pdf#page=2">Abrir el PDF en la página 2</a>' in page
    assert '<a href="#pagina-2">2</a>' in page


def test_marking_keeps_the_page_text_escaped_and_a_hostile_search_inert(site):
    client, _, documents = site
    page = get(client, f"/documentos/{documents['acta-1']}", q='etiquetas <script>alert(1)</script> "&"')
    assert "&lt;<mark>etiquetas</mark>&gt; &amp; ampersands" in page
    assert "<script>" not in page and "&lt;script&gt;" in page  # the search shown in the notice, escaped
    plain = get(client, f"/documentos/{documents['acta-1']}")
    assert "<mark>" not in plain and 'id="palabras-buscadas"' not in plain
    assert "&lt;etiquetas&gt; &amp; ampersands" in plain


def test_a_search_whose_words_are_not_in_the_document_says_so(site):
    client, _, documents = site
    page = get(client, f"/documentos/{documents['acta-2']}", q="presupuesto")
    assert "<mark>" not in page
    assert "no aparecen en el texto de este documento" in text_of(page)
    assert f'href="/documentos/{documents["acta-2"]}.pdf">Abrir el PDF</a>' in page


def test_a_prefix_search_marks_the_words_it_begins(site):
    client, _, documents = site
    page = get(client, f"/documentos/{documents['acta-1']}", q="presupu*")
    assert re.findall(r"<mark>(.*?)</mark>", page) == ["PRESUPUESTO", "presupuestos", "presupuesto"]


# -- sessions by month ----------------------------------------------------------------------------------

def test_the_sessions_page_groups_each_year_by_month_as_the_portal_does(site):
    client, _, _ = site
    page = get(client, "/sesiones/")
    headings = [text_of(h) for h in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", page)]
    assert headings == ["2017", "Enero 2017", "2016", "Mayo 2016", "Marzo 2016"]
    march = between(page, "Marzo 2016</h3>", "</ul>")
    assert re.findall(r">(Sesión ordinaria \d)</a>", march) == ["Sesión ordinaria 2", "Sesión ordinaria 1"]


# -- labels with their accents ------------------------------------------------------------------------------

def test_filter_and_facet_labels_keep_their_accents(site):
    client, _, _ = site
    page = get(client, "/", q="dictamen OR presupuesto")
    form = text_of(between(page, "<form", "</form>"))
    assert "Tipo de sesión" in form and "Comisión" in form
    facets = [text_of(h) for h in re.findall(r"<h3>(.*?)</h3>", between(page, '<aside class="facets"', "</aside>"))]
    assert facets == ["Año", "Tipo de sesión", "Comisión", "Documento", "Concejo"]
    values = text_of(between(page, '<aside class="facets"', "</aside>"))
    assert "Dictamen de comisión 1" in values and "Orden del día" not in values  # not a hit of this search
    assert "Comisión de Tránsito 1" in values
    hit = text_of(between(page, "Dictamen de la comisión</a>", "</p>"))
    assert hit.endswith("Comisión de Tránsito · Dictamen de comisión")


def test_a_member_with_one_vote_has_one_vote_recorded(tmp_path):
    from .proceedings_archive import CUENCA, ROSA, build

    settings = load_settings(environ={}, data_dir=tmp_path, ocr=False)
    catalogue = open_catalogue(settings.catalogue_url)
    build(catalogue)
    page = text_of(get(create_app({"TESTING": True}, settings=settings).test_client(), "/miembros/", concejo=CUENCA))
    catalogue.close()
    assert f"{ROSA} Presente en 1 de 1 sesión con registro (según listas de asistentes) · 1 voto registrado" in page
    assert "registrados" not in page



def test_a_search_longer_than_any_search_accepts_is_neither_marked_nor_echoed(site):
    """The page reads a search as the search does: past MAX_QUERY_CHARS (500) it is refused, so the page marks
    nothing and its notice is not shown; the search is nowhere on the page."""
    client, _, documents = site
    for long_search in ("presupuesto " + "a" * 1500 + " finaldelabusqueda",
                        "presupuesto " + "de la " * 100 + "finaldelabusqueda"):
        page = get(client, f"/documentos/{documents['acta-1']}", q=long_search)
        assert "<mark>" not in page and 'id="palabras-buscadas"' not in page
        assert "finaldelabusqueda" not in page
