/*
 * The Forest type's layout (forest_layout.c builds and checks it at init, forest_walk.c walks
 * it): the compact arrays of snowleap/ops/tree/layout.py held as buffers, each tree's internal
 * nodes also packed in 32-byte records, category sets also as bitsets.
 */
#ifndef SNOWLEAP_TREEWALK_FOREST_H
#define SNOWLEAP_TREEWALK_FOREST_H

#include "treewalk.h"

#include <stdint.h>

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

TW_INTERNAL int forest_init(Forest *self, PyObject *args, PyObject *kwargs);
TW_INTERNAL void forest_dealloc(Forest *self);

#endif
