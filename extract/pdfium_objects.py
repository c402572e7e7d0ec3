"""A page's edges and characters as pdfplumber's table finder sees them, read by PDFium.

pdfplumber gets a page's objects from pdfminer, which parses the whole page in Python (~80 ms a page
of the Quito actas). Its table finder only reads two things from them: the edges of the drawn paths
(``page.edges``) and the characters (``page.chars``). This module reads both with pdfium's raw calls
and gives them pdfplumber's values:

* Edges: a filled, unstroked path of five segments (``re``; Word draws every border and shading so)
  is the rectangle of its bounds; any other path is cut into subpaths and classified as pdfminer
  does (a line, a rectangle, or a curve whose axis-parallel steps are edges). They become edges as
  pdfplumber makes them (``rect_to_edges``, ``line_to_edge``, ``curve_to_edges``), in its
  coordinates (origin at the top left, ``top``/``bottom``), then are snapped and joined as its
  ``merge_edges`` does with the default tolerances. That merge is idempotent: the finder merges them
  again and gets the same edges, from tens instead of the 1,348 Word draws on a page (each cell
  border apart, some twice). The merge here works on tuples; pdfplumber's copies a dict per step.
* Characters: the text page's characters with their loose boxes (from the origin to the advance
  width, the font size high, as pdfminer's), without pdfium's generated spaces and line breaks;
  pdfium's line-end hyphen mark (U+0002) is the "-" that is printed. pdfium leaves out a space
  written as a text object of its own (Word writes one in Arial after "12." in the vote tables) and
  pdfminer keeps it: it is added back from the page's text objects (page_chars).

The loops over every object and character of a page are in C (extract/_pdfium_pages.c, the same
arithmetic): through ctypes, the few pdfium calls per character cost more than the rest of the read.

Coordinates are pdfium's 32-bit floats, so they differ from pdfminer's doubles in the fifth decimal.
"""

from __future__ import annotations

import ctypes
import itertools
import struct
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

try:
    from extract import _pdfium_pages
except ImportError as exc:  # pragma: no cover - the message is what a person needs
    raise ImportError(
        "extract/_pdfium_pages.c is not compiled: run scripts/setup (pip install -e . builds it; "
        f"it needs a C compiler and Python's headers) ({exc})"
    ) from exc

MAX_FORM_DEPTH = 8
Matrix = tuple[float, float, float, float, float, float]
# The PDFium functions extract/_pdfium_pages.c calls, in the order of its function table.
_BOUND = (
    "FPDFPage_CountObjects", "FPDFPage_GetObject", "FPDFPageObj_GetType", "FPDFPageObj_GetBounds",
    "FPDFPageObj_GetMatrix", "FPDFFormObj_CountObjects", "FPDFFormObj_GetObject", "FPDFPath_CountSegments",
    "FPDFPath_GetDrawMode", "FPDFText_CountChars", "FPDFText_GetUnicode", "FPDFText_IsGenerated",
    "FPDFText_GetLooseCharBox", "FPDFText_GetMatrix", "FPDFTextObj_GetText", "FPDFTextObj_GetFontSize",
    "FPDFTextObj_GetFont", "FPDFFont_GetAscent", "FPDFFont_GetDescent", "FPDFText_GetCharOrigin",
)


def _address(handle) -> int:
    """A pdfium handle or function as the integer address extract/_pdfium_pages.c takes."""
    return ctypes.cast(handle, ctypes.c_void_p).value


_pdfium_pages.bind(tuple(_address(getattr(pdfium_c, name)) for name in _BOUND))


@dataclass(frozen=True)
class Geometry:
    """How pdfminer and pdfplumber place a page's user space (PDF points, origin at the bottom left)."""

    ctm: Matrix  # pdfminer's initial transformation for the page's MediaBox and /Rotate
    height: float  # pdfplumber's page height (after rotation)
    x_shift: float  # pdfplumber adds the MediaBox's left back
    top_shift: float  # and its top
    doctop: float  # the page's top in the document (pdfplumber's initial_doctop)

    @classmethod
    def of(cls, mediabox: list[float], rotation: int, height: float, plumber_mediabox: tuple, doctop: float) -> Geometry:
        """From pdfminer's raw MediaBox and /Rotate, and pdfplumber's height, MediaBox and initial doctop."""
        x0, y0, x1, y1 = mediabox
        ctm = {
            90: (0.0, -1.0, 1.0, 0.0, -y0, x1),
            180: (-1.0, 0.0, 0.0, -1.0, x1, y1),
            270: (0.0, 1.0, -1.0, 0.0, y1, -x0),
        }.get(rotation, (1.0, 0.0, 0.0, 1.0, -x0, -y0))
        return cls(ctm, height, plumber_mediabox[0], plumber_mediabox[1], doctop)

    def user_boxes(self, boxes: list[tuple[float, float, float, float]], margin: float) -> list[tuple]:
        """pdfplumber (x0, top, x1, bottom) boxes as (x0, y0, x1, y1) in the page's user space, grown by ``margin``."""
        a, b, c, d, e, f = self.ctm
        det = a * d - b * c
        found = []
        for x0, top, x1, bottom in boxes:
            xs, ys = [], []
            for x, t in ((x0, top), (x1, bottom), (x0, bottom), (x1, top)):
                px, py = x - self.x_shift, self.height + self.top_shift - t  # back to pdfminer's space
                px, py = px - e, py - f
                xs.append((d * px - c * py) / det)
                ys.append((a * py - b * px) / det)
            found.append((min(xs) - margin, min(ys) - margin, max(xs) + margin, max(ys) + margin))
        return found

    def upright(self, a: float, b: float, c: float, d: float) -> bool:
        """pdfminer's LTChar.upright, for a character of matrix (a, b, c, d, ...) in user space."""
        ca, cb, cc, cd = self.ctm[:4]
        a, b, c, d = a * ca + b * cc, a * cb + b * cd, c * ca + d * cc, c * cb + d * cd
        return a * d > 0 and b * c <= 0

    def top(self, y: float) -> float:
        """pdfplumber's top (or bottom) of a pdfminer y, as Page.process_object computes it."""
        return (self.height - y) + self.top_shift


def _multiply(m1: Matrix, m0: Matrix) -> Matrix:
    """``m1`` then ``m0``, as pdfminer's mult_matrix."""
    a1, b1, c1, d1, e1, f1 = m1
    a0, b0, c0, d0, e0, f0 = m0
    return (a1 * a0 + b1 * c0, a1 * b0 + b1 * d0, c1 * a0 + d1 * c0, c1 * b0 + d1 * d0,
            e1 * a0 + f1 * c0 + e0, e1 * b0 + f1 * d0 + f0)


# --- edges -------------------------------------------------------------------------------------

# An edge: (orientation, x0, top, x1, bottom), with pdfplumber's values; width is x1 - x0 and
# height bottom - top, except for the bottom edge of a rectangle (see _rect_edges).
Edge = tuple[str, float, float, float, float]


def page_objects(page: pdfium.PdfPage, geometry: Geometry) -> tuple[list[Edge], list[tuple]]:
    """pdfplumber's ``page.edges`` of the page (before its finder filters and merges them), and the
    page's text objects with the matrix of the forms they are in (for page_chars).

    A filled, unstroked path of five segments (what ``re`` makes, and what Word draws every border
    and shading with) is taken for the rectangle of its bounds: one call instead of twenty (in C,
    extract/_pdfium_pages.c). Any other path is read segment by segment here.
    """
    packed, paths, text_objects = _walk(page, geometry)
    return _unpacked(packed, paths, geometry), text_objects


def page_merged_edges(page: pdfium.PdfPage, geometry: Geometry) -> tuple[list[dict], list[tuple]]:
    """merged_edges of page_objects, and the text objects: the rectangles' edges (most of a page's)
    go from the page to the merge packed, never made into Python objects."""
    packed, paths, text_objects = _walk(page, geometry)
    if paths:
        packed = _packed(_unpacked(packed, paths, geometry))
    return _merged(packed), text_objects


def _walk(page: pdfium.PdfPage, geometry: Geometry) -> tuple[bytes, list[tuple], list[tuple]]:
    return _pdfium_pages.edges(_address(page.raw), geometry.ctm, geometry.height, geometry.x_shift,
                               geometry.top_shift, MAX_FORM_DEPTH)


_PACKED_EDGE = struct.Struct("5d")  # extract/_pdfium_pages.c's Edge: orientation (0 "h", 1 "v"), x0, top, x1, bottom


def _unpacked(packed: bytes, paths: list[tuple], geometry: Geometry) -> list[Edge]:
    """The rectangles' edges as tuples, with the other paths' edges read and put where they are drawn."""
    rectangles = [("v" if orientation else "h", x0, top, x1, bottom)
                  for orientation, x0, top, x1, bottom in _PACKED_EDGE.iter_unpack(packed)]
    edges: list[Edge] = []
    done = 0
    for before, obj, outer in paths:
        edges += rectangles[done:before]
        done = before
        _path_edges(ctypes.cast(obj, pdfium_c.FPDF_PAGEOBJECT), outer, geometry, edges)
    edges += rectangles[done:]
    return edges


def _packed(edges: list[Edge]) -> bytes:
    return b"".join(_PACKED_EDGE.pack(orientation == "v", x0, top, x1, bottom)
                    for orientation, x0, top, x1, bottom in edges)


def _path_edges(obj, outer: Matrix, geometry: Geometry, edges: list[Edge]) -> None:
    """The edges of any path object, read segment by segment, cut into pdfminer's subpaths."""
    x, y = ctypes.c_float(), ctypes.c_float()
    matrix = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFPageObj_GetMatrix(obj, matrix)
    a, b, c, d, e, f = _multiply((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), outer)
    # pdfminer's subpaths: "m" starts one; a Bézier keeps only its end point; a closing segment is
    # "h" (pdfium closes on the start point, adding it if needed).
    subpath: list[tuple[str, float, float]] = []
    bezier_points = 0
    for i in range(pdfium_c.FPDFPath_CountSegments(obj)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj, i)
        pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
        point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            _add_subpath(subpath, geometry, edges)
            subpath = [("m", *point)]
            bezier_points = 0
            continue
        if kind == pdfium_c.FPDF_SEGMENT_BEZIERTO:
            bezier_points += 1
            if bezier_points % 3:
                continue  # a control point: pdfminer keeps only the curve's end
        op = "h" if pdfium_c.FPDFPathSegment_GetClose(segment) else ("c" if kind == pdfium_c.FPDF_SEGMENT_BEZIERTO else "l")
        subpath.append((op, *point))
    _add_subpath(subpath, geometry, edges)


def _add_subpath(subpath: list[tuple[str, float, float]], geometry: Geometry, edges: list[Edge]) -> None:
    """The edges of one painted subpath, as pdfminer's paint_path and pdfplumber's *_to_edges make them."""
    if not subpath or subpath[0][0] != "m":
        return
    shape = "".join(op for op, _, _ in subpath)
    pts = [(px, py) for _, px, py in subpath]
    if shape[-1:] == "h":
        pts[-1] = pts[0]  # pdfminer's "h" point is the start (pdfium's is too, within float precision)
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"
        pts.pop()
    if shape in ("ml", "mlh"):
        (x0, y0), (x1, y1) = pts[0], pts[1]
        left, right, low, high = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)
        top, bottom = geometry.top(high), geometry.top(low)
        left, right = left + geometry.x_shift, right + geometry.x_shift
        edges.append(("h" if top == bottom else "v", left, top, right, bottom))
        return
    if shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        if pts[0] == pts[4] and ((x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0)
                                 or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)):
            _rect_edges(min(x0, x2), min(y0, y2), max(x0, x2), max(y0, y2), geometry, edges)
            return
    # A curve: each step between consecutive points is an edge if it is axis-parallel.
    shift = geometry.x_shift
    points = [(shift + px, geometry.top_shift + geometry.height - py) for px, py in pts]  # Page.point2coord
    for (ax, ay), (bx, by) in itertools.pairwise(points):
        orientation = "v" if ax == bx else ("h" if ay == by else None)
        if orientation:
            edges.append((orientation, min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)))


def _rect_edges(x0: float, y0: float, x1: float, y1: float, geometry: Geometry, edges: list[Edge]) -> None:
    top, bottom = geometry.top(y1), geometry.top(y0)
    x0, x1 = x0 + geometry.x_shift, x1 + geometry.x_shift
    height = y1 - y0
    below = top + height  # pdfplumber's rect_to_edges puts the bottom edge at top + height
    edges += [("h", x0, top, x1, top), ("h", x0, below, x1, below), ("v", x0, top, x0, bottom), ("v", x1, top, x1, bottom)]


def merged_edges(edges: list[Edge], *, snap: float = 3, join: float = 3, min_length: float = 1) -> list[dict]:
    """pdfplumber's TableFinder edges: filter_edges(min_length), merge_edges(snap, join), as dicts.

    Same order and values as pdfplumber's own code (tests/extract/test_tables_from_pdfium.py), in C
    (extract/_pdfium_pages.c merge_edges). The finder's last filter (edge_min_length) is left to the finder.
    """
    return _merged(_packed(edges), snap, join, min_length)


def _merged(packed: bytes, snap: float = 3, join: float = 3, min_length: float = 1) -> list[dict]:
    return [_edge_dict(edge) for edge in _pdfium_pages.merge_edges(packed, snap, join, min_length)]


def _edge_dict(edge: tuple) -> dict:
    orientation, x0, top, x1, bottom = edge
    return {"object_type": "edge", "orientation": orientation, "x0": x0, "x1": x1, "top": top, "bottom": bottom,
            "width": x1 - x0, "height": bottom - top}


# --- characters ----------------------------------------------------------------------------------


def page_chars(textpage: pdfium.PdfTextPage, geometry: Geometry, page_number: int, text_objects: list,
               within: list[tuple[float, float, float, float]]) -> list[dict]:
    """pdfplumber's ``page.chars`` whose middle lies in one of the ``within`` (x0, top, x1, bottom) boxes.

    The text page's characters, then the spaces pdfium left out of it from ``text_objects``
    (page_objects): Word writes a space in a font of its own (Arial between "12." and the name) as a
    text object of its own; pdfium's text page leaves it out, and sometimes generates no space for it
    either ("12.Adrián"). pdfminer keeps it, and to pdfplumber it ends a word. Its box is zero wide at
    the object's origin, pdfium's loose box high: where it sits between two words is what counts.
    Read in C (extract/_pdfium_pages.c); a table's cells are inside its box, so only the characters
    inside the tables are read: the rows read the same.
    """
    # the boxes in pdfium's space, a little larger, to pass over the other characters cheaply
    near = geometry.user_boxes(within, margin=0.01)
    near_box = (min(box[0] for box in near), min(box[1] for box in near),
                max(box[2] for box in near), max(box[3] for box in near))
    return _pdfium_pages.chars(_address(textpage.raw), geometry.ctm, geometry.height, geometry.x_shift,
                               geometry.top_shift, [tuple(box) for box in within], near_box, text_objects,
                               page_number, geometry.doctop)


def page_rules(page: pdfium.PdfPage, thickness: float, max_depth: int) -> tuple[list[tuple], list[tuple]]:
    """The page's paths thinner than ``thickness``, in pdfium's space: horizontal (y, x0, x1) and
    vertical (x, y0, y1), forms read to ``max_depth`` (their matrices not applied)."""
    return _pdfium_pages.rules(_address(page.raw), thickness, max_depth)
