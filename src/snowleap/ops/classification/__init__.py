"""Classification ops, over the shared raw -> probability -> prediction plumbing
(``probabilistic``; tree classifiers also share ``tree_classifier``)."""
