"""Members of a council: the list (narrowed to one council with ?concejo=) and one member's record:
attendance, every vote cast and how, commissions, the other printed forms of the name, and the people
reconciliation kept apart from them on purpose."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from search_app import resources
from search_app.views.browse import chosen_council

bp = Blueprint("members", __name__)


@bp.get("/miembros/")
def members():
    catalogue = resources.catalogue()
    councils = catalogue.councils()
    council, notice = chosen_council()
    people = [] if notice else catalogue.people(council)
    return render_template("members.html", people=people, councils=councils, council=council, notice=notice)


@bp.get("/miembros/<id:person_id>")
def member(person_id: int):
    catalogue = resources.catalogue()
    person = catalogue.person(person_id)
    if person is None:
        abort(404, description=f"No existe el miembro {person_id}. La lista de miembros está en «Miembros».")
    return render_template("member.html", person=person, many_councils=len(catalogue.councils()) > 1)
