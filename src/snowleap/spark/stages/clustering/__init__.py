"""Spark clustering models -> the clustering ops."""
