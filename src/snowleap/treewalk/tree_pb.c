#include "treewalk.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
TW_INTERNAL PyObject *parse_protobuf_tree(PyObject *Py_UNUSED(module), PyObject *args) {
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
