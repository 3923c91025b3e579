"""``snowleap compare``: the champion's and the challenger's scores, read back from the function's
per-session log lines, side by side (distributions and, where labels are joined in, ROC AUC).

The function writes one ``"session scored"`` line per session and variant (shadow scores too);
``read_session_scores`` reads them from a file of log lines, ``read_labels`` the outcomes a
caller recorded against the session keys the responses named, ``compare`` puts both together.
"""

from snowleap.compare.logs import SessionScores, read_labels, read_session_scores
from snowleap.compare.stats import VariantSummary, compare, roc_auc

__all__ = [
    "SessionScores",
    "VariantSummary",
    "compare",
    "read_labels",
    "read_session_scores",
    "roc_auc",
]
