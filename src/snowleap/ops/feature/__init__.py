"""Feature transformers: indexers, encoders, assemblers, scalers and friends."""
