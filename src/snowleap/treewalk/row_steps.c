/*
 * The row plan's steps in C (snowleap/row_plan.py and the ops' row steps): each hands a row it
 * cannot take as it is back to the step in Python, which words any error.
 */
#include "treewalk.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* vote_shares(counts, width, out): leaf.py's vote_shares, into `out`. */
TW_INTERNAL PyObject *vote_shares(PyObject *Py_UNUSED(module), PyObject *args) {
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
TW_INTERNAL PyObject *exact_types(PyObject *Py_UNUSED(module), PyObject *args) {
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
TW_INTERNAL PyObject *index_into(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs) {
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
TW_INTERNAL PyObject *one_hot_into(PyObject *Py_UNUSED(module), PyObject *const *args,
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
TW_INTERNAL PyObject *affine_into(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs) {
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
TW_INTERNAL PyObject *run_plan(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs) {
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
