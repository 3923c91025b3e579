"""Snowplow events in, privacy-safe session features out: one code path for Spark and Lambda.

Parsers turn every Snowplow format (tracker POST and GET, enriched TSV, the Analytics SDK's
JSON) into the same ``Event`` record; ``session_features`` turns a session's events into the
feature row a model scores. Malformed events are reported in ``ParseResult.rejected`` with a
precise reason, never dropped silently.

Example
-------
>>> from snowleap.snowplow import parse_tracker_get, group_sessions, session_features
>>> parsed = parse_tracker_get("e=pv&p=web&tv=js-3&dtm=1709542800000&sid=s1&url=https://s.io/")
>>> sessions = group_sessions(parsed.events, salt="from-configuration")
>>> [session_features([e for _, e in evs]).row["n_page_views"] for evs in sessions.values()]
[1.0]
"""

from snowleap.snowplow.enriched import parse_enriched_json, parse_enriched_tsv
from snowleap.snowplow.errors import PayloadError
from snowleap.snowplow.event import Event
from snowleap.snowplow.features import FEATURE_SCHEMA, SessionFeatures, session_features
from snowleap.snowplow.parsing import ParseResult, Rejected
from snowleap.snowplow.privacy import session_key
from snowleap.snowplow.sessions import group_sessions
from snowleap.snowplow.tracker import parse_tracker_get, parse_tracker_payload

__all__ = [
    "FEATURE_SCHEMA",
    "Event",
    "ParseResult",
    "PayloadError",
    "Rejected",
    "SessionFeatures",
    "group_sessions",
    "parse_enriched_json",
    "parse_enriched_tsv",
    "parse_tracker_get",
    "parse_tracker_payload",
    "session_features",
    "session_key",
]
