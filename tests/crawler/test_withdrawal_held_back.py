"""Issue 10: a document is marked withdrawn only when a complete crawl saw the whole portal. A listing page
the crawl did not fetch on purpose (another host, forbidden by robots.txt) hides what it lists: nothing
under it may be taken for withdrawn."""

from __future__ import annotations

import pytest

from tests.crawler.hostile import Answer, crawl, crawl_settings, document, make_pdf

MONTH = "/sesiones/2024/03/"
APRIL = "/sesiones/2024/04/"  # stays in view, so the crawl still finds sessions


@pytest.mark.parametrize("hidden_by", ["another host", "robots.txt"])
def test_documents_under_a_page_not_fetched_on_purpose_are_not_withdrawn(tmp_path, portal, hidden_by):
    portal.pdf("/actas/1.pdf", make_pdf("Acta uno"))
    portal.pdf("/actas/2.pdf", make_pdf("Acta dos"))
    portal.portal({"2024-03-05": [("ACTA", "/actas/1.pdf")]}, months=(APRIL,))
    portal.html(APRIL, '<html><body><ul><li class="sesion">Sesión ordinaria 2024-04-02 — '
                       '<a href="/actas/2.pdf">ACTA</a></li></ul></body></html>')
    settings = crawl_settings(tmp_path / "data", portal.url())
    _, catalogue = crawl(settings)
    url = portal.url() + "/actas/1.pdf"
    assert document(catalogue, url)["status"] == "fetched"
    catalogue.close()

    if hidden_by == "another host":  # the year page now links the month under a name the source does not allow
        portal.html("/sesiones/2024/", f'<html><body><a class="mes" href="{portal.url("localhost")}{MONTH}">m</a>'
                                       f'<a class="mes" href="{APRIL}">m</a></body></html>')
    else:
        portal.routes["/robots.txt"] = Answer(200, f"User-agent: *\nDisallow: {MONTH}\n".encode(),
                                              {"Content-Type": "text/plain"})
    second, catalogue = crawl(settings)

    assert document(catalogue, url)["status"] == "fetched"  # not "withdrawn"
    assert any("not fetched on purpose" in problem and "no document is marked withdrawn" in problem
               for problem in second.problems), second.problems
    catalogue.close()
