/*
 * snowleap._treewalk's parts, compiled into one extension (setup.py, layers/tree_walker.py):
 * forest.c (the Forest type: compact layout, row and batch walkers), row_steps.c (the row
 * plan's steps in C), tree_pb.c (canonical tree.pb files into the layout), and ../_treewalk.c
 * (the module). What one part gives another is declared here, hidden from the loader.
 */
#ifndef SNOWLEAP_TREEWALK_H
#define SNOWLEAP_TREEWALK_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#if defined(__GNUC__) || defined(__clang__)
#define TW_INTERNAL __attribute__((visibility("hidden")))
#else
#define TW_INTERNAL
#endif

/* forest.c */
TW_INTERNAL extern PyTypeObject ForestType;

/* row_steps.c */
TW_INTERNAL PyObject *vote_shares(PyObject *module, PyObject *args);
TW_INTERNAL PyObject *exact_types(PyObject *module, PyObject *args);
TW_INTERNAL PyObject *run_plan(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
TW_INTERNAL PyObject *index_into(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
TW_INTERNAL PyObject *one_hot_into(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
TW_INTERNAL PyObject *affine_into(PyObject *module, PyObject *const *args, Py_ssize_t nargs);

/* tree_pb.c */
TW_INTERNAL PyObject *parse_protobuf_tree(PyObject *module, PyObject *args);

#endif
