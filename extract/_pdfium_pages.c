/* A page's rules, edges and characters read through PDFium in C: the loops of extract/vote_tables.py's
 * read_rules and extract/pdfium_objects.py's page_objects and page_chars, which make a few PDFium calls
 * for every object or character of a page (thousands on a page of the Quito actas; through ctypes each
 * costs about a microsecond).
 *
 * No PDFium header or library at build time: bind() is given the addresses of the PDFium functions of
 * the library pypdfium2 has loaded (the same library, so the handles it gives are valid here). Handles
 * are passed in and out as Python integers. The arithmetic is the Python code's, in the same order and
 * in double precision from PDFium's floats, so the values are the same to the last bit (built with
 * -ffp-contract=off: no fused multiply-add; sums in order, as Python 3.11's sum() adds floats, where 3.12
 * compensates).
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <string.h>

typedef void *Handle;
typedef struct { float a, b, c, d, e, f; } Matrix;          /* FS_MATRIX */
typedef struct { float left, top, right, bottom; } RectF;  /* FS_RECTF */

enum { OBJ_TEXT = 1, OBJ_PATH = 2, OBJ_FORM = 5 };

static struct {
    int (*page_count_objects)(Handle page);
    Handle (*page_get_object)(Handle page, int index);
    int (*obj_get_type)(Handle obj);
    int (*obj_get_bounds)(Handle obj, float *left, float *bottom, float *right, float *top);
    int (*obj_get_matrix)(Handle obj, Matrix *matrix);
    int (*form_count_objects)(Handle form);
    Handle (*form_get_object)(Handle form, unsigned long index);
    int (*path_count_segments)(Handle path);
    int (*path_get_draw_mode)(Handle path, int *fill, int *stroke);
    int (*text_count_chars)(Handle textpage);
    unsigned int (*text_get_unicode)(Handle textpage, int index);
    int (*text_is_generated)(Handle textpage, int index);
    int (*text_get_loose_char_box)(Handle textpage, int index, RectF *rect);
    int (*text_get_matrix)(Handle textpage, int index, Matrix *matrix);
    unsigned long (*textobj_get_text)(Handle obj, Handle textpage, unsigned short *buffer, unsigned long length);
    int (*textobj_get_font_size)(Handle obj, float *size);
    Handle (*textobj_get_font)(Handle obj);
    int (*font_get_ascent)(Handle font, float size, float *ascent);
    int (*font_get_descent)(Handle font, float size, float *descent);
    int (*text_get_char_origin)(Handle textpage, int index, double *x, double *y);
} pdfium;

#define FUNCTIONS 20
static int bound = 0;

static PyObject *bind(PyObject *self, PyObject *args) {
    PyObject *addresses;
    if (!PyArg_ParseTuple(args, "O!", &PyTuple_Type, &addresses))
        return NULL;
    if (PyTuple_GET_SIZE(addresses) != FUNCTIONS) {
        PyErr_Format(PyExc_ValueError, "bind() takes the addresses of %d PDFium functions", FUNCTIONS);
        return NULL;
    }
    void **slots = (void **)&pdfium;
    for (Py_ssize_t i = 0; i < FUNCTIONS; i++) {
        void *address = PyLong_AsVoidPtr(PyTuple_GET_ITEM(addresses, i));
        if (address == NULL) {
            if (!PyErr_Occurred())
                PyErr_Format(PyExc_ValueError, "PDFium function %zd has no address", i);
            return NULL;
        }
        slots[i] = address;
    }
    bound = 1;
    Py_RETURN_NONE;
}

static int check_bound(void) {
    if (!bound)
        PyErr_SetString(PyExc_RuntimeError, "PDFium functions not bound: call bind() first");
    return bound;
}

static int append_new(PyObject *list, PyObject *item) {
    if (item == NULL)
        return -1;
    int failed = PyList_Append(list, item);
    Py_DECREF(item);
    return failed;
}

/* --- rules (extract/vote_tables.py read_rules) ---------------------------------------------------- */

typedef struct {
    double thickness;
    int max_depth;
    PyObject *horizontal, *vertical;
} RulesWalk;

static int visit_rules(RulesWalk *walk, Handle container, int is_form, int depth) {
    int count = is_form ? pdfium.form_count_objects(container) : pdfium.page_count_objects(container);
    for (int i = 0; i < count; i++) {
        Handle obj = is_form ? pdfium.form_get_object(container, (unsigned long)i) : pdfium.page_get_object(container, i);
        int kind = pdfium.obj_get_type(obj);
        if (kind == OBJ_PATH) {
            float left, bottom, right, top;
            if (!pdfium.obj_get_bounds(obj, &left, &bottom, &right, &top))
                continue;
            double width = (double)right - (double)left, height = (double)top - (double)bottom;
            if (height <= walk->thickness && width > walk->thickness) {
                if (append_new(walk->horizontal, Py_BuildValue("(ddd)", ((double)bottom + (double)top) / 2,
                                                                (double)left, (double)right)))
                    return -1;
            } else if (width <= walk->thickness && height > walk->thickness) {
                if (append_new(walk->vertical, Py_BuildValue("(ddd)", ((double)left + (double)right) / 2,
                                                              (double)bottom, (double)top)))
                    return -1;
            }
        } else if (kind == OBJ_FORM && depth < walk->max_depth) {
            if (visit_rules(walk, obj, 1, depth + 1))
                return -1;
        }
    }
    return 0;
}

static PyObject *rules(PyObject *self, PyObject *args) {
    RulesWalk walk;
    PyObject *page;
    if (!check_bound() || !PyArg_ParseTuple(args, "Odi", &page, &walk.thickness, &walk.max_depth))
        return NULL;
    Handle raw = PyLong_AsVoidPtr(page);
    if (raw == NULL)
        return PyErr_Occurred() ? NULL : PyErr_Format(PyExc_ValueError, "no page");
    walk.horizontal = PyList_New(0);
    walk.vertical = PyList_New(0);
    if (walk.horizontal && walk.vertical && visit_rules(&walk, raw, 0, 0) == 0)
        return Py_BuildValue("(NN)", walk.horizontal, walk.vertical);
    Py_XDECREF(walk.horizontal);
    Py_XDECREF(walk.vertical);
    return NULL;
}

/* --- edges (extract/pdfium_objects.py page_objects) ------------------------------------------------ */

typedef struct { double a, b, c, d, e, f; } Affine;

/* Python's min(a, b) and max(a, b): the first of two equal values (0.0 and -0.0 are equal, not the same) */
static inline double py_min(double a, double b) { return b < a ? b : a; }
static inline double py_max(double a, double b) { return b > a ? b : a; }

static Affine multiply(Affine m1, Affine m0) {  /* pdfminer's mult_matrix: m1 then m0 */
    Affine r = {
        m1.a * m0.a + m1.b * m0.c, m1.a * m0.b + m1.b * m0.d, m1.c * m0.a + m1.d * m0.c,
        m1.c * m0.b + m1.d * m0.d, m1.e * m0.a + m1.f * m0.c + m0.e, m1.e * m0.b + m1.f * m0.d + m0.f,
    };
    return r;
}

static Affine of_matrix(Matrix m) {
    Affine r = {m.a, m.b, m.c, m.d, m.e, m.f};
    return r;
}

typedef struct {
    double height, x_shift, top_shift;  /* Geometry: top(y) = (height - y) + top_shift */
} Placement;

static inline double top_of(const Placement *p, double y) { return (p->height - y) + p->top_shift; }

/* An edge as pdfplumber makes it: orientation (0 "h", 1 "v"), x0, top, x1, bottom. */
typedef struct { double orientation, x0, top, x1, bottom; } Edge;

typedef struct {
    Edge *items;
    Py_ssize_t count, capacity;
} Edges;

static int add_edge(Edges *edges, double orientation, double x0, double top, double x1, double bottom) {
    if (edges->count == edges->capacity) {
        Py_ssize_t capacity = edges->capacity ? edges->capacity * 2 : 256;
        Edge *grown = PyMem_Resize(edges->items, Edge, capacity);
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        edges->items = grown;
        edges->capacity = capacity;
    }
    Edge edge = {orientation, x0, top, x1, bottom};
    edges->items[edges->count++] = edge;
    return 0;
}

typedef struct {
    Placement place;
    int max_depth;
    Edges edges;             /* the rectangles' edges, in page order */
    PyObject *paths;         /* (edges before it, path, outer) for every other path */
    PyObject *text_objects;  /* (text object, outer, whether it is on the page itself, not in a form) */
} EdgesWalk;

static PyObject *affine_tuple(Affine m) {
    return Py_BuildValue("(dddddd)", m.a, m.b, m.c, m.d, m.e, m.f);
}

static int rect_edges(EdgesWalk *walk, double x0, double y0, double x1, double y1) {
    const Placement *p = &walk->place;
    double top = top_of(p, y1), bottom = top_of(p, y0);
    x0 = x0 + p->x_shift;
    x1 = x1 + p->x_shift;
    double below = top + (y1 - y0);  /* pdfplumber's rect_to_edges puts the bottom edge at top + height */
    Edges *edges = &walk->edges;
    return add_edge(edges, 0, x0, top, x1, top) || add_edge(edges, 0, x0, below, x1, below)
        || add_edge(edges, 1, x0, top, x0, bottom) || add_edge(edges, 1, x1, top, x1, bottom);
}

static int visit_edges(EdgesWalk *walk, Handle container, int is_form, Affine outer, int depth) {
    int axis_parallel = outer.b == 0 && outer.c == 0;
    int count = is_form ? pdfium.form_count_objects(container) : pdfium.page_count_objects(container);
    for (int i = 0; i < count; i++) {
        Handle obj = is_form ? pdfium.form_get_object(container, (unsigned long)i) : pdfium.page_get_object(container, i);
        int kind = pdfium.obj_get_type(obj);
        if (kind == OBJ_PATH) {
            int fill = 0, stroke = 0;
            float left, bottom, right, top;
            if (axis_parallel && pdfium.path_count_segments(obj) == 5 && pdfium.path_get_draw_mode(obj, &fill, &stroke)
                    && !stroke && pdfium.obj_get_bounds(obj, &left, &bottom, &right, &top)) {
                double xa = outer.a * left + outer.e, xb = outer.a * right + outer.e;
                double ya = outer.d * bottom + outer.f, yb = outer.d * top + outer.f;
                if (rect_edges(walk, py_min(xa, xb), py_min(ya, yb), py_max(xa, xb), py_max(ya, yb)))
                    return -1;
            } else if (append_new(walk->paths, Py_BuildValue("(nNN)", walk->edges.count, PyLong_FromVoidPtr(obj),
                                                             affine_tuple(outer)))) {
                return -1;
            }
        } else if (kind == OBJ_TEXT) {
            if (append_new(walk->text_objects, Py_BuildValue("(NNi)", PyLong_FromVoidPtr(obj), affine_tuple(outer),
                                                             depth == 0)))
                return -1;
        } else if (kind == OBJ_FORM && depth < walk->max_depth) {
            Matrix m = {0, 0, 0, 0, 0, 0};
            pdfium.obj_get_matrix(obj, &m);
            if (visit_edges(walk, obj, 1, multiply(of_matrix(m), outer), depth + 1))
                return -1;
        }
    }
    return 0;
}

static int parse_affine(PyObject *tuple, Affine *m) {
    return PyArg_ParseTuple(tuple, "dddddd", &m->a, &m->b, &m->c, &m->d, &m->e, &m->f);
}

static PyObject *edges(PyObject *self, PyObject *args) {
    EdgesWalk walk = {0};
    PyObject *page, *ctm_tuple;
    Affine ctm;
    if (!check_bound() || !PyArg_ParseTuple(args, "OO!dddi", &page, &PyTuple_Type, &ctm_tuple, &walk.place.height,
                                            &walk.place.x_shift, &walk.place.top_shift, &walk.max_depth)
            || !parse_affine(ctm_tuple, &ctm))
        return NULL;
    Handle raw = PyLong_AsVoidPtr(page);
    if (raw == NULL)
        return PyErr_Occurred() ? NULL : PyErr_Format(PyExc_ValueError, "no page");
    PyObject *result = NULL;
    walk.paths = PyList_New(0);
    walk.text_objects = PyList_New(0);
    if (walk.paths && walk.text_objects && visit_edges(&walk, raw, 0, ctm, 0) == 0) {
        PyObject *packed = PyBytes_FromStringAndSize((const char *)walk.edges.items,
                                                     walk.edges.count * (Py_ssize_t)sizeof(Edge));
        if (packed)
            result = Py_BuildValue("(NOO)", packed, walk.paths, walk.text_objects);
    }
    PyMem_Free(walk.edges.items);
    Py_XDECREF(walk.paths);
    Py_XDECREF(walk.text_objects);
    return result;
}

/* --- merging edges (pdfplumber's filter_edges, snap_edges and join_edge_group) ---------------------- */

typedef struct { double key, start; Py_ssize_t order; } Sorted;

static int by_key_then_order(const void *a, const void *b) {
    const Sorted *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->order > y->order) - (x->order < y->order);
}

static int by_start_then_order(const void *a, const void *b) {
    const Sorted *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return (x->order > y->order) - (x->order < y->order);
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Snaps the edges of one orientation (at: 1 clusters on x0, 2 on top) as pdfplumber's cluster_objects and
 * snap_objects do: distinct values chained within tolerance, each edge moved by (mean - value), the
 * mean summed in the edges' order; appended to out cluster by cluster. */
static int snap_group(const Edge *group, Py_ssize_t count, int at, double tolerance, Edge *out, Py_ssize_t *written) {
    if (count == 0)
        return 0;
    double *values = PyMem_New(double, count);
    Py_ssize_t *cluster = PyMem_New(Py_ssize_t, count);
    double *sums = PyMem_New(double, count);
    Py_ssize_t *sizes = PyMem_New(Py_ssize_t, count);
    Py_ssize_t *distinct_cluster = PyMem_New(Py_ssize_t, count);
    int failed = !(values && cluster && sums && sizes && distinct_cluster);
    if (!failed) {
        for (Py_ssize_t i = 0; i < count; i++)
            values[i] = at == 1 ? group[i].x0 : group[i].top;
        qsort(values, (size_t)count, sizeof(double), by_value);
        Py_ssize_t distinct = 0, clusters = 0;
        for (Py_ssize_t i = 0; i < count; i++) {
            if (distinct && values[i] == values[distinct - 1])
                continue;
            if (distinct && values[i] > values[distinct - 1] + tolerance)
                clusters++;
            values[distinct] = values[i];
            distinct_cluster[distinct++] = clusters;
        }
        clusters++;
        for (Py_ssize_t c = 0; c < clusters; c++) {
            sums[c] = 0;
            sizes[c] = 0;
        }
        for (Py_ssize_t i = 0; i < count; i++) {
            double value = at == 1 ? group[i].x0 : group[i].top;
            Py_ssize_t low = 0, high = distinct - 1;
            while (low < high) {  /* the value is among the distinct ones */
                Py_ssize_t middle = (low + high) / 2;
                if (values[middle] < value)
                    low = middle + 1;
                else
                    high = middle;
            }
            cluster[i] = distinct_cluster[low];
            sums[cluster[i]] += value;
            sizes[cluster[i]]++;
        }
        Py_ssize_t next = *written;  /* sums become means, sizes where each cluster's edges start in out */
        for (Py_ssize_t c = 0; c < clusters; c++) {
            Py_ssize_t size = sizes[c];
            sums[c] = sums[c] / (double)size;
            sizes[c] = next;
            next += size;
        }
        for (Py_ssize_t i = 0; i < count; i++) {
            Edge edge = group[i];
            double mean = sums[cluster[i]];
            if (at == 1) {
                double shift = mean - edge.x0;
                edge.x0 = edge.x0 + shift;
                edge.x1 = edge.x1 + shift;
            } else {
                double shift = mean - edge.top;
                edge.top = edge.top + shift;
                edge.bottom = edge.bottom + shift;
            }
            out[sizes[cluster[i]]++] = edge;
        }
        *written = next;
    }
    PyMem_Free(values);
    PyMem_Free(cluster);
    PyMem_Free(sums);
    PyMem_Free(sizes);
    PyMem_Free(distinct_cluster);
    if (failed)
        PyErr_NoMemory();
    return failed ? -1 : 0;
}

static PyObject *edge_tuple(const Edge *edge) {
    return Py_BuildValue("(sdddd)", edge->orientation ? "v" : "h", edge->x0, edge->top, edge->x1, edge->bottom);
}

static PyObject *merge_edges(PyObject *self, PyObject *args) {
    Py_buffer packed;
    double snap, join, min_length;
    if (!PyArg_ParseTuple(args, "y*ddd", &packed, &snap, &join, &min_length))
        return NULL;
    if (packed.len % (Py_ssize_t)sizeof(Edge)) {
        PyBuffer_Release(&packed);
        return PyErr_Format(PyExc_ValueError, "packed edges: %zd bytes is not a whole number of edges", packed.len);
    }
    Py_ssize_t count = packed.len / (Py_ssize_t)sizeof(Edge);
    const Edge *edges = packed.buf;
    Py_ssize_t total = count ? count : 1;
    Edge *vertical = PyMem_New(Edge, total), *horizontal = PyMem_New(Edge, total), *snapped = PyMem_New(Edge, total);
    Sorted *order = PyMem_New(Sorted, total);
    PyObject *joined = NULL;
    if (!(vertical && horizontal && snapped && order)) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t verticals = 0, horizontals = 0, written = 0;
    for (Py_ssize_t i = 0; i < count; i++) {  /* filter_edges(min_length) */
        /* an edge off any finite coordinate (a malformed matrix) is no line, and would make the sorts below
         * compare inconsistently */
        if (!(isfinite(edges[i].x0) && isfinite(edges[i].top) && isfinite(edges[i].x1) && isfinite(edges[i].bottom)))
            continue;
        if (edges[i].orientation && edges[i].bottom - edges[i].top >= min_length)
            vertical[verticals++] = edges[i];
        else if (!edges[i].orientation && edges[i].x1 - edges[i].x0 >= min_length)
            horizontal[horizontals++] = edges[i];
    }
    if (snap_group(vertical, verticals, 1, snap, snapped, &written)
            || snap_group(horizontal, horizontals, 2, snap, snapped, &written))
        goto done;
    /* sorted by (orientation, position): "h" before "v"; a stable sort */
    for (Py_ssize_t i = 0; i < written; i++) {
        const Edge *edge = &snapped[i];
        order[i].key = edge->orientation ? edge->x0 : edge->top;
        order[i].order = i;
    }
    Py_ssize_t first_vertical = 0;
    for (Py_ssize_t i = 0; i < written; i++)
        first_vertical += !snapped[i].orientation;
    {  /* horizontals first, in their order, then verticals: then sort each part on its position */
        Sorted *parted = PyMem_New(Sorted, written ? written : 1);
        if (parted == NULL) {
            PyErr_NoMemory();
            goto done;
        }
        Py_ssize_t h = 0, v = first_vertical;
        for (Py_ssize_t i = 0; i < written; i++)
            parted[snapped[i].orientation ? v++ : h++] = order[i];
        memcpy(order, parted, (size_t)written * sizeof(Sorted));
        PyMem_Free(parted);
    }
    qsort(order, (size_t)first_vertical, sizeof(Sorted), by_key_then_order);
    qsort(order + first_vertical, (size_t)(written - first_vertical), sizeof(Sorted), by_key_then_order);
    joined = PyList_New(0);
    if (joined == NULL)
        goto done;
    for (Py_ssize_t begin = 0; begin < written;) {  /* each line: same orientation and position */
        Py_ssize_t end = begin + 1;
        int orientation = (int)snapped[order[begin].order].orientation;
        while (end < written && (int)snapped[order[end].order].orientation == orientation
               && order[end].key == order[begin].key)
            end++;
        for (Py_ssize_t i = begin; i < end; i++) {
            const Edge *edge = &snapped[order[i].order];
            order[i].start = orientation ? edge->top : edge->x0;
        }
        qsort(order + begin, (size_t)(end - begin), sizeof(Sorted), by_start_then_order);
        Edge current = snapped[order[begin].order];
        for (Py_ssize_t i = begin + 1; i < end; i++) {
            const Edge *edge = &snapped[order[i].order];
            double *current_end = orientation ? &current.bottom : &current.x1;
            double edge_start = orientation ? edge->top : edge->x0, edge_end = orientation ? edge->bottom : edge->x1;
            if (edge_start <= *current_end + join) {
                *current_end = py_max(*current_end, edge_end);
            } else {
                if (append_new(joined, edge_tuple(&current))) {
                    Py_CLEAR(joined);
                    goto done;
                }
                current = *edge;
            }
        }
        if (append_new(joined, edge_tuple(&current))) {
            Py_CLEAR(joined);
            goto done;
        }
        begin = end;
    }
done:
    PyMem_Free(vertical);
    PyMem_Free(horizontal);
    PyMem_Free(snapped);
    PyMem_Free(order);
    PyBuffer_Release(&packed);
    return joined;
}

/* --- characters (extract/pdfium_objects.py page_chars) --------------------------------------------- */

/* pdfplumber's char dict, as pdfium_objects.py documents it; its keys made once. */
enum { K_OBJECT_TYPE, K_PAGE_NUMBER, K_TEXT, K_X0, K_X1, K_TOP, K_BOTTOM, K_DOCTOP, K_WIDTH, K_HEIGHT, K_SIZE,
       K_UPRIGHT, KEYS };
static const char *key_names[KEYS] = {"object_type", "page_number", "text", "x0", "x1", "top", "bottom", "doctop",
                                      "width", "height", "size", "upright"};
static PyObject *keys[KEYS];
static PyObject *char_type;

static int set_float(PyObject *dict, int key, double value) {
    PyObject *number = PyFloat_FromDouble(value);
    if (number == NULL)
        return -1;
    int failed = PyDict_SetItem(dict, keys[key], number);
    Py_DECREF(number);
    return failed;
}

/* {"object_type": "char", "page_number", "text", "x0", "x1", "top", "bottom", "doctop", "width", "height",
 * "size", "upright"}: the text is taken over (its reference is the dict's, or released on failure). */
static PyObject *char_dict(PyObject *text, double left, double right, double top, double bottom, int upright,
                           PyObject *page_number, double doctop) {
    PyObject *dict = text ? PyDict_New() : NULL;
    if (dict == NULL || PyDict_SetItem(dict, keys[K_OBJECT_TYPE], char_type)
            || PyDict_SetItem(dict, keys[K_PAGE_NUMBER], page_number) || PyDict_SetItem(dict, keys[K_TEXT], text)
            || set_float(dict, K_X0, left) || set_float(dict, K_X1, right) || set_float(dict, K_TOP, top)
            || set_float(dict, K_BOTTOM, bottom) || set_float(dict, K_DOCTOP, doctop + top)
            || set_float(dict, K_WIDTH, right - left) || set_float(dict, K_HEIGHT, bottom - top)
            || set_float(dict, K_SIZE, bottom - top)
            || PyDict_SetItem(dict, keys[K_UPRIGHT], upright ? Py_True : Py_False)) {
        Py_XDECREF(text);
        Py_XDECREF(dict);
        return NULL;
    }
    Py_DECREF(text);
    return dict;
}

typedef struct { double x0, top, x1, bottom; } Box;

static int inside(double x, double y, const Box *boxes, Py_ssize_t count) {
    for (Py_ssize_t i = 0; i < count; i++)
        if (boxes[i].x0 <= x && x <= boxes[i].x1 && boxes[i].top <= y && y <= boxes[i].bottom)
            return 1;
    return 0;
}

static int near_any(double x, double top, double reach, const Box *boxes, Py_ssize_t count) {
    for (Py_ssize_t i = 0; i < count; i++)
        if (boxes[i].x0 - reach <= x && x <= boxes[i].x1 + reach && boxes[i].top - reach <= top
                && top <= boxes[i].bottom + reach)
            return 1;
    return 0;
}

/* Where the text page's characters start (pdfium's user space), sorted. pdfium places a text object's
 * first character exactly at the object's origin (its text matrix's e, f, for an object on the page
 * itself), so a page-level object has text in the text page when a character starts there: one lookup
 * instead of FPDFTextObj_GetText, which goes over every character of the page (~5 us an object; half
 * of a Word table's text objects are lone spaces). Same answer for every text object of the corpus
 * (1,641 with text, 1,642 without, on its table pages). Where pdfium dropped an object's first
 * character but kept later ones, a space is added at its origin, where pdfminer has that character; an
 * object drawn at exactly another's origin (an overprinted copy, which pdfium drops) counts as having
 * text and gets no space, where FPDFTextObj_GetText would say it has none (pdfminer has its characters).
 * Objects inside forms are asked the slow way. */
typedef struct { double x, y; } Origin;

static int by_origin(const void *a, const void *b) {
    const Origin *p = a, *q = b;
    if (p->x != q->x)
        return p->x < q->x ? -1 : 1;
    return (p->y > q->y) - (p->y < q->y);
}

static int has_origin(const Origin *origins, Py_ssize_t count, double x, double y) {
    Origin key = {x, y};
    return count > 0 && bsearch(&key, origins, (size_t)count, sizeof(Origin), by_origin) != NULL;
}

/* The space of a text object pdfium gave no character (pdfium_objects.py explains why it matters), as
 * a char dict of text " ", or Py_None if there is none or it is outside the boxes. */
static PyObject *left_out_space(Handle obj, Affine outer, int top_level, Handle textpage, const Placement *p,
                                const Box *boxes, Py_ssize_t count, const Origin *origins, Py_ssize_t origin_count,
                                PyObject *page_number, double doctop) {
    Matrix m;
    if (!pdfium.obj_get_matrix(obj, &m))
        Py_RETURN_NONE;
    Affine t = multiply(of_matrix(m), outer);
    float size;
    if (!pdfium.textobj_get_font_size(obj, &size))
        Py_RETURN_NONE;
    double reach = (double)size * (fabs(t.a) + fabs(t.b) + fabs(t.c) + fabs(t.d));
    if (!near_any(t.e + p->x_shift, top_of(p, t.f), reach, boxes, count))
        Py_RETURN_NONE;
    Handle font = pdfium.textobj_get_font(obj);
    float ascent, descent;
    if (!font || !pdfium.font_get_ascent(font, size, &ascent) || !pdfium.font_get_descent(font, size, &descent)
            || ascent == descent)
        Py_RETURN_NONE;
    double scale = (double)size / ((double)ascent - (double)descent);
    double low = descent * scale, high = ascent * scale;
    double xa = t.c * low + t.e, xb = t.c * high + t.e, ya = t.d * low + t.f, yb = t.d * high + t.f;
    double left = py_min(xa, xb) + p->x_shift, right = py_max(xa, xb) + p->x_shift;
    double top = top_of(p, py_max(ya, yb)), bottom = top_of(p, py_min(ya, yb));
    if (!inside((left + right) / 2, (top + bottom) / 2, boxes, count))
        Py_RETURN_NONE;
    if (top_level ? has_origin(origins, origin_count, m.e, m.f) : pdfium.textobj_get_text(obj, textpage, NULL, 0) > 2)
        Py_RETURN_NONE;  /* it has text (textobj_get_text's length counts bytes and the terminating NUL) */
    return char_dict(PyUnicode_FromOrdinal(' '), left, right, top, bottom, t.a * t.d > 0 && t.b * t.c <= 0,
                     page_number, doctop);
}

static PyObject *chars(PyObject *self, PyObject *args) {
    PyObject *textpage_int, *ctm_tuple, *within, *near_tuple, *text_objects, *page_number;
    Placement place;
    Affine ctm;
    double near_x0, near_y0, near_x1, near_y1, doctop;
    if (!check_bound() || !PyArg_ParseTuple(args, "OO!dddO!O!O!O!d", &textpage_int, &PyTuple_Type, &ctm_tuple,
                                            &place.height, &place.x_shift, &place.top_shift, &PyList_Type, &within,
                                            &PyTuple_Type, &near_tuple, &PyList_Type, &text_objects, &PyLong_Type,
                                            &page_number, &doctop)
            || !parse_affine(ctm_tuple, &ctm)
            || !PyArg_ParseTuple(near_tuple, "dddd", &near_x0, &near_y0, &near_x1, &near_y1))
        return NULL;
    Handle textpage = PyLong_AsVoidPtr(textpage_int);
    if (textpage == NULL)
        return PyErr_Occurred() ? NULL : PyErr_Format(PyExc_ValueError, "no text page");
    Py_ssize_t count = PyList_GET_SIZE(within);
    Origin *origins = NULL;
    Box *boxes = PyMem_New(Box, count ? count : 1);
    if (boxes == NULL)
        return PyErr_NoMemory();
    PyObject *found = PyList_New(0);
    if (found == NULL)
        goto failed;
    for (Py_ssize_t i = 0; i < count; i++) {
        Box *box = &boxes[i];
        if (!PyArg_ParseTuple(PyList_GET_ITEM(within, i), "dddd", &box->x0, &box->top, &box->x1, &box->bottom))
            goto failed;
    }
    int characters = pdfium.text_count_chars(textpage);
    origins = PyMem_New(Origin, characters > 0 ? characters : 1);
    Py_ssize_t origin_count = 0;
    if (origins == NULL) {
        PyErr_NoMemory();
        goto failed;
    }
    RectF rect = {0, 0, 0, 0};
    Matrix m = {0, 0, 0, 0, 0, 0};
    for (int i = 0, pair = 0; i < characters; i += 1 + pair) {
        unsigned int code = pdfium.text_get_unicode(textpage, (int)i);
        pair = 0;  /* a character beyond the BMP, which pdfium gives as two halves (a ToUnicode map's UTF-16) */
        if (code >= 0xD800 && code <= 0xDBFF && i + 1 < characters) {
            unsigned int low = pdfium.text_get_unicode(textpage, i + 1);
            if (low >= 0xDC00 && low <= 0xDFFF) {
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                pair = 1;
            }
        }
        if ((code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF)
            code = 0xFFFD;  /* a lone half or no character at all: the replacement character, never invalid text */
        if (code == '\r' || code == '\n' || (code == ' ' && pdfium.text_is_generated(textpage, i)))
            continue;  /* pdfium's own line breaks and spaces: nothing printed there */
        Origin *origin = &origins[origin_count];
        if (pdfium.text_get_char_origin(textpage, i, &origin->x, &origin->y) && isfinite(origin->x)
                && isfinite(origin->y))
            origin_count++;
        pdfium.text_get_loose_char_box(textpage, i, &rect);
        double box_left = rect.left, box_top = rect.top, box_right = rect.right, box_bottom = rect.bottom;
        double middle_x = (box_left + box_right) / 2, middle_y = (box_top + box_bottom) / 2;
        if (!(near_x0 <= middle_x && middle_x <= near_x1 && near_y0 <= middle_y && middle_y <= near_y1))
            continue;
        /* pdfminer's transformation of the two corners, then pdfplumber's flip */
        double x0 = ctm.a * box_left + ctm.c * box_bottom + ctm.e, x1 = ctm.a * box_right + ctm.c * box_top + ctm.e;
        double y0 = ctm.b * box_left + ctm.d * box_bottom + ctm.f, y1 = ctm.b * box_right + ctm.d * box_top + ctm.f;
        double left = x0 <= x1 ? x0 : x1, right = x0 <= x1 ? x1 : x0;
        double low = y0 <= y1 ? y0 : y1, high = y0 <= y1 ? y1 : y0;
        left = left + place.x_shift;
        right = right + place.x_shift;
        double top = top_of(&place, high), bottom = top_of(&place, low);
        if (!inside((left + right) / 2, (top + bottom) / 2, boxes, count))
            continue;
        pdfium.text_get_matrix(textpage, i, &m);
        double u_a = (double)m.a * ctm.a + (double)m.b * ctm.c, u_b = (double)m.a * ctm.b + (double)m.b * ctm.d;
        double u_c = (double)m.c * ctm.a + (double)m.d * ctm.c, u_d = (double)m.c * ctm.b + (double)m.d * ctm.d;
        Py_UCS4 printed = code == 0x02 ? '-' : (Py_UCS4)code;  /* pdfium's line-end hyphen mark is the "-" printed */
        if (append_new(found, char_dict(PyUnicode_FromOrdinal((int)printed), left, right, top, bottom,
                                        u_a * u_d > 0 && u_b * u_c <= 0, page_number, doctop)))
            goto failed;
    }
    qsort(origins, (size_t)origin_count, sizeof(Origin), by_origin);
    Py_ssize_t objects = PyList_GET_SIZE(text_objects);
    for (Py_ssize_t i = 0; i < objects; i++) {
        PyObject *entry = PyList_GET_ITEM(text_objects, i), *obj_int, *outer_tuple;
        Affine outer;
        int top_level;
        if (!PyArg_ParseTuple(entry, "OO!p", &obj_int, &PyTuple_Type, &outer_tuple, &top_level)
                || !parse_affine(outer_tuple, &outer))
            goto failed;
        Handle obj = PyLong_AsVoidPtr(obj_int);
        if (obj == NULL && PyErr_Occurred())
            goto failed;
        PyObject *space = left_out_space(obj, outer, top_level, textpage, &place, boxes, count, origins, origin_count,
                                         page_number, doctop);
        if (space == NULL)
            goto failed;
        if (space == Py_None)
            Py_DECREF(space);
        else if (append_new(found, space))
            goto failed;
    }
    PyMem_Free(boxes);
    PyMem_Free(origins);
    return found;
failed:
    PyMem_Free(boxes);
    PyMem_Free(origins);
    Py_XDECREF(found);
    return NULL;
}

static PyMethodDef methods[] = {
    {"bind", bind, METH_VARARGS, "bind(addresses): the PDFium functions to call, in the order of FUNCTIONS."},
    {"rules", rules, METH_VARARGS,
     "rules(page, thickness, max_depth) -> (horizontal [(y, x0, x1)], vertical [(x, y0, y1)]): thin paths."},
    {"edges", edges, METH_VARARGS,
     "edges(page, ctm, height, x_shift, top_shift, max_depth) -> (packed, paths, text_objects): the rectangles' edges "
     "packed (5 doubles each), (edges before it, path, outer matrix) for every other path, (text object, outer "
     "matrix) for each text object."},
    {"merge_edges", merge_edges, METH_VARARGS,
     "merge_edges(packed, snap, join, min_length) -> [(orientation, x0, top, x1, bottom)]: pdfplumber's "
     "filter_edges, snap_edges and join_edge_group on packed edges (5 doubles each, orientation 0 h, 1 v)."},
    {"chars", chars, METH_VARARGS,
     "chars(textpage, ctm, height, x_shift, top_shift, within, near, text_objects, page_number, doctop) -> [char "
     "dict]: pdfplumber's chars whose middle is in a box of within, then the spaces pdfium left out."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_pdfium_pages", NULL, -1, methods};

PyMODINIT_FUNC PyInit__pdfium_pages(void) {
    for (int i = 0; i < KEYS; i++)
        if ((keys[i] = PyUnicode_InternFromString(key_names[i])) == NULL)
            return NULL;
    if ((char_type = PyUnicode_InternFromString("char")) == NULL)
        return NULL;
    return PyModule_Create(&module);
}
