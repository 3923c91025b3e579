/*
 * The Forest's walkers over the compact layout (forest.h): one row from a list, one row whose
 * vector is gathered from a row dict (an assembler feeding the forest), and a batch in 8-row
 * lanes, on several threads for large batches.
 *
 * Bit-identical to the pure-Python walkers (snowleap/ops/tree/walk.py, batch.py): the same
 * comparisons (x <= threshold; category membership as a binary search for an equal value) and
 * the same summation order (0.0, then tree after tree). Built with -ffp-contract=off and no
 * fast-math, so no multiply-add is fused and no sum reordered. Standard CPython API only.
 */
#include "forest.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Whether `value` is in searched set `set`: a binary search for an equal value. */
static int searched_member(const Forest *f, int set, double value) {
    int low = f->set_start[set], high = f->set_start[set + 1];
    const int stop = high;
    while (low < high) {
        const int middle = low + (high - low) / 2;
        if (f->set_values[middle] < value)
            low = middle + 1;
        else
            high = middle;
    }
    return low < stop && f->set_values[low] == value;
}

/* The child row `x` moves to from internal node `node`: one split, walk.py's `reach` step.
 * The way a row goes is a choice (the compiler's conditional move), not a branch the CPU
 * must guess; only the kind of split is (continuous, bitset, searched set). */
static inline int step(const Forest *f, const double *x, int node) {
    const PackedNode *n = &f->nodes[node];
    const double value = x[n->feature];
    const int is_left = (n->flags & NODE_SET_IS_LEFT) != 0;
    int go_left;
    if (n->flags == 0) {
        go_left = value <= n->bound;
    } else if (n->flags & NODE_BITSET) {
        /* NOTE: NaN fails the range test; -0.0 is 0; a fraction is no whole number. Outside
         * the range the slot read is 0, in bounds: no branch but the one on the split's kind. */
        const int in_range = (value >= 0.0) & (value < n->bound);
        const double slot = in_range ? value : 0.0;
        const int k = (int)slot;
        const int bit = (int)((f->bits[n->bit_start + k / 64] >> (k % 64)) & 1);
        const int member = in_range & ((double)k == slot) & bit;
        go_left = member == is_left;
    } else {
        go_left = searched_member(f, n->set, value) == is_left;
    }
    return go_left ? n->left : n->right;
}

/* The leaf row `x` reaches from `node` (a tree's root reference). */
static inline Py_ssize_t reach(const Forest *f, const double *x, int node) {
    while (node >= 0) node = step(f, x, node);
    return ~(Py_ssize_t)node;
}

enum { LANES = 8 };

/* The leaves rows [block, end) reach from `root`, LANES rows walked side by side: their
 * independent loads and compares overlap in the CPU instead of waiting on one another. */
static void reach_block(const Forest *f, const double *x, Py_ssize_t stride, Py_ssize_t tree,
                        Py_ssize_t block, Py_ssize_t end, Py_ssize_t *leaves) {
    const int root = f->roots[tree], steps = f->tree_steps[tree];
    const int sure = f->tree_min_steps[tree];
    Py_ssize_t r = block;
    for (; r + LANES <= end; r += LANES) {
        int node[LANES];
        for (int j = 0; j < LANES; j++) node[j] = root;
        /* NOTE: no row reaches a leaf in fewer than `sure` steps: those need no leaf test. */
        for (int s = 0; s < sure; s++)
            for (int j = 0; j < LANES; j++) node[j] = step(f, x + (r + j) * stride, node[j]);
        /* NOTE: then every lane steps at once, up to the tree's depth or until all are at
         * leaves: a lane at its leaf steps node 0 and keeps its leaf (a choice, not a branch). */
        for (int s = sure; s < steps; s++) {
            int leaves_only = -1; /* the sign bit stays set while every lane is at a leaf */
            for (int j = 0; j < LANES; j++) {
                const int at = node[j];
                const int next = step(f, x + (r + j) * stride, at >= 0 ? at : 0);
                node[j] = at >= 0 ? next : at;
                leaves_only &= node[j];
            }
            if (leaves_only < 0) break;
        }
        for (int j = 0; j < LANES; j++) leaves[r - block + j] = ~(Py_ssize_t)node[j];
    }
    for (; r < end; r++) leaves[r - block] = reach(f, x + r * stride, root);
}

/* Rows [start, stop) of `x` (`stride` values a row) into `out` (`width` values a row). */
static void walk_rows(const Forest *f, const double *x, Py_ssize_t stride, double *out,
                      Py_ssize_t start, Py_ssize_t stop) {
    const int width = f->width;
    Py_ssize_t leaves[ROW_BLOCK];
    for (Py_ssize_t block = start; block < stop; block += ROW_BLOCK) {
        const Py_ssize_t end = block + ROW_BLOCK < stop ? block + ROW_BLOCK : stop;
        if (f->combine == COMBINE_FIRST) {
            reach_block(f, x, stride, 0, block, end, leaves);
            for (Py_ssize_t r = block; r < end; r++)
                memcpy(out + r * width, f->outputs + leaves[r - block] * width,
                       sizeof(double) * (size_t)width);
            continue;
        }
        for (Py_ssize_t r = block; r < end; r++)
            for (int k = 0; k < width; k++) out[r * width + k] = 0.0;
        /* NOTE: tree after tree onto each row's totals: walk.py's order of additions. */
        for (Py_ssize_t t = 0; t < f->trees; t++) {
            reach_block(f, x, stride, t, block, end, leaves);
            if (f->combine == COMBINE_DOT) {
                const double weight = f->weights[t];
                for (Py_ssize_t r = block; r < end; r++) {
                    const double product = f->outputs[leaves[r - block]] * weight;
                    out[r] += product;
                }
            } else {
                for (Py_ssize_t r = block; r < end; r++) {
                    const double *leaf = f->outputs + leaves[r - block] * width;
                    double *total = out + r * width;
                    for (int k = 0; k < width; k++) total[k] += leaf[k];
                }
            }
        }
    }
}

/* Python numbers into doubles, as float() takes them; -1 with an exception set. */
static int to_doubles(PyObject *const *values, Py_ssize_t count, double *x) {
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *value = values[i];
        x[i] = PyFloat_CheckExact(value) ? PyFloat_AS_DOUBLE(value) : PyFloat_AsDouble(value);
        if (x[i] == -1.0 && PyErr_Occurred()) return -1;
    }
    return 0;
}

/* One row's combined outputs into `totals` (`width` values); -1 with an exception set. */
static int row_totals(Forest *self, PyObject *row, double *totals) {
    PyObject *items = PySequence_Fast(row, "a row's features must be a list or tuple");
    if (items == NULL) return -1;
    const Py_ssize_t count = PySequence_Fast_GET_SIZE(items);
    int status = -1;
    if (count < self->num_features) {
        PyErr_Format(PyExc_IndexError, "the row has %zd features, the trees read %d", count,
                     self->num_features);
        Py_DECREF(items);
        return -1;
    }
    double local[256];
    double *x = count <= 256 ? local : PyMem_Malloc(sizeof(double) * (size_t)count);
    if (x == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if (to_doubles(PySequence_Fast_ITEMS(items), count, x) < 0) goto done;
    walk_rows(self, x, 0, totals, 0, 1);
    status = 0;
done:
    if (x != local) PyMem_Free(x);
    Py_DECREF(items);
    return status;
}

/* `width` totals as a new list of floats. */
static PyObject *totals_list(const Forest *self, const double *totals) {
    PyObject *result = PyList_New(self->width);
    for (int k = 0; result != NULL && k < self->width; k++) {
        PyObject *number = PyFloat_FromDouble(totals[k]);
        if (number == NULL) {
            Py_CLEAR(result);
            break;
        }
        PyList_SET_ITEM(result, k, number);
    }
    return result;
}

static PyObject *forest_row(Forest *self, PyObject *row) {
    double totals_local[16];
    double *totals =
        self->width <= 16 ? totals_local : PyMem_Malloc(sizeof(double) * (size_t)self->width);
    if (totals == NULL) return PyErr_NoMemory();
    PyObject *result = row_totals(self, row, totals) == 0 ? totals_list(self, totals) : NULL;
    if (totals != totals_local) PyMem_Free(totals);
    return result;
}

/* The first combined output over `divisor` (a forest's mean): one float, no list. */
static PyObject *forest_first(Forest *self, PyObject *row) {
    double totals_local[16];
    double *totals =
        self->width <= 16 ? totals_local : PyMem_Malloc(sizeof(double) * (size_t)self->width);
    if (totals == NULL) return PyErr_NoMemory();
    PyObject *result = NULL;
    if (row_totals(self, row, totals) == 0) result = PyFloat_FromDouble(totals[0] / self->divisor);
    if (totals != totals_local) PyMem_Free(totals);
    return result;
}

/* A row's `width` features read from `pieces` ((column, n): n 0 a scalar, else a list of n)
 * into `x`, their values also into `assembled` (a new list of `width`, or NULL): 1; 0 when the
 * row is not in that common shape (a missing column, another vector type or width); -1 with an
 * exception set. */
static int gather(PyObject *row, PyObject *pieces, Py_ssize_t width, double *x,
                  PyObject *assembled) {
    Py_ssize_t at = 0;
    const Py_ssize_t count = PyTuple_GET_SIZE(pieces);
    for (Py_ssize_t p = 0; p < count; p++) {
        PyObject *piece = PyTuple_GET_ITEM(pieces, p);
        PyObject *value = PyDict_GetItemWithError(row, PyTuple_GET_ITEM(piece, 0));
        if (value == NULL) return PyErr_Occurred() ? -1 : 0;
        const Py_ssize_t n = PyLong_AsSsize_t(PyTuple_GET_ITEM(piece, 1));
        PyObject *const *items = &value;
        Py_ssize_t taken = 1;
        if (n > 0) {
            if (!PyList_CheckExact(value) || PyList_GET_SIZE(value) != n) return 0;
            items = PySequence_Fast_ITEMS(value);
            taken = n;
        }
        if (at + taken > width) return 0;
        if (to_doubles(items, taken, x + at) < 0) return -1;
        if (assembled != NULL)
            for (Py_ssize_t i = 0; i < taken; i++)
                PyList_SET_ITEM(assembled, at + i, Py_NewRef(items[i]));
        at += taken;
    }
    return at == width;
}

/* The combined outputs of a row dict's features into `totals` (`width` values): the features
 * gathered from `pieces` (see gather), row[name] = their list unless `name` is None. 1; 0 when
 * the row is of another shape (nothing stored); -1 with an exception set. */
static int assembled_totals(Forest *self, PyObject *pieces, PyObject *name, Py_ssize_t width,
                            PyObject *row, double *totals) {
    double local[256];
    double *x = width <= 256 ? local : PyMem_Malloc(sizeof(double) * (size_t)width);
    PyObject *assembled = name == Py_None ? NULL : PyList_New(width);
    int status = -1;
    if (x == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if (name != Py_None && assembled == NULL) goto done;
    status = width >= self->num_features ? gather(row, pieces, width, x, assembled) : 0;
    if (status != 1) goto done;
    walk_rows(self, x, 0, totals, 0, 1);
    if (assembled != NULL && PyDict_SetItem(row, name, assembled) < 0) status = -1;
done:
    Py_XDECREF(assembled);
    if (x != local) PyMem_Free(x);
    return status;
}

static int assembled_arguments(PyObject *const *args, Py_ssize_t nargs, Py_ssize_t expected,
                               Py_ssize_t *width) {
    if (nargs != expected || !PyTuple_CheckExact(args[0]) || !PyLong_CheckExact(args[2]) ||
        !PyDict_CheckExact(args[expected - 1])) {
        PyErr_SetString(PyExc_TypeError, "(pieces, assembled, width, ..., row) expected");
        return -1;
    }
    *width = PyLong_AsSsize_t(args[2]);
    return *width < 0 ? -1 : 0;
}

/*
 * assembled_first(pieces, assembled, width, target, fallback, row): a forest's mean straight
 * from a row dict (see assembled_totals): row[target] = the first combined output over the
 * divisor. A row of another shape goes to fallback(row), the same steps in Python (which word
 * errors). One C call for a vector assembler and a tree regressor together.
 */
static PyObject *forest_assembled_first(Forest *self, PyObject *const *args, Py_ssize_t nargs) {
    Py_ssize_t width;
    if (assembled_arguments(args, nargs, 6, &width) < 0) return NULL;
    double totals_local[16];
    double *totals =
        self->width <= 16 ? totals_local : PyMem_Malloc(sizeof(double) * (size_t)self->width);
    if (totals == NULL) return PyErr_NoMemory();
    PyObject *result = NULL, *mean = NULL;
    const int shaped = assembled_totals(self, args[0], args[1], width, args[5], totals);
    if (shaped == 0) result = PyObject_CallOneArg(args[4], args[5]);
    if (shaped == 1 && (mean = PyFloat_FromDouble(totals[0] / self->divisor)) != NULL &&
        PyDict_SetItem(args[5], args[3], mean) == 0)
        result = Py_NewRef(Py_None);
    Py_XDECREF(mean);
    if (totals != totals_local) PyMem_Free(totals);
    return result;
}

/*
 * assembled_row(pieces, assembled, width, row): row's combined outputs (a new list, as row()
 * gives) from a row dict (see assembled_totals), or None for a row of another shape, which the
 * caller scores in Python. For a vector assembler and a tree classifier together.
 */
static PyObject *forest_assembled_row(Forest *self, PyObject *const *args, Py_ssize_t nargs) {
    Py_ssize_t width;
    if (assembled_arguments(args, nargs, 4, &width) < 0) return NULL;
    double totals_local[16];
    double *totals =
        self->width <= 16 ? totals_local : PyMem_Malloc(sizeof(double) * (size_t)self->width);
    if (totals == NULL) return PyErr_NoMemory();
    const int shaped = assembled_totals(self, args[0], args[1], width, args[3], totals);
    PyObject *result = shaped == 0 ? Py_NewRef(Py_None) : NULL;
    if (shaped == 1) result = totals_list(self, totals);
    if (totals != totals_local) PyMem_Free(totals);
    return result;
}

typedef struct {
    const Forest *forest;
    const double *x;
    Py_ssize_t stride;
    double *out;
    Py_ssize_t start, stop;
} Share;

static void *walk_share(void *argument) {
    const Share *share = argument;
    walk_rows(share->forest, share->x, share->stride, share->out, share->start, share->stop);
    return NULL;
}

static PyObject *forest_batch(Forest *self, PyObject *args) {
    PyObject *features, *output;
    Py_ssize_t rows, stride;
    int threads;
    if (!PyArg_ParseTuple(args, "OnnOi", &features, &rows, &stride, &output, &threads))
        return NULL;
    Py_buffer in, out;
    if (PyObject_GetBuffer(features, &in, PyBUF_C_CONTIGUOUS) < 0) return NULL;
    if (PyObject_GetBuffer(output, &out, PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE) < 0) {
        PyBuffer_Release(&in);
        return NULL;
    }
    PyObject *result = NULL;
    if (rows < 0 || stride < self->num_features ||
        in.len != (Py_ssize_t)sizeof(double) * rows * stride ||
        out.len != (Py_ssize_t)sizeof(double) * rows * self->width) {
        PyErr_SetString(PyExc_ValueError, "batch buffers do not fit the rows and the trees");
        goto done;
    }
    Share shares[2] = {{self, in.buf, stride, out.buf, 0, rows}, {0}};
    int started = 0;
    Py_BEGIN_ALLOW_THREADS;
    if (threads >= 2 && rows >= 2) {
        pthread_t helper;
        shares[1] = shares[0];
        shares[0].stop = shares[1].start = rows / 2;
        started = pthread_create(&helper, NULL, walk_share, &shares[1]) == 0;
        walk_share(&shares[0]);
        if (started)
            pthread_join(helper, NULL);
        else
            walk_share(&shares[1]);
    } else {
        walk_share(&shares[0]);
    }
    Py_END_ALLOW_THREADS;
    result = Py_NewRef(Py_None);
done:
    PyBuffer_Release(&in);
    PyBuffer_Release(&out);
    return result;
}

static PyMethodDef forest_methods[] = {
    {"row", (PyCFunction)forest_row, METH_O,
     "row(features) -> the combined outputs of one row (a new list)"},
    {"first", (PyCFunction)forest_first, METH_O,
     "first(features) -> the first combined output of one row over the divisor (a float)"},
    {"assembled_first", (PyCFunction)(void (*)(void))forest_assembled_first, METH_FASTCALL,
     "assembled_first(pieces, assembled, width, target, fallback, row): a row dict's mean"},
    {"assembled_row", (PyCFunction)(void (*)(void))forest_assembled_row, METH_FASTCALL,
     "assembled_row(pieces, assembled, width, row): a row dict's combined outputs, or None"},
    {"batch", (PyCFunction)forest_batch, METH_VARARGS,
     "batch(features, rows, stride, out, threads): the combined outputs of every row into out"},
    {NULL, NULL, 0, NULL},
};

TW_INTERNAL PyTypeObject ForestType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "snowleap._treewalk.Forest",
    .tp_basicsize = sizeof(Forest),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The trees of one model over its compact layout's buffers.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)forest_init,
    .tp_dealloc = (destructor)forest_dealloc,
    .tp_methods = forest_methods,
};
