/*
 * snowleap._treewalk: the compiled tree walker over snowleap's compact tree layout
 * (snowleap/ops/tree/layout.py), and a decoder of canonical tree.pb files into that layout.
 *
 * Bit-identical to the pure-Python walkers (snowleap/ops/tree/walk.py, batch.py): the same
 * comparisons (x <= threshold; category membership as a binary search for an equal value) and
 * the same summation order (0.0, then tree after tree). Built with -ffp-contract=off and no
 * fast-math, so no multiply-add is fused and no sum reordered. Standard CPython API only.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { COMBINE_FIRST = 0, COMBINE_SUM = 1, COMBINE_DOT = 2 };
enum { VIEW_COUNT = 11 };
/* Rows walked through one tree before the next tree: the block's outputs stay in cache. */
enum { ROW_BLOCK = 256 };

typedef struct {
    PyObject_HEAD
    Py_buffer views[VIEW_COUNT];
    int held;
    int num_features;
    int width;
    int combine;
    double divisor;
    Py_ssize_t trees, internal, leaves, sets, set_values_count;
    const int *roots, *feature, *left, *right, *split_set, *set_start, *set_is_left;
    const double *threshold, *set_values, *outputs, *weights;
    /* Sets of small whole numbers (category indexes) also as bitsets: bit k of set s is
     * bits[bit_start[s] + k / 64]; bit_limit[s] is one past its largest member, 0 for a set
     * searched instead. Same answers as the search: a value is a member iff it equals one. */
    uint64_t *bits;
    int *bit_start, *bit_limit;
    /* Each internal node packed in one 32-byte record (one cache line holds two), and the
     * steps from each tree's root to its deepest leaf: built at init from the arrays above. */
    struct PackedNode *nodes;
    int *tree_steps, *tree_min_steps;
} Forest;

enum { NODE_BITSET = 1, NODE_SEARCHED = 2, NODE_SET_IS_LEFT = 4 };

/* `bound`: a continuous split's threshold, or one past a bitset's largest member. */
typedef struct PackedNode {
    double bound;
    int feature, left, right, bit_start, flags, set;
} PackedNode;

static void forest_release(Forest *self) {
    for (int i = 0; i < self->held; i++) PyBuffer_Release(&self->views[i]);
    self->held = 0;
}

static void forest_free_bits(Forest *self) {
    PyMem_Free(self->bits);
    PyMem_Free(self->bit_start);
    PyMem_Free(self->bit_limit);
    PyMem_Free(self->nodes);
    PyMem_Free(self->tree_steps);
    PyMem_Free(self->tree_min_steps);
    self->tree_min_steps = NULL;
    self->bits = NULL;
    self->bit_start = self->bit_limit = NULL;
    self->nodes = NULL;
    self->tree_steps = NULL;
}

enum { MAX_BITSET = 4096 };

static int forest_pack(Forest *self);

static int forest_build_bits(Forest *self) {
    forest_free_bits(self);
    const Py_ssize_t sets = self->sets;
    self->bit_start = PyMem_Calloc((size_t)sets + 1, sizeof(int));
    self->bit_limit = PyMem_Calloc((size_t)sets + 1, sizeof(int));
    if (self->bit_start == NULL || self->bit_limit == NULL) return -1;
    Py_ssize_t words = 0;
    for (Py_ssize_t s = 0; s < sets; s++) {
        int limit = 0;
        for (int i = self->set_start[s]; i < self->set_start[s + 1]; i++) {
            const double v = self->set_values[i];
            if (!(v >= 0.0 && v < MAX_BITSET && v == (double)(int)v)) {
                limit = 0;
                break;
            }
            if ((int)v + 1 > limit) limit = (int)v + 1;
        }
        self->bit_start[s] = (int)words;
        self->bit_limit[s] = limit;
        words += (limit + 63) / 64;
    }
    self->bits = PyMem_Calloc((size_t)words + 1, sizeof(uint64_t));
    if (self->bits == NULL) return -1;
    for (Py_ssize_t s = 0; s < sets; s++)
        if (self->bit_limit[s] > 0)
            for (int i = self->set_start[s]; i < self->set_start[s + 1]; i++) {
                const int k = (int)self->set_values[i];
                self->bits[self->bit_start[s] + k / 64] |= (uint64_t)1 << (k % 64);
            }
    return forest_pack(self);
}

/* The packed nodes and each tree's steps, to its deepest and to its nearest leaf (children come
 * after their parents, so heights are known in one pass from the last node back; a node shared
 * by two parents is fine too). */
static int forest_pack(Forest *self) {
    const Py_ssize_t internal = self->internal;
    self->nodes = PyMem_Calloc((size_t)internal + 1, sizeof(PackedNode));
    self->tree_steps = PyMem_Calloc((size_t)self->trees + 1, sizeof(int));
    self->tree_min_steps = PyMem_Calloc((size_t)self->trees + 1, sizeof(int));
    int *height = PyMem_Calloc((size_t)internal + 1, sizeof(int));
    int *low = PyMem_Calloc((size_t)internal + 1, sizeof(int));
    if (self->nodes == NULL || self->tree_steps == NULL || self->tree_min_steps == NULL ||
        height == NULL || low == NULL) {
        PyMem_Free(height);
        PyMem_Free(low);
        return -1;
    }
    for (Py_ssize_t i = internal - 1; i >= 0; i--) {
        PackedNode *node = &self->nodes[i];
        node->feature = self->feature[i];
        node->left = self->left[i];
        node->right = self->right[i];
        node->bound = self->threshold[i];
        const int slot = self->split_set[i];
        if (slot > 0) {
            const int set = slot - 1;
            node->set = set;
            node->flags = self->set_is_left[set] == 1 ? NODE_SET_IS_LEFT : 0;
            if (self->bit_limit[set] > 0) {
                node->flags |= NODE_BITSET;
                node->bound = (double)self->bit_limit[set];
                node->bit_start = self->bit_start[set];
            } else {
                node->flags |= NODE_SEARCHED;
            }
        }
        const int below_left = node->left >= 0 ? height[node->left] : 0;
        const int below_right = node->right >= 0 ? height[node->right] : 0;
        height[i] = 1 + (below_left > below_right ? below_left : below_right);
        const int near_left = node->left >= 0 ? low[node->left] : 0;
        const int near_right = node->right >= 0 ? low[node->right] : 0;
        low[i] = 1 + (near_left < near_right ? near_left : near_right);
    }
    for (Py_ssize_t t = 0; t < self->trees; t++) {
        self->tree_steps[t] = self->roots[t] >= 0 ? height[self->roots[t]] : 0;
        self->tree_min_steps[t] = self->roots[t] >= 0 ? low[self->roots[t]] : 0;
    }
    PyMem_Free(height);
    PyMem_Free(low);
    return 0;
}

static void forest_dealloc(Forest *self) {
    forest_free_bits(self);
    forest_release(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* A read-only view of a contiguous buffer of `itemsize`-byte items; its item count. */
static Py_ssize_t hold(Forest *self, PyObject *source, Py_ssize_t itemsize, const char *what) {
    Py_buffer *view = &self->views[self->held];
    if (PyObject_GetBuffer(source, view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return -1;
    self->held++;
    if (view->itemsize != itemsize) {
        PyErr_Format(PyExc_TypeError, "%s: items of %zd bytes, expected %zd", what,
                     view->itemsize, itemsize);
        return -1;
    }
    return view->len / itemsize;
}

static int check_reference(const Forest *self, int reference, int parent) {
    if (reference >= 0) return reference < self->internal && reference > parent;
    return ~reference < self->leaves;
}

/* Everything a walk reads stays in bounds and every walk ends (children follow parents). */
static int forest_validate(Forest *self) {
    for (Py_ssize_t t = 0; t < self->trees; t++)
        if (!check_reference(self, self->roots[t], -1)) goto bad;
    for (Py_ssize_t i = 0; i < self->internal; i++) {
        if (self->feature[i] < 0 || self->feature[i] >= self->num_features) goto bad;
        if (!check_reference(self, self->left[i], (int)i)) goto bad;
        if (!check_reference(self, self->right[i], (int)i)) goto bad;
        if (self->split_set[i] < 0 || self->split_set[i] > self->sets) goto bad;
    }
    for (Py_ssize_t s = 0; s < self->sets; s++)
        if (self->set_start[s] < 0 || self->set_start[s] > self->set_start[s + 1] ||
            self->set_start[s + 1] > self->set_values_count)
            goto bad;
    return 0;
bad:
    PyErr_SetString(PyExc_ValueError, "the tree layout is inconsistent");
    return -1;
}

static int forest_init(Forest *self, PyObject *args, PyObject *kwargs) {
    PyObject *roots, *feature, *threshold, *left, *right, *split_set, *set_start, *set_values,
        *set_is_left, *outputs, *weights;
    int num_features, width, combine;
    static char *names[] = {"num_features", "roots", "feature", "threshold", "left", "right",
                            "split_set", "set_start", "set_values", "set_is_left", "outputs",
                            "width", "combine", "weights", "divisor", NULL};
    double divisor = 1.0;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "iOOOOOOOOOOiiO|d", names, &num_features,
                                     &roots, &feature, &threshold, &left, &right, &split_set,
                                     &set_start, &set_values, &set_is_left, &outputs, &width,
                                     &combine, &weights, &divisor))
        return -1;
    self->divisor = divisor;
    forest_release(self);
    self->num_features = num_features;
    self->width = width;
    self->combine = combine;
    Py_ssize_t n_feature, n_threshold, n_left, n_right, n_split, n_start, n_is_left, n_out,
        n_weights;
    if ((self->trees = hold(self, roots, sizeof(int), "roots")) < 0) return -1;
    self->roots = self->views[self->held - 1].buf;
    if ((n_feature = hold(self, feature, sizeof(int), "feature")) < 0) return -1;
    self->feature = self->views[self->held - 1].buf;
    if ((n_threshold = hold(self, threshold, sizeof(double), "threshold")) < 0) return -1;
    self->threshold = self->views[self->held - 1].buf;
    if ((n_left = hold(self, left, sizeof(int), "left")) < 0) return -1;
    self->left = self->views[self->held - 1].buf;
    if ((n_right = hold(self, right, sizeof(int), "right")) < 0) return -1;
    self->right = self->views[self->held - 1].buf;
    if ((n_split = hold(self, split_set, sizeof(int), "split_set")) < 0) return -1;
    self->split_set = self->views[self->held - 1].buf;
    if ((n_start = hold(self, set_start, sizeof(int), "set_start")) < 0) return -1;
    self->set_start = self->views[self->held - 1].buf;
    if ((self->set_values_count = hold(self, set_values, sizeof(double), "set_values")) < 0)
        return -1;
    self->set_values = self->views[self->held - 1].buf;
    if ((n_is_left = hold(self, set_is_left, sizeof(int), "set_is_left")) < 0) return -1;
    self->set_is_left = self->views[self->held - 1].buf;
    if ((n_out = hold(self, outputs, sizeof(double), "outputs")) < 0) return -1;
    self->outputs = self->views[self->held - 1].buf;
    if ((n_weights = hold(self, weights, sizeof(double), "weights")) < 0) return -1;
    self->weights = self->views[self->held - 1].buf;
    self->internal = n_feature;
    self->sets = n_is_left;
    if (width < 1 || combine < COMBINE_FIRST || combine > COMBINE_DOT || self->trees < 1 ||
        n_threshold != n_feature || n_left != n_feature || n_right != n_feature ||
        n_split != n_feature || n_start != n_is_left + 1 || n_out % width != 0 ||
        (combine == COMBINE_DOT && (width != 1 || n_weights != self->trees))) {
        PyErr_SetString(PyExc_ValueError, "the tree layout's arrays do not fit together");
        return -1;
    }
    self->leaves = n_out / width;
    if (forest_validate(self) < 0) return -1;
    if (forest_build_bits(self) < 0) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

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

static PyTypeObject ForestType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "snowleap._treewalk.Forest",
    .tp_basicsize = sizeof(Forest),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The trees of one model over its compact layout's buffers.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)forest_init,
    .tp_dealloc = (destructor)forest_dealloc,
    .tp_methods = forest_methods,
};

/* vote_shares(counts, width, out): leaf.py's vote_shares, into `out`. */
static PyObject *vote_shares(PyObject *Py_UNUSED(module), PyObject *args) {
    PyObject *counts_object, *out_object;
    Py_ssize_t width;
    if (!PyArg_ParseTuple(args, "OnO", &counts_object, &width, &out_object)) return NULL;
    Py_buffer counts, out;
    if (PyObject_GetBuffer(counts_object, &counts, PyBUF_C_CONTIGUOUS) < 0) return NULL;
    if (PyObject_GetBuffer(out_object, &out, PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE) < 0) {
        PyBuffer_Release(&counts);
        return NULL;
    }
    PyObject *result = NULL;
    if (width < 1 || counts.len != out.len || counts.len % ((Py_ssize_t)sizeof(double) * width)) {
        PyErr_SetString(PyExc_ValueError, "vote_shares: buffers do not fit the width");
    } else {
        const double *in = counts.buf;
        double *shares = out.buf;
        const Py_ssize_t n = counts.len / (Py_ssize_t)sizeof(double);
        for (Py_ssize_t start = 0; start < n; start += width) {
            double total = 0.0;
            for (Py_ssize_t k = 0; k < width; k++) total += in[start + k];
            for (Py_ssize_t k = 0; k < width; k++)
                shares[start + k] = total != 0.0 ? in[start + k] / total : 0.0;
        }
        result = Py_NewRef(Py_None);
    }
    PyBuffer_Release(&counts);
    PyBuffer_Release(&out);
    return result;
}

/* exact_types(names, types, row): whether row[names[i]] is of exactly types[i] for every i
 * (False as well for a missing name): the row plan's input check, one C call for all inputs
 * (snowleap/row_plan.py; its Python loop is the fallback and words the errors). */
static PyObject *exact_types(PyObject *Py_UNUSED(module), PyObject *args) {
    PyObject *row, *names, *types;
    if (!PyArg_ParseTuple(args, "O!O!O!", &PyTuple_Type, &names, &PyTuple_Type, &types,
                          &PyDict_Type, &row))
        return NULL;
    const Py_ssize_t count = PyTuple_GET_SIZE(names);
    if (PyTuple_GET_SIZE(types) != count) {
        PyErr_SetString(PyExc_ValueError, "exact_types: one type per name");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *value = PyDict_GetItemWithError(row, PyTuple_GET_ITEM(names, i));
        if (value == NULL) {
            if (PyErr_Occurred()) return NULL;
            Py_RETURN_FALSE;
        }
        if ((PyObject *)Py_TYPE(value) != PyTuple_GET_ITEM(types, i)) Py_RETURN_FALSE;
    }
    Py_RETURN_TRUE;
}

/*
 * index_into(specs, fallback, row): row[target] = table[row[source]] for each (source, target,
 * table) of specs, in order: a string indexer's row step (snowleap/ops/feature/string_indexer.py)
 * in one C call. A missing column, an unhashable value or a label not in its table sends the row
 * to fallback(row), the step in Python, which keeps, skips or raises as the op says.
 */
static PyObject *index_into(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 3 || !PyTuple_CheckExact(args[0]) || !PyDict_CheckExact(args[2])) {
        PyErr_SetString(PyExc_TypeError, "index_into(specs, fallback, row)");
        return NULL;
    }
    PyObject *specs = args[0], *row = args[2];
    const Py_ssize_t count = PyTuple_GET_SIZE(specs);
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *spec = PyTuple_GET_ITEM(specs, i);
        PyObject *value = PyDict_GetItemWithError(row, PyTuple_GET_ITEM(spec, 0));
        PyObject *found = value == NULL ? NULL : PyDict_GetItemWithError(PyTuple_GET_ITEM(spec, 2), value);
        if (found == NULL) {
            PyErr_Clear();
            return PyObject_CallOneArg(args[1], row);
        }
        if (PyDict_SetItem(row, PyTuple_GET_ITEM(spec, 1), found) < 0) return NULL;
    }
    Py_RETURN_NONE;
}

/*
 * one_hot_into(specs, fallback, row): row[target] = a new list of width 0.0 with 1.0 at
 * slots[row[source]] for each (source, target, width, slots) of specs, in order: a one-hot
 * encoder's row step (snowleap/ops/feature/one_hot_encoder.py) in one C call. A value with no
 * slot (or a missing column, an unhashable value) sends the row to fallback(row), the step in
 * Python, which encodes it or raises as the op says.
 */
static PyObject *one_hot_into(PyObject *Py_UNUSED(module), PyObject *const *args,
                              Py_ssize_t nargs) {
    if (nargs != 3 || !PyTuple_CheckExact(args[0]) || !PyDict_CheckExact(args[2])) {
        PyErr_SetString(PyExc_TypeError, "one_hot_into(specs, fallback, row)");
        return NULL;
    }
    PyObject *specs = args[0], *row = args[2];
    PyObject *zero = PyFloat_FromDouble(0.0), *one = PyFloat_FromDouble(1.0), *result = NULL;
    if (zero == NULL || one == NULL) goto done;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(specs); i++) {
        PyObject *spec = PyTuple_GET_ITEM(specs, i);
        PyObject *value = PyDict_GetItemWithError(row, PyTuple_GET_ITEM(spec, 0));
        PyObject *found =
            value == NULL ? NULL : PyDict_GetItemWithError(PyTuple_GET_ITEM(spec, 3), value);
        const Py_ssize_t width = PyLong_AsSsize_t(PyTuple_GET_ITEM(spec, 2));
        const Py_ssize_t slot = found == NULL ? -1 : PyLong_AsSsize_t(found);
        if (slot < 0 || slot >= width) {
            PyErr_Clear();
            result = PyObject_CallOneArg(args[1], row);
            goto done;
        }
        PyObject *encoded = PyList_New(width);
        if (encoded == NULL) goto done;
        for (Py_ssize_t k = 0; k < width; k++)
            PyList_SET_ITEM(encoded, k, Py_NewRef(k == slot ? one : zero));
        const int stored = PyDict_SetItem(row, PyTuple_GET_ITEM(spec, 1), encoded);
        Py_DECREF(encoded);
        if (stored < 0) goto done;
    }
    result = Py_NewRef(Py_None);
done:
    Py_XDECREF(zero);
    Py_XDECREF(one);
    return result;
}

/*
 * affine_into(source, target, mean, factors, zeros, fallback, row): row[target] = a new list of
 * (x - mean) * factors over the list row[source] (either tuple may be None: no centring, no
 * scaling), then 0.0 at each index of zeros: a standard scaler's row step
 * (snowleap/ops/feature/standard_scaler.py), the same float operations in C. A value that is
 * not a list of len(mean or factors) floats goes to fallback(row), the step in Python.
 */
static PyObject *affine_into(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 7 || !PyDict_CheckExact(args[6]) || !PyTuple_CheckExact(args[4]) ||
        (args[2] != Py_None && !PyTuple_CheckExact(args[2])) ||
        (args[3] != Py_None && !PyTuple_CheckExact(args[3])) ||
        (args[2] == Py_None && args[3] == Py_None)) {
        PyErr_SetString(PyExc_TypeError,
                        "affine_into(source, target, mean, factors, zeros, fallback, row)");
        return NULL;
    }
    PyObject *row = args[6], *mean = args[2], *factors = args[3], *zeros = args[4];
    const Py_ssize_t width = PyTuple_GET_SIZE(mean != Py_None ? mean : factors);
    PyObject *value = PyDict_GetItemWithError(row, args[0]);
    if (value == NULL && PyErr_Occurred()) return NULL;
    int shaped = value != NULL && PyList_CheckExact(value) && PyList_GET_SIZE(value) == width &&
                 (factors == Py_None || PyTuple_GET_SIZE(factors) == width);
    for (Py_ssize_t i = 0; shaped && i < width; i++)
        shaped = PyFloat_CheckExact(PyList_GET_ITEM(value, i));
    if (!shaped) return PyObject_CallOneArg(args[5], row);
    PyObject *out = PyList_New(width);
    if (out == NULL) return NULL;
    for (Py_ssize_t i = 0; i < width; i++) {
        double v = PyFloat_AS_DOUBLE(PyList_GET_ITEM(value, i));
        if (mean != Py_None) v = v - PyFloat_AsDouble(PyTuple_GET_ITEM(mean, i));
        if (factors != Py_None) v = v * PyFloat_AsDouble(PyTuple_GET_ITEM(factors, i));
        PyObject *number = PyFloat_FromDouble(v);
        if (number == NULL) {
            Py_DECREF(out);
            return NULL;
        }
        PyList_SET_ITEM(out, i, number);
    }
    for (Py_ssize_t z = 0; z < PyTuple_GET_SIZE(zeros); z++) {
        const Py_ssize_t i = PyLong_AsSsize_t(PyTuple_GET_ITEM(zeros, z));
        if (i < 0 || i >= width) continue;
        PyObject *zero = PyFloat_FromDouble(0.0);
        if (zero == NULL) {
            Py_DECREF(out);
            return NULL;
        }
        PyList_SetItem(out, i, zero);
    }
    const int stored = PyDict_SetItem(row, args[1], out);
    Py_DECREF(out);
    if (stored < 0) return NULL;
    Py_RETURN_NONE;
}

/*
 * run_plan(names, types, steps, row): a copy of the dict row, with every step of steps called
 * on it in order, when row[names[i]] is of exactly types[i] for every i; None (nothing run) when
 * one is not or row is another mapping, and the row plan converts the inputs itself (snowleap/row_plan.py). A step's exception
 * (SkipRow too) propagates. One C call for the row plan's input check and its loop of steps.
 */
static PyObject *run_plan(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 4 || !PyTuple_CheckExact(args[0]) || !PyTuple_CheckExact(args[1]) ||
        !PyTuple_CheckExact(args[2]) || PyTuple_GET_SIZE(args[0]) != PyTuple_GET_SIZE(args[1])) {
        PyErr_SetString(PyExc_TypeError, "run_plan(names, types, steps, row)");
        return NULL;
    }
    /* NOTE: another mapping than a dict is copied by the row plan, in Python. */
    if (!PyDict_CheckExact(args[3])) Py_RETURN_NONE;
    PyObject *names = args[0], *types = args[1], *steps = args[2], *row = args[3];
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(names); i++) {
        PyObject *value = PyDict_GetItemWithError(row, PyTuple_GET_ITEM(names, i));
        if (value == NULL && PyErr_Occurred()) return NULL;
        if (value == NULL || (PyObject *)Py_TYPE(value) != PyTuple_GET_ITEM(types, i))
            Py_RETURN_NONE;
    }
    PyObject *values = PyDict_Copy(row);
    if (values == NULL) return NULL;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(steps); i++) {
        PyObject *done = PyObject_CallOneArg(PyTuple_GET_ITEM(steps, i), values);
        if (done == NULL) {
            Py_DECREF(values);
            return NULL;
        }
        Py_DECREF(done);
    }
    return values;
}

/* ---- tree.pb: canonical dtree.Node messages straight into the layout ---------------------- */

typedef struct {
    char *data;
    Py_ssize_t size, capacity;
} Blob;

static int blob_add(Blob *blob, const void *item, Py_ssize_t size) {
    if (blob->size + size > blob->capacity) {
        Py_ssize_t capacity = blob->capacity ? blob->capacity * 2 : 1024;
        while (capacity < blob->size + size) capacity *= 2;
        char *grown = PyMem_Realloc(blob->data, (size_t)capacity);
        if (grown == NULL) return -1;
        blob->data = grown;
        blob->capacity = capacity;
    }
    memcpy(blob->data + blob->size, item, (size_t)size);
    blob->size += size;
    return 0;
}

static int blob_int(Blob *blob, int value) { return blob_add(blob, &value, sizeof value); }
static int blob_double(Blob *blob, double value) { return blob_add(blob, &value, sizeof value); }

typedef struct {
    const unsigned char *at, *end;
} Cursor;

/* A varint; 0 on a malformed or over-long one. */
static int read_varint(Cursor *c, uint64_t *value) {
    uint64_t result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (c->at >= c->end) return 0;
        const unsigned char byte = *c->at++;
        result |= (uint64_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80)) {
            *value = result;
            return 1;
        }
    }
    return 0;
}

/* The next field's number and wire type; a length-delimited one's body in `body`. */
static int read_field(Cursor *c, int *number, int *wire, Cursor *body) {
    uint64_t key, length;
    if (!read_varint(c, &key) || key >> 32) return 0;
    *number = (int)(key >> 3);
    *wire = (int)(key & 7);
    if (*wire == 2) {
        if (!read_varint(c, &length) || length > (uint64_t)(c->end - c->at)) return 0;
        body->at = c->at;
        body->end = c->at + length;
        c->at += length;
    }
    return 1;
}

static double read_double(const unsigned char *at) {
    uint64_t bits = 0;
    for (int i = 7; i >= 0; i--) bits = (bits << 8) | at[i];
    double value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

/* A packed repeated double's values into `blob`; their count, or -1. */
static Py_ssize_t read_packed(Cursor body, Blob *blob) {
    const Py_ssize_t length = body.end - body.at;
    if (length % 8) return -1;
    for (Py_ssize_t i = 0; i < length; i += 8)
        if (blob_double(blob, read_double(body.at + i)) < 0) return -1;
    return length / 8;
}

typedef struct {
    int kind; /* 0 leaf, 1 continuous, 2 categorical */
    uint64_t feature, is_left, num_categories;
    double threshold;
    Py_ssize_t values_from, values_count;
} Decoded;

/* One Split message; 0 unless canonical (each field once, known numbers and wire types). */
static int decode_split(Cursor split, Decoded *node, Blob *written) {
    int number, wire, seen = 0;
    Cursor body, inner;
    if (!read_field(&split, &number, &wire, &body) || wire != 2 || split.at != split.end)
        return 0;
    if (number == 2) {
        node->kind = 1;
        while (body.at < body.end) {
            if (!read_field(&body, &number, &wire, &inner) || number > 8 ||
                (seen & (1 << number)))
                return 0;
            seen |= 1 << number;
            if (number == 1 && wire == 0) {
                if (!read_varint(&body, &node->feature) || node->feature > INT32_MAX) return 0;
            } else if (number == 2 && wire == 1 && body.end - body.at >= 8) {
                node->threshold = read_double(body.at);
                body.at += 8;
            } else {
                return 0;
            }
        }
        return 1;
    }
    if (number != 1) return 0;
    node->kind = 2;
    node->values_from = written->size / 8;
    while (body.at < body.end) {
        if (!read_field(&body, &number, &wire, &inner) || number > 8 || (seen & (1 << number)))
            return 0;
        seen |= 1 << number;
        if (number == 4 && wire == 2) {
            if ((node->values_count = read_packed(inner, written)) < 0) return 0;
        } else if (wire == 0 && number >= 1 && number <= 3) {
            uint64_t *target = number == 1 ? &node->feature
                               : number == 2 ? &node->is_left
                                             : &node->num_categories;
            if (!read_varint(&body, target) || *target > INT32_MAX) return 0;
            if (number == 2 && *target > 1) return 0;
        } else {
            return 0;
        }
    }
    return 1;
}

/* One dtree.Node message; 0 unless canonical. Leaf values go to `leaves`. */
static int decode_node(Cursor message, Decoded *node, Blob *leaves, Blob *written) {
    int number, wire;
    Cursor body, inner;
    memset(node, 0, sizeof *node);
    if (!read_field(&message, &number, &wire, &body) || wire != 2 || message.at != message.end)
        return 0;
    if (number == 2) {
        node->kind = 0;
        node->values_from = leaves->size / 8;
        if (body.at == body.end) return 0;
        if (!read_field(&body, &number, &wire, &inner) || number != 1 || wire != 2 ||
            body.at != body.end)
            return 0;
        return (node->values_count = read_packed(inner, leaves)) > 0;
    }
    if (number != 1) return 0;
    if (!read_field(&body, &number, &wire, &inner) || number != 1 || wire != 2 ||
        body.at != body.end)
        return 0;
    return decode_split(inner, node, written);
}

static int compare_doubles(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct {
    Blob feature, threshold, left, right, split_set, set_start, set_values, set_is_left,
        written_start, written_values, written_num, leaves;
} Parts;

static PyObject *parts_tuple(Parts *p, int root, int depth, Py_ssize_t count) {
    Blob *blobs[] = {&p->feature,       &p->threshold,   &p->left,          &p->right,
                     &p->split_set,     &p->set_start,   &p->set_values,    &p->set_is_left,
                     &p->written_start, &p->written_values, &p->written_num, &p->leaves};
    PyObject *result = PyTuple_New(15);
    if (result == NULL) return NULL;
    PyTuple_SET_ITEM(result, 0, PyLong_FromLong(root));
    PyTuple_SET_ITEM(result, 1, PyLong_FromLong(depth));
    PyTuple_SET_ITEM(result, 2, PyLong_FromSsize_t(count));
    for (int i = 0; i < 12; i++) {
        PyObject *bytes = PyBytes_FromStringAndSize(blobs[i]->data, blobs[i]->size);
        if (bytes == NULL) {
            Py_DECREF(result);
            return NULL;
        }
        PyTuple_SET_ITEM(result, 3 + i, bytes);
    }
    for (int i = 0; i < 3; i++)
        if (PyTuple_GET_ITEM(result, i) == NULL) {
            Py_DECREF(result);
            return NULL;
        }
    return result;
}

enum { MAX_OPEN = 128 };

/*
 * parse_protobuf_tree(data, num_features, width, max_nodes, max_depth, internal_base,
 *                     leaf_base, set_base, set_value_base, written_base)
 * -> (root, depth, nodes, feature, threshold, left, right, split_set, set_start, set_values,
 *     set_is_left, written_start, written_values, written_num_categories, leaf_values) as bytes
 * of the layout's item types with global indices, or None where the file is not a canonical,
 * valid tree (the Python decoder then reads it and words the error).
 */
static PyObject *parse_protobuf_tree(PyObject *Py_UNUSED(module), PyObject *args) {
    Py_buffer data;
    int num_features, width, max_nodes, max_depth, internal_base, leaf_base, set_base,
        set_value_base, written_base;
    if (!PyArg_ParseTuple(args, "y*iiiiiiiii", &data, &num_features, &width, &max_nodes,
                          &max_depth, &internal_base, &leaf_base, &set_base, &set_value_base,
                          &written_base))
        return NULL;
    Parts p;
    memset(&p, 0, sizeof p);
    Blob categories = {0};
    PyObject *result = NULL;
    int open[MAX_OPEN], open_depth[MAX_OPEN], right_pending[MAX_OPEN];
    int open_count = 0, depth = 0, root = 0, internal = 0, leaves = 0, sets = 0;
    Py_ssize_t set_values = 0, count = 0, written_count = 0;
    int ok = max_depth < MAX_OPEN - 1;
    const unsigned char *at = data.buf, *end = at + data.len;
    while (ok && at < end) {
        if (end - at < 4) {
            ok = 0;
            break;
        }
        const int64_t size =
            ((int64_t)at[0] << 24) | ((int64_t)at[1] << 16) | ((int64_t)at[2] << 8) | at[3];
        at += 4;
        if (size > end - at || count >= max_nodes) {
            ok = 0;
            break;
        }
        Cursor message = {at, at + size};
        at += size;
        Decoded node;
        categories.size = 0;
        if (!decode_node(message, &node, &p.leaves, &categories)) {
            ok = 0;
            break;
        }
        int reference;
        if (node.kind == 0) {
            if (node.values_count != width) {
                ok = 0;
                break;
            }
            reference = ~(leaf_base + leaves++);
        } else {
            if (node.feature >= (uint64_t)num_features) {
                ok = 0;
                break;
            }
            reference = internal_base + internal++;
        }
        int node_depth = 0;
        if (count == 0) {
            root = reference;
        } else {
            if (open_count == 0) {
                ok = 0;
                break;
            }
            const int parent = open[open_count - 1] - internal_base;
            node_depth = open_depth[open_count - 1] + 1;
            int *slot = (int *)(right_pending[open_count - 1] ? p.right.data : p.left.data);
            slot[parent] = reference;
            if (right_pending[open_count - 1])
                open_count--;
            else
                right_pending[open_count - 1] = 1;
            if (node_depth > depth) depth = node_depth;
            if (depth > max_depth) {
                ok = 0;
                break;
            }
        }
        count++;
        if (node.kind == 0) continue;
        ok = blob_int(&p.feature, (int)node.feature) == 0 &&
             blob_double(&p.threshold, node.kind == 1 ? node.threshold : 0.0) == 0 &&
             blob_int(&p.left, 0) == 0 && blob_int(&p.right, 0) == 0 &&
             blob_int(&p.split_set, node.kind == 1 ? 0 : set_base + ++sets) == 0;
        if (ok && node.kind == 2) {
            double *values = (double *)categories.data;
            const Py_ssize_t n = node.values_count;
            ok = blob_add(&p.written_values, values, n * 8) == 0;
            written_count += n;
            ok = ok && blob_int(&p.written_start, written_base + (int)written_count) == 0 &&
                 blob_int(&p.written_num, (int)node.num_categories) == 0 &&
                 blob_int(&p.set_is_left, (int)node.is_left) == 0;
            Py_ssize_t kept = 0;
            for (Py_ssize_t i = 0; i < n; i++)
                if (!isnan(values[i])) values[kept++] = values[i];
            qsort(values, (size_t)kept, sizeof(double), compare_doubles);
            for (Py_ssize_t i = 0; ok && i < kept; i++)
                if (i == 0 || values[i] != values[i - 1]) {
                    ok = blob_double(&p.set_values, values[i]) == 0;
                    set_values++;
                }
            ok = ok && blob_int(&p.set_start, set_value_base + (int)set_values) == 0;
        }
        if (ok) {
            if (open_count >= MAX_OPEN) {
                ok = 0;
                break;
            }
            open[open_count] = reference;
            open_depth[open_count] = node_depth;
            right_pending[open_count] = 0;
            open_count++;
        }
    }
    if (ok && count > 0 && open_count == 0)
        result = parts_tuple(&p, root, depth, count);
    else if (!PyErr_Occurred())
        result = Py_NewRef(Py_None);
    Blob *blobs[] = {&p.feature,       &p.threshold,      &p.left,        &p.right,
                     &p.split_set,     &p.set_start,      &p.set_values,  &p.set_is_left,
                     &p.written_start, &p.written_values, &p.written_num, &p.leaves,
                     &categories};
    for (int i = 0; i < 13; i++) PyMem_Free(blobs[i]->data);
    PyBuffer_Release(&data);
    return result;
}

static PyMethodDef module_methods[] = {
    {"vote_shares", vote_shares, METH_VARARGS,
     "vote_shares(counts, width, out): each leaf's counts over their sum, into out"},
    {"exact_types", exact_types, METH_VARARGS,
     "exact_types(names, types, row): whether each named value is of exactly its type"},
    {"run_plan", (PyCFunction)(void (*)(void))run_plan, METH_FASTCALL,
     "run_plan(names, types, steps, row): a row plan's input check and steps, or None"},
    {"index_into", (PyCFunction)(void (*)(void))index_into, METH_FASTCALL,
     "index_into(specs, fallback, row): string indexers' lookups into a row dict"},
    {"one_hot_into", (PyCFunction)(void (*)(void))one_hot_into, METH_FASTCALL,
     "one_hot_into(specs, fallback, row): one-hot encoders' vectors into a row dict"},
    {"affine_into", (PyCFunction)(void (*)(void))affine_into, METH_FASTCALL,
     "affine_into(source, target, mean, factors, zeros, fallback, row): a standard scaler's step"},
    {"parse_protobuf_tree", parse_protobuf_tree, METH_VARARGS,
     "A canonical tree.pb into the compact layout's parts, or None"},
    {NULL, NULL, 0, NULL},
};

/* The Lambda layer builds this file as the top-level module snowleap_treewalk. */
#ifndef TREEWALK_TOP_LEVEL
#define TREEWALK_NAME "snowleap._treewalk"
#define TREEWALK_INIT PyInit__treewalk
#else
#define TREEWALK_NAME "snowleap_treewalk"
#define TREEWALK_INIT PyInit_snowleap_treewalk
#endif

static struct PyModuleDef treewalk_module = {
    PyModuleDef_HEAD_INIT, TREEWALK_NAME,
    "snowleap's compiled tree walker over the compact tree layout.", -1, module_methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC TREEWALK_INIT(void) {
    if (PyType_Ready(&ForestType) < 0) return NULL;
    PyObject *module = PyModule_Create(&treewalk_module);
    if (module == NULL) return NULL;
    Py_INCREF(&ForestType);
    if (PyModule_AddObject(module, "Forest", (PyObject *)&ForestType) < 0) {
        Py_DECREF(&ForestType);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
