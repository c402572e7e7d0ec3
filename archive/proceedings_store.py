"""What councils did, kept in the catalogue: roll calls, votes and each member's ballot, entries and exits,
and the ordinances or resolutions the minutes name, with every printed name resolved to a person of the
document's council (archive/people.py decides who is who).

The catalogue (archive/catalogue.py) delegates here; every function takes its SQLite connection. Saving
replaces one document's rows and never deletes or renumbers a person, so re-extraction keeps person ids;
only a re-resolution (new rules, reresolve_people) regroups a council's names, keeping every id it can.
Nothing is filtered by document status alone: a withdrawn document keeps its records (the archive keeps
what portals drop), and a failed re-extraction never calls save, so the earlier proceedings stay; only a
second copy of the same acta in one session is left out of the reads (duplicate_copies). Reads return
plain dicts in the shapes of the proceedings contract (/tmp/proceedings_contract.md, issue 11).
The SQL stays plain (no SQLite-only features beyond upserts) so a PostgreSQL catalogue can share it.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator

from archive import people as names
from archive.database import Database, Record
from archive.people import KnownPerson, fold, folded_name

# Ballot choices that are a vote cast (absent or excused members cast none).
CAST = ("a_favor", "en_contra", "abstencion", "blanco")
STAGE_ORDER = ("primer_debate", "segundo_debate", "aprobacion", "mencion")


class CouncilPeople:
    """One council's people during a save or a read: resolves printed names to person ids.

    With `create`, a name that resolves to nobody becomes a new person (with its review notes) and a new
    printed form of a known person becomes one of their aliases; without it, resolution only reads. A name
    of fewer than two name words is no person (None). The people are an archive.people.Roster loaded
    from the catalogue, so display names follow its rule (display_rank) as they grow.
    """

    def __init__(self, db: Database, council_id: int, *, now: str | None = None,
                 create: bool = False) -> None:
        self.db, self.council_id, self.now, self.create = db, council_id, now, create
        printed: dict[int, list[str]] = {
            row["id"]: [] for row in db.execute("SELECT id FROM persons WHERE council_id = ? ORDER BY id",
                                                (council_id,))}
        for row in db.execute(
            "SELECT person_id, printed FROM person_names WHERE council_id = ? ORDER BY id", (council_id,)
        ):
            printed.setdefault(row["person_id"], []).append(row["printed"])
        self.roster = names.Roster()
        for person_id, forms in printed.items():
            self.roster.load(person_id, forms)
        self._cache: dict[str, int | None] = {}

    @property
    def known(self) -> dict[int, KnownPerson]:
        return self.roster.known

    def person_id(self, printed: str | None) -> int | None:
        """The person `printed` names (None for a name of fewer than two name words, or, reading, for
        nobody known)."""
        printed = " ".join((printed or "").split())
        if printed in self._cache:
            return self._cache[printed]
        resolution = self.roster.resolve(printed)
        person_id = resolution.person_id
        if resolution.is_person and self.create:
            if person_id is None:
                person_id = self._new_person(printed, resolution.reviews)
            elif printed not in self.roster.printed[person_id]:
                self._add_alias(person_id, printed)
        self._cache[printed] = person_id
        return person_id

    def _new_person(self, printed: str, reviews: Iterable[names.Review]) -> int:
        person_id = self.db.execute(
            "INSERT INTO persons (council_id, name, folded, first_seen) VALUES (?, ?, ?, ?) RETURNING id",
            (self.council_id, names.clean_name(printed), folded_name(printed), self.now),
        ).fetchone()[0]
        self._add_alias(person_id, printed)
        self.db.executemany(
            "INSERT INTO person_reviews (person_id, candidate_id, code, reason, printed, first_seen) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (person_id, candidate_id) DO NOTHING",
            [(person_id, r.candidate_id, r.code, r.reason, printed, self.now) for r in reviews],
        )
        return person_id

    def _add_alias(self, person_id: int, printed: str) -> None:
        self.db.execute(
            "INSERT INTO person_names (person_id, council_id, folded, printed, first_seen) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (council_id, printed) DO NOTHING",
            (person_id, self.council_id, folded_name(printed), printed, self.now),
        )
        best = self.roster.add(person_id, printed)
        self.db.execute("UPDATE persons SET name = ?, folded = ? WHERE id = ?",
                        (names.clean_name(best), folded_name(best), person_id))


# -- saving ----------------------------------------------------------------------------------------------

def save_proceedings(db: Database, document_id: int, proceedings: dict, *, portal: list[dict],
                     now: str) -> dict[str, int]:
    """Replace the document's roll calls, votes, movements and item mentions with `proceedings`
    (extract.proceedings.model.Proceedings.to_dict()), resolving every printed name to a person of the
    document's council. Call inside one transaction. `portal`: the council's names as its portal lists
    them (Catalogue._portal_people), resolved first so their fuller names anchor the printed forms.
    Returns how many of each were stored.
    """
    row = db.execute("SELECT council_id FROM documents WHERE id = ?", (document_id,)).fetchone()
    if row is None:
        raise LookupError(f"document {document_id} is not in the catalogue")
    if rules_version(db, row["council_id"]) != names.PEOPLE_RULES_VERSION:
        reresolve_people(db, row["council_id"], portal, now=now)
    people = CouncilPeople(db, row["council_id"], now=now, create=True)
    for listed in portal:
        if listed.get("council_id", row["council_id"]) == row["council_id"]:
            people.person_id(listed["name"])
    _delete_document(db, document_id)
    counts = dict.fromkeys(("roll_calls", "roll_call_entries", "votes", "ballots", "movements", "item_mentions"), 0)
    for position, roll_call in enumerate(proceedings.get("roll_calls") or ()):
        roll_call_id = db.execute(
            "INSERT INTO roll_calls (document_id, position, page, moment, heading, stated_count, stated_text, "
            "stated_page) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (document_id, position, roll_call.get("page"), roll_call.get("moment"), roll_call.get("heading"),
             roll_call.get("stated_count"), roll_call.get("stated_text"), roll_call.get("stated_page")),
        ).fetchone()[0]
        counts["roll_calls"] += 1
        counts["roll_call_entries"] += _insert_entries(db, "roll_call_entries", "roll_call_id", roll_call_id,
                                                       roll_call.get("entries") or (), people)
    for position, vote in enumerate(proceedings.get("votes") or ()):
        identifiers = list(vote.get("identifiers") or ())
        search = fold(" ".join([vote.get("motion") or "", *identifiers, vote.get("result_text") or ""]))
        match = vote.get("totals_match")
        vote_id = db.execute(
            "INSERT INTO votes (document_id, position, page, method, motion, agenda_point, identifiers_json, "
            "printed_totals_json, stated_counts_json, counted_totals_json, totals_match, result, result_text, "
            "result_page, body, search_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (document_id, position, vote.get("page"), vote.get("method"), vote.get("motion"),
             vote.get("agenda_point"), _json(identifiers), _json(vote.get("printed_totals")),
             _json(vote.get("stated_counts")), _json(vote.get("counted_totals") or {}),
             None if match is None else int(bool(match)), vote.get("result"), vote.get("result_text"),
             vote.get("result_page"), vote.get("body"), " ".join(search.split())),
        ).fetchone()[0]
        counts["votes"] += 1
        counts["ballots"] += _insert_entries(db, "ballots", "vote_id", vote_id, vote.get("entries") or (), people)
    for position, movement in enumerate(proceedings.get("movements") or ()):
        movement_id = db.execute(
            "INSERT INTO movements (document_id, position, page, direction, time, count_after, text) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (document_id, position, movement.get("page"), movement.get("direction"), movement.get("time"),
             movement.get("count_after"), movement.get("text") or ""),
        ).fetchone()[0]
        db.executemany(
            "INSERT INTO movement_names (movement_id, position, person_id, printed_name) VALUES (?, ?, ?, ?)",
            [(movement_id, i, people.person_id(name), name) for i, name in enumerate(movement.get("names") or ())],
        )
        counts["movements"] += 1
    db.executemany(
        "INSERT INTO item_mentions (document_id, identifier, identifier_key, page, stage) VALUES (?, ?, ?, ?, ?)",
        [(document_id, item["identifier"], identifier_key(item["identifier"]), item.get("page"),
          item.get("stage") or "mencion") for item in proceedings.get("items") or ()],
    )
    counts["item_mentions"] = len(proceedings.get("items") or ())
    return counts


def rules_version(db: Database, council_id: int) -> str | None:
    """The PEOPLE_RULES_VERSION the council's people were last resolved under (None: never recorded)."""
    row = db.execute("SELECT version FROM people_rules WHERE council_id = ?", (council_id,)).fetchone()
    return row[0] if row else None


# Each table of records naming people: (table, its key columns, the parent and how it reaches a document).
_NAMED = (
    ("roll_call_entries", "e.id", "JOIN roll_calls r ON r.id = e.roll_call_id JOIN documents d ON d.id = r.document_id",
     "r.document_id, r.position, e.position"),
    ("ballots", "e.id", "JOIN votes r ON r.id = e.vote_id JOIN documents d ON d.id = r.document_id",
     "r.document_id, r.position, e.position"),
    ("movement_names", "e.movement_id, e.position",
     "JOIN movements r ON r.id = e.movement_id JOIN documents d ON d.id = r.document_id",
     "r.document_id, r.position, e.position"),
)


def reresolve_people(db: Database, council_id: int, portal: list[dict], *, now: str) -> dict[str, int]:
    """Resolve every printed name of the council again, from scratch, under today's rules, and record
    PEOPLE_RULES_VERSION for it. Call inside one transaction.

    The names are resolved in the order they first came: the portal's, then each stored printed form in
    arrival order, then any name on a record that no person holds. A person whose set of printed forms comes
    out unchanged keeps their id; a regrouped person takes the id that held their earliest form, if no other
    group took it, else any free id among their forms', else a new one; an id no group takes is removed.
    Every roll-call entry, ballot and entry or exit is pointed at its name's person (none for a name that is
    no person now), and the review notes are made again, so no record is left naming a removed person.
    """
    old_of: dict[str, int] = {}
    forms_of: dict[int, set[str]] = defaultdict(set)
    first_seen: dict[str, str] = {}
    ordered: list[str] = []
    for listed in portal:
        if listed.get("council_id", council_id) == council_id:
            ordered.append(listed["name"])
    for row in db.execute("SELECT person_id, printed, first_seen FROM person_names WHERE council_id = ? ORDER BY id",
                          (council_id,)):
        old_of[row["printed"]] = row["person_id"]
        forms_of[row["person_id"]].add(row["printed"])
        first_seen[row["printed"]] = row["first_seen"]
        ordered.append(row["printed"])
    records: list[tuple[str, tuple, str]] = []  # (table, key, printed name)
    for table, key, joins, order in _NAMED:
        for row in db.execute(f"SELECT {key}, e.printed_name FROM {table} e {joins} WHERE d.council_id = ? "
                              f"ORDER BY {order}", (council_id,)):
            records.append((table, tuple(row)[:-1], row["printed_name"]))
            ordered.append(row["printed_name"])
    old_people = [row[0] for row in db.execute("SELECT id FROM persons WHERE council_id = ? ORDER BY id",
                                               (council_id,))]
    # Afresh: temporary ids -1, -2, ... in order of appearance.
    roster, group_of, reviews = names.Roster(), {}, []
    for raw in ordered:
        printed = " ".join((raw or "").split())
        if printed in group_of:
            continue
        resolution = roster.resolve(printed)
        group = resolution.person_id
        if resolution.is_person and group is None:
            group = -len(roster.printed) - 1
            reviews += [(group, printed, review) for review in resolution.reviews]
        if group is not None:
            roster.add(group, printed)
        group_of[printed] = group
    groups = list(roster.printed)  # in order of appearance
    final: dict[int, int] = {}
    kept_by_forms = {frozenset(forms): person for person, forms in forms_of.items()}
    for group in groups:
        person = kept_by_forms.get(frozenset(roster.printed[group]))
        if person is not None:
            final[group] = person
    counts = {"kept": len(final), "reused": 0, "added": 0, "removed": 0}
    for group in groups:
        if group in final:
            continue
        taken = set(final.values())
        free = [old_of[p] for p in roster.printed[group] if p in old_of and old_of[p] not in taken]
        if free:
            final[group] = free[0]
            counts["reused"] += 1
        else:
            final[group] = db.execute(
                "INSERT INTO persons (council_id, name, folded, first_seen) VALUES (?, ?, ?, ?) RETURNING id",
                (council_id, "", "", min((first_seen[p] for p in roster.printed[group] if p in first_seen),
                                         default=now)),
            ).fetchone()[0]
            counts["added"] += 1
    # The people's names and aliases, then their records, then the notes; ids no group took go last.
    db.execute("DELETE FROM person_reviews WHERE person_id IN (SELECT id FROM persons WHERE council_id = ?) "
               "OR candidate_id IN (SELECT id FROM persons WHERE council_id = ?)", (council_id, council_id))
    db.execute("DELETE FROM person_names WHERE council_id = ?", (council_id,))
    for group in groups:
        forms = roster.printed[group]
        best = max(forms, key=names.display_rank)
        db.execute("UPDATE persons SET name = ?, folded = ? WHERE id = ?",
                   (names.clean_name(best), folded_name(best), final[group]))
        db.executemany(
            "INSERT INTO person_names (person_id, council_id, folded, printed, first_seen) VALUES (?, ?, ?, ?, ?)",
            [(final[group], council_id, folded_name(p), p, first_seen.get(p, now)) for p in forms],
        )
    for table, key, printed in records:
        group = group_of.get(" ".join((printed or "").split()))
        person = None if group is None else final[group]
        where = "id = ?" if table != "movement_names" else "movement_id = ? AND position = ?"
        db.execute(f"UPDATE {table} SET person_id = ? WHERE {where}", (person, *key))
    db.executemany(
        "INSERT INTO person_reviews (person_id, candidate_id, code, reason, printed, first_seen) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (person_id, candidate_id) DO NOTHING",
        [(final[group], final[review.candidate_id], review.code, review.reason, printed, now)
         for group, printed, review in reviews],
    )
    removed = [person for person in old_people if person not in set(final.values())]
    db.executemany("DELETE FROM persons WHERE id = ?", [(person,) for person in removed])
    counts["removed"] = len(removed)
    db.execute("INSERT INTO people_rules (council_id, version, resolved_at) VALUES (?, ?, ?) "
               "ON CONFLICT (council_id) DO UPDATE SET version = excluded.version, resolved_at = excluded.resolved_at",
               (council_id, names.PEOPLE_RULES_VERSION, now))
    return counts


def _insert_entries(db: Database, table: str, parent_column: str, parent_id: int,
                    entries: Iterable[dict], people: CouncilPeople) -> int:
    rows = [
        (parent_id, i, people.person_id(e.get("name")), e.get("name") or "", e.get("number"), e.get("role"),
         e.get("choice") or "otro", e.get("column"), e.get("page"))
        for i, e in enumerate(entries)
    ]
    db.executemany(
        f'INSERT INTO {table} ({parent_column}, position, person_id, printed_name, number, role, choice, "column", '
        "page) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    return len(rows)


def _delete_document(db: Database, document_id: int) -> None:
    for child, parent, column in (("roll_call_entries", "roll_calls", "roll_call_id"),
                                  ("ballots", "votes", "vote_id"),
                                  ("movement_names", "movements", "movement_id")):
        db.execute(f"DELETE FROM {child} WHERE {column} IN (SELECT id FROM {parent} WHERE document_id = ?)",
                   (document_id,))
        db.execute(f"DELETE FROM {parent} WHERE document_id = ?", (document_id,))
    db.execute("DELETE FROM item_mentions WHERE document_id = ?", (document_id,))


def identifier_key(identifier: str) -> str:
    """How mentions of one item are grouped: accents, case and spacing ignored ("cdmq-022-2024 " ->
    "CDMQ-022-2024")."""
    return " ".join(fold(identifier).split()).upper()


def _json(value) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _load(value: str | None):
    return None if value is None else json.loads(value)


# -- copies of one acta ----------------------------------------------------------------------------------

def duplicate_copies(db: Database) -> set[int]:
    """The documents whose proceedings are a second copy of another document of the same session, left out
    of every read but the exports (so one vote or roll call is never counted twice).

    A portal that withdraws an acta and publishes it again leaves the archive two documents of one session
    (both are kept). Two documents of one session are copies when their proceedings are the same: the
    same votes (page, motion, method, result) and the same roll calls (page, moment, members listed), in
    order. Of each set of copies the one shown is the one not withdrawn, then the one seen most recently,
    then the newest; the others are left out here. Documents of one session with different proceedings
    are all shown.
    """
    rows = db.execute(
        "SELECT d.id, d.session_id, d.status, d.last_seen FROM documents d WHERE d.session_id IN ("
        "SELECT x.session_id FROM documents x WHERE x.id IN (SELECT document_id FROM votes UNION "
        "SELECT document_id FROM roll_calls) GROUP BY x.session_id HAVING COUNT(*) > 1) "
        "AND d.id IN (SELECT document_id FROM votes UNION SELECT document_id FROM roll_calls)"
    ).fetchall()
    if not rows:
        return set()
    marks = ", ".join("?" * len(rows))
    ids = [r["id"] for r in rows]
    content: dict[int, list] = defaultdict(list)
    for v in db.execute(f"SELECT document_id, page, motion, method, result FROM votes WHERE document_id IN ({marks}) "
                        "ORDER BY document_id, position", ids):
        content[v[0]].append(("vote", *tuple(v)[1:]))
    for r in db.execute(
        "SELECT r.document_id, r.page, r.moment, (SELECT COUNT(*) FROM roll_call_entries e "
        f"WHERE e.roll_call_id = r.id) FROM roll_calls r WHERE r.document_id IN ({marks}) "
        "ORDER BY r.document_id, r.position", ids):
        content[r[0]].append(("roll_call", *tuple(r)[1:]))
    copies: dict[tuple, list[Record]] = defaultdict(list)
    for r in rows:
        copies[(r["session_id"], tuple(content[r["id"]]))].append(r)
    hidden: set[int] = set()
    for same in copies.values():
        shown = max(same, key=lambda r: (r["status"] != "withdrawn", r["last_seen"] or "", r["id"]))
        hidden |= {r["id"] for r in same if r["id"] != shown["id"]}
    return hidden


def _shown(hidden: set[int], column: str = "d.id") -> str:
    """A SQL condition leaving out the documents in `hidden` (integers from the catalogue itself)."""
    return f"{column} NOT IN ({', '.join(str(int(i)) for i in sorted(hidden))})" if hidden else "1 = 1"


# -- people ----------------------------------------------------------------------------------------------

_SESSION_KEY = "COALESCE(d.session_id, -d.id)"  # a document of no session counts as a session of its own
_RECORD_DATE = "COALESCE(s.date, d.listing_date)"


def people(db: Database, council_slug: str | None, portal: list[dict], *,
           person_id: int | None = None) -> list[dict]:
    """The council's people (every council's without a slug), sorted by display name: those with any
    record in the minutes, or listed on the portal's members or commission pages.

    Attendance, from the roll calls (any roll call: start, resumption, close): `sessions_recorded` counts
    the sessions of the person's council that have a roll call listing members (a quorum stated without
    a list says nothing of anyone) and fall within the person's period, from
    the first to the last session date the council's records (roll calls, votes, entries and exits) name
    them, plus any session whose roll call lists them; `sessions_present` the sessions where they are
    "presente" in any of its roll calls (present at the start or on resuming counts as present in the
    session), so a roll call that does not list them counts as an absence within their period, never
    before they first appear nor after they last do. `attendance_rate` is their ratio (None without a
    roll call). `attendance_basis`: "roll_calls" when the council's roll calls mark members absent,
    "attendee_lists" when they only ever list who attended (the rate then rests on those lists: not
    being listed is being absent), None without a roll call. A second copy of an acta is not counted
    (duplicate_copies). `votes_cast`: votes where their ballot is a favor, en contra, abstención or blanco.
    """
    where, params = _person_scope(council_slug, person_id)
    persons = db.execute(
        "SELECT p.id, p.name, p.council_id, co.slug AS council, co.name AS council_name FROM persons p "
        f"JOIN councils co ON co.id = p.council_id {where} ORDER BY p.name, p.id",
        params,
    ).fetchall()
    if not persons:
        return []
    hidden = duplicate_copies(db)
    aliases: dict[int, list[str]] = defaultdict(list)
    for row in db.execute(f"SELECT n.person_id, n.printed FROM person_names n JOIN persons p ON p.id = n.person_id "
                          f"JOIN councils co ON co.id = p.council_id {where} ORDER BY n.id", params):
        aliases[row["person_id"]].append(row["printed"])
    attendance, basis = _attendance(db, {p["council_id"] for p in persons}, hidden, where, params)
    marks = ", ".join("?" * len(CAST))
    cast = {row[0]: row[1] for row in db.execute(
        "SELECT b.person_id, COUNT(DISTINCT b.vote_id) FROM ballots b JOIN votes v ON v.id = b.vote_id "
        "JOIN persons p ON p.id = b.person_id "
        f"JOIN councils co ON co.id = p.council_id {where}{' AND' if where else ' WHERE'} b.choice IN ({marks}) "
        f"AND {_shown(hidden, 'v.document_id')} GROUP BY b.person_id",
        (*params, *CAST),
    )}
    recorded = {row[0] for row in db.execute(
        "SELECT person_id FROM ballots UNION SELECT person_id FROM roll_call_entries "
        "UNION SELECT person_id FROM movement_names"
    )}
    roles, commissions = _roles(db, council_slug, portal, where, params)
    result = []
    for p in persons:
        present = attendance.get(p["id"], (0, 0))
        entry = {
            "id": p["id"], "council": p["council"], "council_name": p["council_name"], "name": p["name"],
            "aliases": list(dict.fromkeys(aliases[p["id"]])),
            "roles": sorted(roles.get(p["id"], []), key=lambda r: (r["from"] or "", r["role"] or "")),
            "sessions_recorded": present[0], "sessions_present": present[1],
            "attendance_rate": present[1] / present[0] if present[0] else None,
            "attendance_basis": basis.get(p["council_id"]),
            "votes_cast": cast.get(p["id"], 0), "commissions": commissions.get(p["id"], []),
        }
        if person_id is not None or p["id"] in recorded or entry["roles"] or entry["commissions"]:
            result.append(entry)
    return result


def _attendance(db: Database, councils: set[int], hidden: set[int], where: str,
                params: tuple) -> tuple[dict[int, tuple[int, int]], dict[int, str]]:
    """{person id: (sessions recorded, sessions present)} and {council id: attendance basis}, by the rule
    people() states."""
    shown = _shown(hidden)
    marks = ", ".join("?" * len(councils))
    sessions: dict[int, dict[int, str | None]] = defaultdict(dict)  # council -> session key -> date
    absences: dict[int, bool] = {}
    for row in db.execute(
        f"SELECT d.council_id, {_SESSION_KEY} AS session, MAX({_RECORD_DATE}) AS date, "
        "MAX(CASE WHEN EXISTS (SELECT 1 FROM roll_call_entries e WHERE e.roll_call_id = r.id "
        "AND e.choice <> 'presente') THEN 1 ELSE 0 END) AS marks_absence "
        "FROM roll_calls r JOIN documents d ON d.id = r.document_id LEFT JOIN sessions s ON s.id = d.session_id "
        f"WHERE d.council_id IN ({marks}) AND {shown} "
        "AND EXISTS (SELECT 1 FROM roll_call_entries e WHERE e.roll_call_id = r.id) "  # a list, not a count only
        f"GROUP BY d.council_id, {_SESSION_KEY}",
        tuple(councils),
    ):
        sessions[row["council_id"]][row["session"]] = row["date"]
        absences[row["council_id"]] = absences.get(row["council_id"], False) or bool(row["marks_absence"])
    basis = {council: "roll_calls" if marked else "attendee_lists" for council, marked in absences.items()}
    period: dict[int, tuple[str, str]] = {}
    for table, joins in (("roll_call_entries", "JOIN roll_calls r ON r.id = e.roll_call_id"),
                         ("ballots", "JOIN votes r ON r.id = e.vote_id"),
                         ("movement_names", "JOIN movements r ON r.id = e.movement_id")):
        for row in db.execute(
            f"SELECT e.person_id, MIN({_RECORD_DATE}), MAX({_RECORD_DATE}) FROM {table} e {joins} "
            "JOIN documents d ON d.id = r.document_id LEFT JOIN sessions s ON s.id = d.session_id "
            f"JOIN persons p ON p.id = e.person_id JOIN councils co ON co.id = p.council_id "
            f"{where}{' AND' if where else ' WHERE'} {shown} GROUP BY e.person_id",
            params,
        ):
            if row[1] is None:
                continue
            first, last = period.get(row[0], (row[1], row[2]))
            period[row[0]] = (min(first, row[1]), max(last, row[2]))
    listed: dict[int, set[int]] = defaultdict(set)
    present: dict[int, set[int]] = defaultdict(set)
    council_of: dict[int, int] = {}
    for row in db.execute(
        f"SELECT e.person_id, {_SESSION_KEY} AS session, e.choice FROM roll_call_entries e "
        "JOIN roll_calls r ON r.id = e.roll_call_id JOIN documents d ON d.id = r.document_id "
        f"JOIN persons p ON p.id = e.person_id JOIN councils co ON co.id = p.council_id "
        f"{where}{' AND' if where else ' WHERE'} {shown}",
        params,
    ):
        listed[row["person_id"]].add(row["session"])
        if row["choice"] == "presente":
            present[row["person_id"]].add(row["session"])
    for row in db.execute(f"SELECT p.id, p.council_id FROM persons p JOIN councils co ON co.id = p.council_id {where}",
                          params):
        council_of[row["id"]] = row["council_id"]
    result: dict[int, tuple[int, int]] = {}
    for person in set(listed) | set(period):
        recorded = set(listed.get(person, ()))
        if person in period:
            first, last = period[person]
            recorded |= {key for key, day in sessions.get(council_of.get(person), {}).items()
                         if day is not None and first <= day <= last}
        result[person] = (len(recorded), len(present.get(person, ())))
    return result, basis


def _person_scope(council_slug: str | None, person_id: int | None) -> tuple[str, tuple]:
    if person_id is not None:
        return "WHERE p.id = ?", (person_id,)
    if council_slug:
        return "WHERE co.slug = ?", (council_slug,)
    return "", ()


def _roles(db: Database, council_slug: str | None, portal: list[dict], where: str,
           params: tuple) -> tuple[dict[int, list[dict]], dict[int, list[dict]]]:
    """Each person's roles with their periods, and their commissions.

    From the minutes: a role printed with the name, from the first to the last session date it was
    printed. From the portal: the members page's role (None when it prints none) and a commission
    role, from when the archive first saw it listed to when it last did.
    """
    roles: dict[int, list[dict]] = defaultdict(list)
    commissions: dict[int, list[dict]] = defaultdict(list)
    seen: dict[tuple[int, str], dict] = {}
    for table, parent, column in (("roll_call_entries", "roll_calls", "roll_call_id"), ("ballots", "votes", "vote_id")):
        for row in db.execute(
            f"SELECT e.person_id, e.role, MIN(s.date) AS first, MAX(s.date) AS last FROM {table} e "
            f"JOIN {parent} r ON r.id = e.{column} JOIN documents d ON d.id = r.document_id "
            "LEFT JOIN sessions s ON s.id = d.session_id JOIN persons p ON p.id = e.person_id "
            f"JOIN councils co ON co.id = p.council_id {where}{' AND' if where else ' WHERE'} e.role IS NOT NULL "
            "GROUP BY e.person_id, e.role",
            params,
        ):
            key = (row["person_id"], fold(row["role"]).strip())
            if key in seen:  # the same role printed in two ways, or in roll calls and in votes
                role = seen[key]
                role["from"] = min(filter(None, (role["from"], row["first"])), default=None)
                role["to"] = max(filter(None, (role["to"], row["last"])), default=None)
                continue
            seen[key] = {"role": row["role"], "from": row["first"], "to": row["last"], "body": None,
                         "source": "acta"}
            roles[row["person_id"]].append(seen[key])
    by_council: dict[int, CouncilPeople] = {}
    for listed in portal:
        council_people = by_council.setdefault(listed["council_id"], CouncilPeople(db, listed["council_id"]))
        person = council_people.person_id(listed["name"])
        if person is None:
            continue
        if listed.get("commission_slug"):
            commissions[person].append({"slug": listed["commission_slug"], "name": listed["commission_name"],
                                        "role": listed.get("role")})
            if not listed.get("role"):
                continue
        roles[person].append({"role": listed.get("role"), "from": _day(listed.get("first_seen")),
                              "to": _day(listed.get("last_seen")),
                              "body": listed.get("commission_name") or listed.get("body"),
                              "source": "commission" if listed.get("commission_slug") else "members_page"})
    return roles, commissions


def _day(timestamp: str | None) -> str | None:
    return timestamp[:10] if timestamp else None


def person(db: Database, person_id: int, portal: list[dict]) -> dict | None:
    """One person as `people` gives them, with every roll-call line and ballot (newest session first)
    and the people they may be, left separate for review."""
    found = people(db, None, portal, person_id=person_id)
    if not found:
        return None
    result = found[0]
    hidden = duplicate_copies(db)
    result["attendance"] = [
        {"session_id": r["session_id"], "date": r["date"], "session_type": r["session_type"],
         "session_number": r["session_number"], "document_id": r["document_id"], "page": r["page"],
         "moment": r["moment"], "choice": r["choice"]}
        for r in db.execute(
            "SELECT d.session_id, s.date, s.session_type, s.number AS session_number, r.document_id, "
            "e.page, r.moment, e.choice FROM roll_call_entries e JOIN roll_calls r ON r.id = e.roll_call_id "
            "JOIN documents d ON d.id = r.document_id LEFT JOIN sessions s ON s.id = d.session_id "
            f"WHERE e.person_id = ? AND {_shown(hidden)} ORDER BY {_NEWEST_FIRST}, r.document_id, r.position, "
            "e.position",
            (person_id,),
        )
    ]
    result["votes"] = [
        {"vote_id": r["vote_id"], "session_id": r["session_id"], "date": r["date"],
         "session_type": r["session_type"], "session_number": r["session_number"],
         "document_id": r["document_id"], "page": r["page"], "motion": r["motion"],
         "identifiers": json.loads(r["identifiers_json"]), "result": r["result"], "choice": r["choice"]}
        for r in db.execute(
            "SELECT v.id AS vote_id, d.session_id, s.date, s.session_type, s.number AS session_number, "
            "v.document_id, v.page, v.motion, v.identifiers_json, v.result, b.choice FROM ballots b "
            "JOIN votes v ON v.id = b.vote_id JOIN documents d ON d.id = v.document_id "
            "LEFT JOIN sessions s ON s.id = d.session_id "
            f"WHERE b.person_id = ? AND {_shown(hidden)} ORDER BY {_NEWEST_FIRST}, v.document_id, v.position, "
            "b.position",
            (person_id,),
        )
    ]
    result["review"] = [
        {"person_id": r["other"], "name": r["name"], "reason": r["reason"], "code": r["code"]}
        for r in db.execute(
            "SELECT x.other, p.name, x.reason, x.code FROM ("
            "SELECT candidate_id AS other, reason, code, id FROM person_reviews WHERE person_id = ? UNION ALL "
            "SELECT person_id AS other, reason, code, id FROM person_reviews WHERE candidate_id = ?) x "
            "JOIN persons p ON p.id = x.other ORDER BY x.id",
            (person_id, person_id),
        )
    ]
    return result


def people_to_review(db: Database, council_slug: str | None) -> list[dict]:
    """Each person kept apart from people they may be, with those candidates and why (one row per
    person and reason), in the order they were noted."""
    where, params = ("WHERE co.slug = ?", (council_slug,)) if council_slug else ("", ())
    grouped: dict[tuple[int, str], dict] = {}
    for r in db.execute(
        "SELECT r.person_id, p.name, r.candidate_id, c.name AS candidate, r.code, r.reason FROM person_reviews r "
        "JOIN persons p ON p.id = r.person_id JOIN persons c ON c.id = r.candidate_id "
        f"JOIN councils co ON co.id = p.council_id {where} ORDER BY r.id",
        params,
    ):
        row = grouped.setdefault((r["person_id"], r["reason"]), {
            "person_id": r["person_id"], "name": r["name"], "candidates": [], "reason": r["reason"],
            "code": r["code"]})
        row["candidates"].append({"person_id": r["candidate_id"], "name": r["candidate"]})
    return list(grouped.values())


# -- votes -----------------------------------------------------------------------------------------------

# Newest session first, sessions without a date last (in SQLite and PostgreSQL alike).
_NEWEST_FIRST = "CASE WHEN s.date IS NULL THEN 1 ELSE 0 END, s.date DESC, d.session_id DESC"
_VOTE_FROM = ("FROM votes v JOIN documents d ON d.id = v.document_id JOIN councils co ON co.id = d.council_id "
              "LEFT JOIN sessions s ON s.id = d.session_id")
_VOTE_COLUMNS = ("SELECT v.*, co.slug AS council, d.session_id, s.date AS session_date, s.session_type, "
                 "s.number AS session_number")


def votes(db: Database, *, council: str | None = None, member: int | None = None, q: str | None = None,
          date_from: str | None = None, date_to: str | None = None, result: str | None = None,
          limit: int = 50, offset: int = 0, session_id: int | None = None) -> tuple[int, list[dict]]:
    """(total, one page of votes), newest session first and in the minutes' order within a session.

    `q`: every word must appear in the motion, the identifiers or the result's sentence, accents and case
    aside. `date_from`/`date_to`: ISO dates, inclusive, on the session's date. `member`: votes with a
    ballot of that person (each row then says their `member_choice`). A second copy of an acta's votes is
    left out (duplicate_copies).
    """
    clauses, params = [], []
    if council:
        clauses.append("co.slug = ?")
        params.append(council)
    if member is not None:
        clauses.append("EXISTS (SELECT 1 FROM ballots b WHERE b.vote_id = v.id AND b.person_id = ?)")
        params.append(member)
    for word in fold(q or "").split():
        clauses.append("v.search_text LIKE ? ESCAPE '\\'")
        params.append("%" + re.sub(r"([\\%_])", r"\\\1", word) + "%")
    if date_from:
        clauses.append("s.date >= ?")
        params.append(date_from)
    if date_to:
        clauses.append("s.date <= ?")
        params.append(date_to)
    if result:
        clauses.append("v.result = ?")
        params.append(result)
    if session_id is not None:
        clauses.append("d.session_id = ?")
        params.append(session_id)
    hidden = duplicate_copies(db)
    if hidden:
        clauses.append(_shown(hidden))
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    total = db.execute(f"SELECT COUNT(*) {_VOTE_FROM}{where}", params).fetchone()[0]
    rows = db.execute(
        f"{_VOTE_COLUMNS} {_VOTE_FROM}{where} ORDER BY {_NEWEST_FIRST}, v.document_id, v.position "
        "LIMIT ? OFFSET ?",
        (*params, max(0, limit), max(0, offset)),
    ).fetchall()
    ballots = _ballots(db, [r["id"] for r in rows])
    out = []
    for r in rows:
        row = _vote_row(r, ballots.get(r["id"], []))
        if member is not None:
            row["member_choice"] = next((b["choice"] for b in row["ballots"] if b["person_id"] == member), None)
        out.append(row)
    return total, out


def _ballots(db: Database, vote_ids: list[int]) -> dict[int, list[dict]]:
    if not vote_ids:
        return {}
    marks = ", ".join("?" * len(vote_ids))
    grouped: dict[int, list[dict]] = defaultdict(list)
    for b in db.execute(
        f'SELECT b.*, b."column" AS col, p.name FROM ballots b LEFT JOIN persons p ON p.id = b.person_id '
        f"WHERE b.vote_id IN ({marks}) ORDER BY b.vote_id, b.position",
        vote_ids,
    ):
        grouped[b["vote_id"]].append({
            "person_id": b["person_id"], "name": b["name"] or names.clean_name(b["printed_name"]),
            "printed_name": b["printed_name"], "choice": b["choice"], "column": b["col"], "page": b["page"],
            "number": b["number"], "role": b["role"]})
    return grouped


def _vote_row(r: Record, ballots: list[dict]) -> dict:
    return {
        "id": r["id"], "council": r["council"], "session_id": r["session_id"], "session_date": r["session_date"],
        "session_type": r["session_type"], "session_number": r["session_number"], "document_id": r["document_id"],
        "page": r["page"], "method": r["method"], "motion": r["motion"], "agenda_point": r["agenda_point"],
        "identifiers": json.loads(r["identifiers_json"]), "result": r["result"], "result_text": r["result_text"],
        "result_page": r["result_page"], "printed_totals": _load(r["printed_totals_json"]),
        "stated_counts": _load(r["stated_counts_json"]), "counted_totals": _load(r["counted_totals_json"]) or {},
        "totals_match": None if r["totals_match"] is None else bool(r["totals_match"]), "body": r["body"],
        "ballots": ballots,
    }


# -- sessions and items ----------------------------------------------------------------------------------

def session_proceedings(db: Database, session_id: int) -> dict:
    """The session's roll calls (each with its entries and how many it counts present), votes and
    movements, from every document of the session, in document and reading order; of two copies of one
    acta (duplicate_copies: the same proceedings), only the one not withdrawn, most recently seen."""
    hidden = duplicate_copies(db)
    roll_calls = []
    for r in db.execute(
        f"SELECT r.* FROM roll_calls r JOIN documents d ON d.id = r.document_id WHERE d.session_id = ? "
        f"AND {_shown(hidden)} ORDER BY r.document_id, r.position",
        (session_id,),
    ).fetchall():
        entries = [
            {"person_id": e["person_id"], "name": e["name"] or names.clean_name(e["printed_name"]),
             "printed_name": e["printed_name"], "choice": e["choice"], "column": e["col"], "page": e["page"],
             "number": e["number"], "role": e["role"]}
            for e in db.execute(
                'SELECT e.*, e."column" AS col, p.name FROM roll_call_entries e '
                "LEFT JOIN persons p ON p.id = e.person_id WHERE e.roll_call_id = ? ORDER BY e.position",
                (r["id"],),
            )
        ]
        roll_calls.append({
            "id": r["id"], "document_id": r["document_id"], "page": r["page"], "moment": r["moment"],
            "heading": r["heading"], "stated_count": r["stated_count"], "stated_text": r["stated_text"],
            "stated_page": r["stated_page"], "counted_present": sum(e["choice"] == "presente" for e in entries),
            "entries": entries,
        })
    _, session_votes = votes(db, session_id=session_id, limit=1_000_000)
    movements = []
    for m in db.execute(
        f"SELECT m.* FROM movements m JOIN documents d ON d.id = m.document_id WHERE d.session_id = ? "
        f"AND {_shown(hidden)} ORDER BY m.document_id, m.position",
        (session_id,),
    ).fetchall():
        movers = [
            {"person_id": n["person_id"], "name": n["name"] or names.clean_name(n["printed_name"]),
             "printed_name": n["printed_name"]}
            for n in db.execute(
                "SELECT n.*, p.name FROM movement_names n LEFT JOIN persons p ON p.id = n.person_id "
                "WHERE n.movement_id = ? ORDER BY n.position",
                (m["id"],),
            )
        ]
        movements.append({"document_id": m["document_id"], "page": m["page"], "direction": m["direction"],
                          "names": movers, "time": m["time"], "count_after": m["count_after"], "text": m["text"]})
    return {"roll_calls": roll_calls, "votes": session_votes, "movements": movements}


_MENTION_FROM = ("FROM item_mentions m JOIN documents d ON d.id = m.document_id "
                 "JOIN councils co ON co.id = d.council_id LEFT JOIN sessions s ON s.id = d.session_id")


def items(db: Database, council_slug: str | None) -> list[dict]:
    """Every ordinance, resolution or report identifier the minutes name, per council: how often, the
    first and last session dates, and the stages seen; most recently mentioned first."""
    where, params = ("WHERE co.slug = ?", (council_slug,)) if council_slug else ("", ())
    stages: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in db.execute(f"SELECT DISTINCT co.slug, m.identifier_key, m.stage {_MENTION_FROM} {where}", params):
        stages[(r[0], r[1])].add(r[2])
    rows = db.execute(
        f"SELECT co.slug AS council, m.identifier_key, MIN(m.identifier) AS identifier, COUNT(*) AS mentions, "
        f"MIN(s.date) AS first_date, MAX(s.date) AS last_date {_MENTION_FROM} {where} "
        "GROUP BY co.slug, m.identifier_key "
        "ORDER BY CASE WHEN MAX(s.date) IS NULL THEN 1 ELSE 0 END, MAX(s.date) DESC, m.identifier_key",
        params,
    ).fetchall()
    return [
        {"identifier": r["identifier"], "council": r["council"], "mentions": r["mentions"],
         "first_date": r["first_date"], "last_date": r["last_date"],
         "stages": sorted(stages[(r["council"], r["identifier_key"])],
                          key=lambda s: STAGE_ORDER.index(s) if s in STAGE_ORDER else len(STAGE_ORDER))}
        for r in rows
    ]


def item(db: Database, identifier: str, council_slug: str | None) -> list[dict]:
    """Every mention of one identifier (accents, case and spacing aside), oldest session first."""
    clauses, params = ["m.identifier_key = ?"], [identifier_key(identifier)]
    if council_slug:
        clauses.append("co.slug = ?")
        params.append(council_slug)
    return [
        {"identifier": r["identifier"], "stage": r["stage"], "council": r["council"], "session_id": r["session_id"],
         "session_date": r["session_date"], "session_type": r["session_type"],
         "session_number": r["session_number"], "document_id": r["document_id"], "title": r["title"],
         "page": r["page"]}
        for r in db.execute(
            "SELECT m.identifier, m.stage, m.page, m.document_id, co.slug AS council, d.session_id, d.title, "
            "s.date AS session_date, s.session_type, s.number AS session_number "
            f"{_MENTION_FROM} WHERE {' AND '.join(clauses)} "
            "ORDER BY CASE WHEN s.date IS NULL THEN 1 ELSE 0 END, s.date, m.document_id, m.page, m.id",
            params,
        )
    ]


# -- exports ---------------------------------------------------------------------------------------------

def vote_export_rows(db: Database, council: str | None) -> Iterator[dict]:
    """One row per ballot (one member in one vote), oldest session first, streamed from the cursor; a vote
    recorded in prose (no ballots) gives one row whose member columns are None."""
    where, params = (" WHERE co.slug = ?", (council,)) if council else ("", ())
    cursor = db.execute(
        "SELECT v.id, co.slug, s.date, s.session_type, s.number, v.document_id, v.page, v.motion, "
        "v.identifiers_json, v.result, v.totals_match, b.person_id, p.name, b.printed_name, b.choice "
        f"{_VOTE_FROM} LEFT JOIN ballots b ON b.vote_id = v.id LEFT JOIN persons p ON p.id = b.person_id{where} "
        "ORDER BY CASE WHEN s.date IS NULL THEN 1 ELSE 0 END, s.date, v.document_id, v.position, b.position",
        params,
    )
    for r in cursor:
        yield {"vote_id": r[0], "council": r[1], "session_date": r[2], "session_type": r[3], "session_number": r[4],
               "document_id": r[5], "page": r[6], "motion": r[7], "identifiers": "; ".join(json.loads(r[8])),
               "result": r[9], "totals_match": None if r[10] is None else bool(r[10]), "person_id": r[11],
               "member": r[12] or (names.clean_name(r[13]) if r[13] else None), "printed_name": r[13],
               "choice": r[14]}


def attendance_export_rows(db: Database, council: str | None) -> Iterator[dict]:
    """One row per roll-call entry, oldest session first, streamed from the cursor."""
    where, params = (" WHERE co.slug = ?", (council,)) if council else ("", ())
    cursor = db.execute(
        "SELECT r.id, co.slug, s.date, s.session_type, s.number, r.document_id, e.page, r.moment, e.person_id, "
        "p.name, e.printed_name, e.choice FROM roll_call_entries e JOIN roll_calls r ON r.id = e.roll_call_id "
        "JOIN documents d ON d.id = r.document_id JOIN councils co ON co.id = d.council_id "
        "LEFT JOIN sessions s ON s.id = d.session_id LEFT JOIN persons p ON p.id = e.person_id"
        f"{where} ORDER BY CASE WHEN s.date IS NULL THEN 1 ELSE 0 END, s.date, r.document_id, r.position, "
        "e.position",
        params,
    )
    for r in cursor:
        yield {"roll_call_id": r[0], "council": r[1], "session_date": r[2], "session_type": r[3],
               "session_number": r[4], "document_id": r[5], "page": r[6], "moment": r[7], "person_id": r[8],
               "member": r[9] or names.clean_name(r[10]), "printed_name": r[10], "choice": r[11]}
