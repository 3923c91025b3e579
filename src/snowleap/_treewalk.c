/*
 * snowleap._treewalk: the compiled tree walker over snowleap's compact tree layout
 * (snowleap/ops/tree/layout.py), and a decoder of canonical tree.pb files into that layout.
 *
 * Bit-identical to the pure-Python walkers (snowleap/ops/tree/walk.py, batch.py): the same
 * comparisons (x <= threshold; category membership as a binary search for an equal value) and
 * the same summation order (0.0, then tree after tree). Built with -ffp-contract=off and no
 * fast-math, so no multiply-add is fused and no sum reordered. Standard CPython API only.
 */
#include "treewalk/treewalk.h"

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
