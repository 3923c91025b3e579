"""What every tree model shares, and no op: a tree's structure (``structure``), reading trees
from a bundle (``loading``) and walking them for batches and rows (``ensemble``). The tree ops
live with their families (``classification/``, ``regression/``)."""
