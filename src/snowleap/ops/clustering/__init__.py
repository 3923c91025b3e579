"""Clustering ops, over the shared features -> cluster index plumbing (``clusterer``)."""
