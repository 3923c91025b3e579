"""The ops: one module per Bundle.ML op, in family folders, each listed in ``registry``."""
