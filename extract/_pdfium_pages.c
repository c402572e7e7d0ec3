/* A page's rules, edges and characters read through PDFium in C: the loops of extract/vote_tables.py's
 * read_rules and extract/pdfium_objects.py's page_objects and page_chars, which make a few PDFium calls
 * for every object or character of a page (thousands on a page of the Quito actas; through ctypes each
 * costs about a microsecond).
 *
 * No PDFium header or library at build time: bind() is given the addresses of the PDFium functions of
 * the library pypdfium2 has loaded (the same library, so the handles it gives are valid here). Handles
 * are passed in and out as Python integers. The arithmetic is the Python code's, in the same order and
 * in double precision from PDFium's floats, so the values are the same to the last bit (built with
 * -ffp-contract=off: no fused multiply-add).
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>

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
} pdfium;

#define FUNCTIONS 19
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

typedef struct {
    Placement place;
    int max_depth;
    PyObject *items;         /* edges (orientation, x0, top, x1, bottom), and (path, outer) for other paths */
    PyObject *text_objects;  /* (text object, outer) */
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
    return append_new(walk->items, Py_BuildValue("(sdddd)", "h", x0, top, x1, top))
        || append_new(walk->items, Py_BuildValue("(sdddd)", "h", x0, below, x1, below))
        || append_new(walk->items, Py_BuildValue("(sdddd)", "v", x0, top, x0, bottom))
        || append_new(walk->items, Py_BuildValue("(sdddd)", "v", x1, top, x1, bottom));
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
                if (rect_edges(walk, xa < xb ? xa : xb, ya < yb ? ya : yb, xa < xb ? xb : xa, ya < yb ? yb : ya))
                    return -1;
            } else if (append_new(walk->items, Py_BuildValue("(NN)", PyLong_FromVoidPtr(obj), affine_tuple(outer)))) {
                return -1;
            }
        } else if (kind == OBJ_TEXT) {
            if (append_new(walk->text_objects, Py_BuildValue("(NN)", PyLong_FromVoidPtr(obj), affine_tuple(outer))))
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
    EdgesWalk walk;
    PyObject *page, *ctm_tuple;
    Affine ctm;
    if (!check_bound() || !PyArg_ParseTuple(args, "OO!dddi", &page, &PyTuple_Type, &ctm_tuple, &walk.place.height,
                                            &walk.place.x_shift, &walk.place.top_shift, &walk.max_depth)
            || !parse_affine(ctm_tuple, &ctm))
        return NULL;
    Handle raw = PyLong_AsVoidPtr(page);
    if (raw == NULL)
        return PyErr_Occurred() ? NULL : PyErr_Format(PyExc_ValueError, "no page");
    walk.items = PyList_New(0);
    walk.text_objects = PyList_New(0);
    if (walk.items && walk.text_objects && visit_edges(&walk, raw, 0, ctm, 0) == 0)
        return Py_BuildValue("(NN)", walk.items, walk.text_objects);
    Py_XDECREF(walk.items);
    Py_XDECREF(walk.text_objects);
    return NULL;
}

/* --- characters (extract/pdfium_objects.py page_chars) --------------------------------------------- */

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

/* The space of a text object pdfium gave no character (pdfium_objects.py explains why it matters), as
 * (" ", left, right, top, bottom, upright), or Py_None if there is none or it is outside the boxes. */
static PyObject *left_out_space(Handle obj, Affine outer, Handle textpage, const Placement *p,
                                const Box *boxes, Py_ssize_t count) {
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
    double left = (xa < xb ? xa : xb) + p->x_shift, right = (xa < xb ? xb : xa) + p->x_shift;
    double top = top_of(p, ya < yb ? yb : ya), bottom = top_of(p, ya < yb ? ya : yb);
    if (!inside((left + right) / 2, (top + bottom) / 2, boxes, count))
        Py_RETURN_NONE;
    /* pdfium finds an object's text by going over the text page's characters: asked last */
    if (pdfium.textobj_get_text(obj, textpage, NULL, 0) > 2)  /* bytes, with the terminating NUL */
        Py_RETURN_NONE;
    return Py_BuildValue("(sddddO)", " ", left, right, top, bottom, (t.a * t.d > 0 && t.b * t.c <= 0) ? Py_True : Py_False);
}

static PyObject *chars(PyObject *self, PyObject *args) {
    PyObject *textpage_int, *ctm_tuple, *within, *near_tuple, *text_objects;
    Placement place;
    Affine ctm;
    double near_x0, near_y0, near_x1, near_y1;
    if (!check_bound() || !PyArg_ParseTuple(args, "OO!dddO!O!O!", &textpage_int, &PyTuple_Type, &ctm_tuple, &place.height,
                                            &place.x_shift, &place.top_shift, &PyList_Type, &within, &PyTuple_Type,
                                            &near_tuple, &PyList_Type, &text_objects)
            || !parse_affine(ctm_tuple, &ctm)
            || !PyArg_ParseTuple(near_tuple, "dddd", &near_x0, &near_y0, &near_x1, &near_y1))
        return NULL;
    Handle textpage = PyLong_AsVoidPtr(textpage_int);
    if (textpage == NULL)
        return PyErr_Occurred() ? NULL : PyErr_Format(PyExc_ValueError, "no text page");
    Py_ssize_t count = PyList_GET_SIZE(within);
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
    RectF rect = {0, 0, 0, 0};
    Matrix m = {0, 0, 0, 0, 0, 0};
    for (int i = 0; i < characters; i++) {
        unsigned int code = pdfium.text_get_unicode(textpage, (int)i);
        if (code == '\r' || code == '\n' || (code == ' ' && pdfium.text_is_generated(textpage, i)))
            continue;  /* pdfium's own line breaks and spaces: nothing printed there */
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
        PyObject *text = PyUnicode_FromOrdinal((int)printed);
        if (text == NULL
                || append_new(found, Py_BuildValue("(NddddO)", text, left, right, top, bottom,
                                                   (u_a * u_d > 0 && u_b * u_c <= 0) ? Py_True : Py_False)))
            goto failed;
    }
    Py_ssize_t objects = PyList_GET_SIZE(text_objects);
    for (Py_ssize_t i = 0; i < objects; i++) {
        PyObject *entry = PyList_GET_ITEM(text_objects, i), *obj_int, *outer_tuple;
        Affine outer;
        if (!PyArg_ParseTuple(entry, "OO!", &obj_int, &PyTuple_Type, &outer_tuple) || !parse_affine(outer_tuple, &outer))
            goto failed;
        Handle obj = PyLong_AsVoidPtr(obj_int);
        if (obj == NULL && PyErr_Occurred())
            goto failed;
        PyObject *space = left_out_space(obj, outer, textpage, &place, boxes, count);
        if (space == NULL)
            goto failed;
        if (space == Py_None)
            Py_DECREF(space);
        else if (append_new(found, space))
            goto failed;
    }
    PyMem_Free(boxes);
    return found;
failed:
    PyMem_Free(boxes);
    Py_XDECREF(found);
    return NULL;
}

static PyMethodDef methods[] = {
    {"bind", bind, METH_VARARGS, "bind(addresses): the PDFium functions to call, in the order of FUNCTIONS."},
    {"rules", rules, METH_VARARGS,
     "rules(page, thickness, max_depth) -> (horizontal [(y, x0, x1)], vertical [(x, y0, y1)]): thin paths."},
    {"edges", edges, METH_VARARGS,
     "edges(page, ctm, height, x_shift, top_shift, max_depth) -> (items, text_objects): rectangle edges, and "
     "(path, outer matrix) for every other path, in page order; (text object, outer matrix) for each text object."},
    {"chars", chars, METH_VARARGS,
     "chars(textpage, ctm, height, x_shift, top_shift, within, near, text_objects) -> [(text, x0, x1, top, bottom, "
     "upright)]: the characters whose middle is in a box of within, then the spaces pdfium left out."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_pdfium_pages", NULL, -1, methods};

PyMODINIT_FUNC PyInit__pdfium_pages(void) { return PyModule_Create(&module); }
