"""Spark recommendation models -> the recommendation ops."""
