/* The Forest type's init: the layout's buffers held and validated, nodes packed, bitsets built. */
#include "forest.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

TW_INTERNAL void forest_dealloc(Forest *self) {
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

TW_INTERNAL int forest_init(Forest *self, PyObject *args, PyObject *kwargs) {
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
