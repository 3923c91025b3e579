"""The Spark side of the writer: one small module per fitted Spark class (``registry``)."""
