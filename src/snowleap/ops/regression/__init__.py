"""Regression ops, over the shared features -> prediction plumbing (``regressor``; tree
regressors also share ``tree_regressor``)."""
