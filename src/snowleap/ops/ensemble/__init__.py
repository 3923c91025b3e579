"""Ensemble ops: models that route rows to other models (``categorical_drilldown``)."""
