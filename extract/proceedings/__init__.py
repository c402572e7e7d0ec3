"""Read what a council did (roll calls, votes, entries and exits, items dealt with) from a document's text.

``read_proceedings`` takes each page's display text (extract/model.py Page.display_text: nothing
removed; running headers are dropped here, while a vote table's header repeated at the top of a page is
kept). Each reader has one job (roll_calls, table_votes, prose_votes, movements, items); the table
readers only run on documents with a tick or a table header. Work is bounded: every reader caps what it
keeps, and no pattern can backtrack without bound on untrusted text. Nothing here may import archive/.
"""

from __future__ import annotations

from extract.metadata import TITLE_CHARS, commission
from extract.proceedings.items import read_items
from extract.proceedings.model import Proceedings, RollCall, Vote
from extract.proceedings.movements import read_movements
from extract.proceedings.prose_votes import read_prose_votes
from extract.proceedings.roll_calls import (
    attach_stated_counts,
    attendance_lists,
    quorum_without_table,
    roll_call_from,
)
from extract.proceedings.table_blocks import CUE, TICK_CHAR, find_blocks
from extract.proceedings.table_votes import vote_from
from extract.proceedings.text import PageHeadings, document_lines, last_heading

MAX_VOTES = 500
MAX_ROLL_CALLS = 200
_VOTE_CHOICES = {"a_favor", "en_contra", "abstencion", "blanco"}
_ATTENDANCE_CHOICES = {"presente", "ausente", "excusado"}

__all__ = ["Proceedings", "read_proceedings"]


def read_proceedings(pages: list[tuple[int, str]], *, repeated: set[str] | None = None,
                     identifier_hits: dict[str, tuple] | None = None) -> Proceedings:
    """Everything the pages record: (page number, page display text) in page order. What the caller has
    read from the same texts already: ``repeated``, their running header keys (extract/cleanup.py
    repeated_edge_lines), and ``identifier_hits`` (extract/metadata.py), by page text."""
    roll_calls: list[RollCall] = []
    votes: list[Vote] = []
    cued = [number for number, text in pages if _cued(text)]
    if cued:
        # A table's pages, the two before (its agenda point's heading, its motion) and the one after.
        lines = document_lines(pages, {near for number in cued for near in range(number - 2, number + 2)}, repeated)
        blocks = find_blocks(lines)
        first = next((text for _, text in pages if text.strip()), "")
        body = commission(first[:TITLE_CHARS])
        tables = []
        headings: PageHeadings | None = None
        at: dict[int, int] = {}
        for k, block in enumerate(blocks):
            previous_end = blocks[k - 1].end if k else 0
            next_start = blocks[k + 1].start if k + 1 < len(blocks) else len(lines)
            if block.choices & _VOTE_CHOICES or block.kind == "word":  # "A FAVOR", "SI" / "NO", a Word table
                vote = vote_from(block, lines, previous_end, next_start, body)
                if not vote.motion:  # the agenda point's heading is further back than the lines read
                    if headings is None:
                        headings, at = PageHeadings(pages), {number: k for k, (number, _) in enumerate(pages)}
                    vote.agenda_point, vote.motion = _heading_before(pages, at, headings, block.page,
                                                                     lines[block.start].text)
                votes.append(vote)
            elif block.choices & _ATTENDANCE_CHOICES:  # a checklist ("NOMBRE DEL PROGRAMA / Educación ✓") is neither
                roll_call = roll_call_from(block, lines)
                roll_calls.append(roll_call)
                tables.append((roll_call, block))
        attach_stated_counts(tables, blocks, lines)
        roll_calls += attendance_lists(lines)
    taken = {(vote.result_page, vote.result_text) for vote in votes if vote.result_text}
    votes += read_prose_votes(pages, taken)
    stated = {roll_call.stated_text for roll_call in roll_calls if roll_call.stated_text}
    table_pages = {entry.page for roll_call in roll_calls for entry in roll_call.entries} | {r.page for r in roll_calls}
    first_vote = min((vote.page for vote in votes), default=None)
    roll_calls += [
        found for found in quorum_without_table(pages, table_pages, first_vote) if found.stated_text not in stated
    ]
    roll_calls.sort(key=lambda roll_call: roll_call.page)
    votes.sort(key=lambda vote: vote.page)
    return Proceedings(roll_calls[:MAX_ROLL_CALLS], votes[:MAX_VOTES], read_movements(pages),
                       read_items(pages, identifier_hits))


def _cued(text: str) -> bool:
    """CUE.search(text) or "ASISTENTE" in text; the substrings first (CUE's alternation is slow on a whole page)."""
    if "ASISTENTE" in text or TICK_CHAR.search(text):
        return True
    return ("NOMBRE" in text or "VOTO" in text or "Voto" in text) and CUE.search(text) is not None


def _heading_before(pages: list[tuple[int, str]], at: dict[int, int], headings: PageHeadings, page: int,
                    first_line: str) -> tuple[str | None, str]:
    """The last agenda heading before a table: on its page above its first line, else on earlier pages
    (``headings``: each page's last heading, read once for all the tables; ``at``: page number -> index)."""
    k = at.get(page)
    if k is None:
        return None, ""
    text = pages[k][1]
    end = text.find(first_line)
    found = last_heading(text, end if end >= 0 else len(text)) or headings.before(k)
    return found if found else (None, "")
