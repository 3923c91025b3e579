"""Recommendation ops: latent-factor models (``als``)."""
