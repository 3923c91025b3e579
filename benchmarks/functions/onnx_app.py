"""The same job as snowleap's function, scored by ONNX Runtime: the emulator benchmark's contender.

An API Gateway REST event whose body is a tracker ``payload_data`` envelope: the events are parsed
and turned into session features by the very code snowleap's function uses (``snowleap.snowplow``,
shipped alone: it needs only the standard library), each session is scored by ONNX Runtime on the
same fitted pipeline converted to ONNX (``model.onnx`` beside this file), and the answer lists each
session's probability and the rejected events. No Powertools, no tracing: a lean function, so the
comparison flatters ONNX Runtime rather than snowleap. The model loads on the first request, as
snowleap's does.
"""

from __future__ import annotations

import json
import os
import secrets
from typing import Any

import numpy as np
import onnxruntime

from snowleap.snowplow import group_sessions, parse_tracker_payload, session_features

MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "model.onnx")
# NOTE: the isotonic calibration of the served probability, which onnxmltools cannot convert:
# Spark's IsotonicRegressionModel is a linear interpolation between its boundaries, clamped at
# both ends, which is numpy's interp.
CALIBRATION_PATH = MODEL_PATH.replace(".onnx", ".calibration.json")
SALT = os.environ.get("SESSION_SALT") or secrets.token_hex(16)
_model: dict[str, Any] = {}


def _session() -> dict[str, Any]:
    if not _model:
        session = onnxruntime.InferenceSession(MODEL_PATH, providers=["CPUExecutionProvider"])
        _model["session"] = session
        _model["inputs"] = {i.name for i in session.get_inputs()}
        _model["outputs"] = [o.name for o in session.get_outputs()]
        calibration = None
        if os.path.exists(CALIBRATION_PATH):
            with open(CALIBRATION_PATH) as stream:
                calibration = json.load(stream)
        _model["calibration"] = calibration
    return _model


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    model = _session()
    parsed = parse_tracker_payload(event.get("body") or "")
    sessions = []
    for key, members in group_sessions(parsed.events, SALT).items():
        row = session_features([e for _, e in members]).row
        feeds = {
            name: np.array([[value]], dtype=object if isinstance(value, str) else np.float32)
            for name, value in row.items()
            if name in model["inputs"]
        }
        outputs = dict(zip(model["outputs"], model["session"].run(None, feeds), strict=True))
        probability = float(outputs["probability"][0][1])
        calibration = model["calibration"]
        if calibration is not None:
            probability = float(
                np.interp(probability, calibration["boundaries"], calibration["predictions"])
            )
        sessions.append({"session": key, "probability": probability})
    body = {
        "sessions": sessions,
        "rejected": [{"index": r.index, "reason": r.reason} for r in parsed.rejected],
    }
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body),
    }
