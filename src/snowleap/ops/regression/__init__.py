"""Regression models."""
