"""Issue 11 on the site: what a citizen sees of attendance and votes on a session's page, a member's page,
the votes search and an ordinance's page, over a real catalogue (tests/app/proceedings_archive.py)."""

from __future__ import annotations

import re
from html import unescape

import pytest

from archive import open_catalogue
from concejo.config import load_settings
from search_app import create_app

from .proceedings_archive import (
    ANA,
    ANA_MISSPELT,
    ANA_STAMP,
    CUENCA,
    FORMULA_MOTION,
    HOSTILE_MOTION,
    HOSTILE_NAME,
    JUAN,
    LOOSE_ITEM,
    LOOSE_MOTION,
    LUIS,
    MISMATCH,
    MOTION_CUENCA,
    MOTION_FIRST,
    MOTION_SECOND,
    MOTION_THIRD,
    NEW_MEMBER,
    ORDINANCE,
    QUITO,
    ROSA,
    add_edge_cases,
    build,
    built_with_settings,
)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    archive = built_with_settings(tmp_path_factory.mktemp("proceedings-pages"))
    yield archive
    archive.catalogue.close()


@pytest.fixture(scope="module")
def client(built):
    return create_app({"TESTING": True}, settings=built.settings).test_client()


def text_of(html: str) -> str:
    """The page as a person reads it: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def rows(html: str, table_class: str) -> list[list[str]]:
    """Each body row of every table of that class, as the cells' texts."""
    found = []
    for table in re.findall(rf'<table class="{table_class}">(.*?)</table>', html, re.DOTALL):
        body = table.split("<tbody>", 1)[1]
        found += [[text_of(cell) for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.DOTALL)]
                  for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.DOTALL)]
    return found


def section(html: str, anchor: str) -> str:
    return html.split(f'id="{anchor}"', 1)[1]


def get(client, url: str, status: int = 200, **query) -> str:
    response = client.get(url, query_string=query)
    assert response.status_code == status, (url, response.status_code, response.get_data(as_text=True)[:500])
    return response.get_data(as_text=True)


# -- the session page --------------------------------------------------------------------------------------

def test_a_session_page_shows_each_members_attendance_and_the_stated_count_beside_the_counted(client, built):
    page = get(client, f"/sesiones/{built.sessions['q1']}")
    attendance = section(page, "asistencia").split('id="votaciones"')[0]
    assert "Al iniciar" in attendance and "VERIFICACIÓN CUÓRUM" in attendance
    assert rows(attendance, "attendance") == [[ANA, "Presente"], [JUAN, "Presente"], [LUIS, "Ausente"],
                                              ["María Díaz Castro", "Presente"]]
    assert "El acta dice: 3 presentes. En la lista: 3 presentes de 4." in text_of(attendance)
    assert "no coincide" not in attendance


def test_a_stated_count_the_list_does_not_match_is_flagged(client, built):
    attendance = section(get(client, f"/sesiones/{built.sessions['q2']}"), "asistencia")
    assert "El acta dice: 4 presentes. En la lista: 3 presentes de 5." in text_of(attendance)
    assert "no coincide con la lista" in attendance
    assert [JUAN, "Excusado"] in rows(attendance, "attendance")


def test_a_session_page_shows_each_vote_with_its_result_identifiers_and_every_members_vote(client, built):
    page = get(client, f"/sesiones/{built.sessions['q1']}")
    votes = section(page, "votaciones")
    first, second = votes.split('class="vote"')[1:]
    assert MOTION_FIRST in first and "Resultado: Aprobada" in text_of(first)
    assert f'href="/expedientes/{ORDINANCE}"' in first
    # printed under a stamp as ANA PEREZ LOPEZ: shown under her name, with the printed form beside it
    assert rows(first, "ballots") == [[f"{ANA} (en el acta: «{ANA_STAMP}»)", "A favor"], [JUAN, "En contra"],
                                      ["María Díaz Castro", "A favor"], [LUIS, "Ausente"]]
    assert "Resultado: Rechazada" in text_of(second)
    assert [ANA, "Abstención"] in rows(second, "ballots") and ["María Díaz Castro", "En blanco"] in rows(second, "ballots")


def test_totals_that_do_not_add_up_are_shown_both_ways_with_a_warning(client, built):
    votes = section(get(client, f"/sesiones/{built.sessions['q1']}"), "votaciones")
    first, second = votes.split('class="vote"')[1:]
    assert MISMATCH not in first
    assert MISMATCH in second
    assert rows(second, "totals") == [["A favor", "2", "1"], ["Abstención", "1", "1"], ["En blanco", "1", "1"]]


def test_every_record_links_to_the_acta_page_it_came_from_and_names_to_member_pages(client, built):
    page = get(client, f"/sesiones/{built.sessions['q1']}")
    document = built.documents["q1"]
    attendance, votes = section(page, "asistencia").split('id="votaciones"')
    assert f'href="/documentos/{document}#pagina-1"' in attendance
    assert f'href="/documentos/{document}#pagina-2"' in votes and f'href="/documentos/{document}.pdf#page=3"' in votes
    assert f'href="/miembros/{built.person(ANA)}">{ANA}</a>' in attendance
    assert f'href="/miembros/{built.person(JUAN)}">{JUAN}</a>' in votes


def test_a_prose_vote_has_its_result_and_no_member_table(client, built):
    votes = section(get(client, f"/sesiones/{built.sessions['q2']}"), "votaciones")
    prose = votes.split('class="vote"')[2]
    assert "Por unanimidad" in prose and "Resultado: Aprobada" in text_of(prose)
    assert "ballots" not in prose and MISMATCH not in prose


def test_names_and_motions_from_documents_are_escaped(client, built):
    q1, q2 = get(client, f"/sesiones/{built.sessions['q1']}"), get(client, f"/sesiones/{built.sessions['q2']}")
    assert "<img src=x" not in q1 and "&lt;img src=x onerror=alert(1)&gt;" in q1
    assert "<script>alert(1)</script>" not in q2 and "Pedro &lt;script&gt;" in q2
    assert HOSTILE_NAME in text_of(q2)
    for url in ["/miembros/", "/votaciones/", f"/miembros/{built.person(HOSTILE_NAME)}"]:
        page = get(client, url)
        assert "<script>alert" not in page and "<img src=x" not in page, url


# -- members -----------------------------------------------------------------------------------------------

def test_a_member_page_states_attendance_in_words_and_every_vote_cast(client, built):
    page = get(client, f"/miembros/{built.person(ANA)}")
    assert "Presente en 2 de 2 sesiones con registro" in text_of(page)
    votes = [text_of(v) for v in re.findall(r'<li class="vote[^"]*">(.*?)</li>', page, re.DOTALL)]
    assert [v.split(" Fuente: ")[0] for v in votes] == [
        f"12 de febrero de 2024 · Ordinaria No. 2 {MOTION_SECOND} Su voto: A favor · Resultado: Aprobada "
        + f"Expedientes: {ORDINANCE}",
        f"15 de enero de 2024 · Ordinaria No. 1 {MOTION_FIRST} Su voto: A favor · Resultado: Aprobada "
        + f"Expedientes: {ORDINANCE}",
        f"15 de enero de 2024 · Ordinaria No. 1 {HOSTILE_MOTION} Su voto: Abstención · Resultado: Rechazada "
        + "Expedientes: Resolución No. CDMQ-022-2024",
    ]
    assert f'href="/sesiones/{built.sessions["q2"]}"' in page
    assert f'href="/documentos/{built.documents["q2"]}#pagina-2"' in page


def test_a_member_absent_or_excused_counts_against_their_attendance(client, built):
    assert "Presente en 1 de 2 sesiones con registro" in text_of(get(client, f"/miembros/{built.person(JUAN)}"))
    assert "Presente en 1 de 2 sesiones con registro" in text_of(get(client, f"/miembros/{built.person(LUIS)}"))


def test_a_member_page_lists_printed_forms_commissions_and_possible_matches_kept_apart(client, built):
    page = get(client, f"/miembros/{built.person(ANA)}")
    aliases = page.split("Otras formas del nombre", 1)[1].split("</ul>")[0]
    assert ANA_STAMP in aliases and ANA not in aliases
    assert 'href="/comisiones/presupuesto?concejo=quito">Comisión de Presupuesto</a>' in page
    assert "Presidenta · Comisión de Presupuesto" in text_of(page)
    review = section(page, "coincidencias")
    assert f'href="/miembros/{built.person(ANA_MISSPELT)}">{ANA_MISSPELT}</a>' in review
    assert "los mantenemos separados a propósito" in review and "difieren en una letra" in review


def test_the_members_list_narrows_to_one_council(client, built):
    everyone = text_of(get(client, "/miembros/"))
    assert everyone.count(ANA) == 2  # one person per council
    cuenca = get(client, "/miembros/", concejo=CUENCA)
    assert f'href="/miembros/{built.person(ANA, CUENCA)}"' in cuenca
    assert f'href="/miembros/{built.person(ANA)}"' not in cuenca and JUAN not in cuenca
    assert "El archivo no tiene ningún concejo «nada»" in text_of(get(client, "/miembros/", concejo="nada"))


def test_an_unknown_member_is_a_spanish_404(client):
    assert "No existe el miembro 999999" in get(client, "/miembros/999999", 404)


# -- the votes search --------------------------------------------------------------------------------------

def motions(page: str) -> list[str]:
    return [text_of(m) for m in re.findall(r'<h3 class="motion">(.*?)</h3>', page, re.DOTALL)]


def test_how_did_a_member_vote_on_a_subject(client, built):
    page = get(client, "/votaciones/", miembro=built.person(ANA), q="presupuesto")
    assert motions(page) == [MOTION_SECOND, MOTION_FIRST]  # newest session first; Cuenca's Ana is another person
    assert "2 votaciones" in text_of(page)
    choices = [text_of(c) for c in re.findall(r'<p class="member-choice">(.*?)</p>', page, re.DOTALL)]
    assert choices == [f"{ANA}: A favor", f"{ANA}: A favor"]
    assert f'<option value="{built.person(ANA)}" selected>' in page


def test_votes_narrow_by_words_result_dates_and_council(client):
    assert motions(get(client, "/votaciones/", q="PRESUPUESTO participativo")) == [
        MOTION_CUENCA, MOTION_SECOND, MOTION_FIRST]
    assert motions(get(client, "/votaciones/", resultado="rechazada")) == [MOTION_CUENCA, HOSTILE_MOTION]
    assert motions(get(client, "/votaciones/", desde="2024-02-01", hasta="2024-02-28")) == [
        MOTION_SECOND, FORMULA_MOTION]
    assert motions(get(client, "/votaciones/", concejo=CUENCA)) == [MOTION_CUENCA]
    assert "No encontramos votaciones" in get(client, "/votaciones/", q="inexistente")


@pytest.mark.parametrize(("query", "message"), [
    ({"desde": "2024-13-45"}, "La fecha «2024-13-45» (desde) no es válida"),
    ({"hasta": "ayer"}, "La fecha «ayer» (hasta) no es válida"),
    ({"desde": "2024-05-01", "hasta": "2024-01-01"}, "es posterior a"),
    ({"miembro": "ana"}, "El miembro (su número en /miembros) debe ser un número entero positivo"),
    ({"miembro": "999999"}, "No existe el miembro 999999"),
    ({"miembro": "9" * 40}, "El miembro (su número en /miembros) debe ser un número entero positivo"),
    ({"resultado": "ganada"}, "El resultado «ganada» no existe"),
    ({"concejo": "nada"}, "El archivo no tiene ningún concejo «nada»"),
    ({"pagina": "0"}, "La página debe ser un número entero entre 1 y 1000"),
    ({"pagina": "x"}, "La página debe ser un número entero entre 1 y 1000"),
])
def test_a_bad_filter_is_a_spanish_400_not_an_empty_list(client, query, message):
    assert message in text_of(get(client, "/votaciones/", 400, **query))


def test_votes_are_paged(client):
    first = get(client, "/votaciones/", per_page="2")
    assert len(motions(first)) == 2 and "5 votaciones" in text_of(first) and "Página 1 de 3" in text_of(first)
    assert 'rel="next" href="/votaciones/?pagina=2&amp;per_page=2"' in first  # the page size kept
    assert len(motions(get(client, "/votaciones/", per_page="2", pagina="3"))) == 1


def test_the_search_page_leads_to_the_votes_of_the_same_words(archive):
    page = get(archive.client(), "/", q="presupuesto participativo")
    assert 'href="/votaciones/?q=presupuesto+participativo">Votaciones de esta búsqueda</a>' in page


def test_the_navigation_reaches_members_and_votes(client):
    nav = re.split(r"<nav[^>]*>", get(client, "/"), maxsplit=1)[1].split("</nav>")[0]
    assert 'href="/miembros/">Miembros</a>' in nav and 'href="/votaciones/">Votaciones</a>' in nav


# -- items -------------------------------------------------------------------------------------------------

def test_an_ordinance_is_followed_across_sessions(client, built):
    page = get(client, f"/expedientes/{ORDINANCE}")
    mentions = [text_of(m) for m in re.findall(r"<li>(.*?)</li>", page.split('class="item-mentions"')[1], re.DOTALL)]
    assert [m.split(" · ")[0] for m in mentions] == ["Primer debate", "Segundo debate"]
    assert "15 de enero de 2024" in mentions[0] and "12 de febrero de 2024" in mentions[1]
    assert f'href="/sesiones/{built.sessions["q1"]}"' in page
    assert f'href="/documentos/{built.documents["q2"]}#pagina-2"' in page


def test_an_unknown_item_is_a_spanish_404(client):
    assert "No encontramos el expediente «IC-NADA-1»" in get(client, "/expedientes/IC-NADA-1", 404)


# -- on a phone --------------------------------------------------------------------------------------------

# No table scrolls sideways in its own box either: every column is seen without swiping.
TABLES_FIT = "[...document.querySelectorAll('.table-wrap')].every(box => box.scrollWidth <= box.clientWidth)"


@pytest.mark.browser
def test_attendance_votes_and_a_member_fit_a_phone_without_javascript(built):
    from tests.browser import FITS_THE_SCREEN, phone_page, served

    with served(create_app({"TESTING": True}, settings=built.settings)) as url, phone_page(360, 740) as page:
        phone = page.context.browser.new_context(  # the same phone, with scripts off
            viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="es-EC",
            java_script_enabled=False).new_page()
        phone.goto(f"{url}/sesiones/{built.sessions['q1']}")
        assert phone.locator("table.ballots").first.is_visible()  # open without a script
        assert MISMATCH in phone.inner_text("#votaciones")
        assert phone.evaluate(FITS_THE_SCREEN), "the session page scrolls sideways on a phone"
        assert phone.evaluate(TABLES_FIT), "a table of the session page scrolls sideways on a phone"
        phone.click(f"#votaciones a:has-text('{JUAN}')")
        phone.wait_for_selector("ol.member-votes")
        assert "Presente en 1 de 2 sesiones con registro" in phone.inner_text("#asistencia-resumen")
        assert phone.evaluate(FITS_THE_SCREEN), "the member page scrolls sideways on a phone"
        assert phone.evaluate(TABLES_FIT), "a table of the member page scrolls sideways on a phone"
        phone.click("header.site nav a:has-text('Votaciones')")
        phone.fill("#q", "presupuesto")
        phone.select_option("select[name=miembro]", label=f"{ANA} (Concejo Metropolitano de Quito)")
        phone.click("form.votes button")
        phone.wait_for_selector("p.member-choice")
        assert phone.locator("p.member-choice").all_inner_texts() == [f"{ANA}: A favor"] * 2
        assert phone.evaluate(FITS_THE_SCREEN), "the votes page scrolls sideways on a phone"


# -- edge cases: an acta of no session, a quorum stated without a list, totals printed in part ----------------

@pytest.fixture(scope="module")
def edges(tmp_path_factory):
    """The archive with an acta of no session and session 3 (add_edge_cases): (archive, client)."""
    settings = load_settings(environ={}, data_dir=tmp_path_factory.mktemp("proceedings-pages-edges"), ocr=False)
    catalogue = open_catalogue(settings.catalogue_url)
    archive = build(catalogue)
    add_edge_cases(archive)
    yield archive, create_app({"TESTING": True}, settings=settings).test_client()
    catalogue.close()


def test_a_vote_of_a_document_of_no_session_links_to_its_document(edges):
    archive, client = edges
    document = archive.documents["suelta"]
    for url in ("/votaciones/", f"/miembros/{archive.person(ANA)}", f"/miembros/{archive.person(JUAN)}",
                f"/expedientes/{LOOSE_ITEM}", "/miembros/"):
        page = get(client, url)
        if url != "/miembros/":
            assert f'<a href="/documentos/{document}">Documento sin sesión</a>' in page, url
    assert LOOSE_MOTION in get(client, "/votaciones/", q="suelta")


def test_a_quorum_stated_without_a_list_shows_no_list_count_and_no_mismatch(edges):
    archive, client = edges
    attendance = section(get(client, f"/sesiones/{archive.sessions['q3']}"), "asistencia").split('id="votaciones"')[0]
    assert "El acta dice: 20 presentes." in text_of(attendance)
    assert "En la lista" not in attendance and "no coincide" not in attendance
    assert "El acta no trae la lista de miembros." in text_of(attendance)


def test_a_total_the_acta_did_not_print_is_a_dash_not_a_zero(edges):
    archive, client = edges
    votes = section(get(client, f"/sesiones/{archive.sessions['q3']}"), "votaciones")
    assert MOTION_THIRD in votes
    assert rows(votes, "totals") == [["A favor", "1", "1"], ["Ausente", "—", "2"]]


def test_counts_agree_with_their_nouns(edges):
    archive, client = edges
    listed = text_of(get(client, "/miembros/"))
    entry = listed[listed.index(NEW_MEMBER):][:120]  # her name, her council, her counts
    assert "Sin registro de asistencia · 1 voto registrado" in entry  # a quorum stated without a list is no record
    assert "1 votos" not in listed and "1 voto registrados" not in listed
    member = text_of(get(client, f"/miembros/{archive.person(NEW_MEMBER)}"))
    assert "1 voto registrado" in member and "1 votos" not in member


def test_the_votes_pager_keeps_the_page_size(edges):
    _, client = edges
    page = get(client, "/votaciones/", per_page="2", q="a")
    assert 'href="/votaciones/?pagina=2&amp;q=a&amp;per_page=2"' in page
    second = get(client, "/votaciones/", per_page="2", pagina="2")
    assert 'href="/votaciones/?pagina=1&amp;per_page=2"' in second and 'href="/votaciones/?pagina=3&amp;per_page=2"' in second
    assert "per_page" not in get(client, "/votaciones/").split('class="pager"')[-1].split("</nav>")[0]


def test_a_rate_read_from_attendee_lists_says_so(client, built):
    """Cuenca's acta lists only who attended; Quito's roll calls mark absences."""
    note = "según listas de asistentes"
    assert note in text_of(get(client, "/miembros/", concejo=CUENCA))
    assert note not in text_of(get(client, "/miembros/", concejo=QUITO))
    assert "según las listas de asistentes de las actas" in text_of(get(client, f"/miembros/{built.person(ROSA, CUENCA)}"))
    assert "listas de asistentes" not in text_of(get(client, f"/miembros/{built.person(LUIS)}"))


def test_every_reason_reconciliation_gives_for_keeping_names_apart_is_said_in_spanish():
    import inspect
    import re

    from archive import people
    from search_app.proceedings_labels import REVIEW_REASONS

    codes = set(re.findall(r'Review\([^,]+, "(\w+)"', inspect.getsource(people)))
    assert codes, "archive/people.py no longer gives review codes the way this test reads them"
    assert codes <= set(REVIEW_REASONS), f"review codes without Spanish words: {codes - set(REVIEW_REASONS)}"
