"""What the API tells a client about the model in service: little by default.

``MODEL_DETAILS=minimal`` (the default) answers with what a client needs to call the API: the
model's name and uid, a short content fingerprint that tells versions apart (``version``, the
first 12 hex digits of the bundle's sha256), its kind, schemas and threshold. Where the bundle
is stored (the S3 URI), its ETag, S3 version id, full sha256, load timings and the ops of the
pipeline are operators' business: ``MODEL_DETAILS=full`` adds them (``GET /model``, and the
identity in ``POST /score`` and ``GET /health``). The warm-up answer, which no API client sees,
is always full.
"""

from __future__ import annotations

from typing import Any

from snowleap.serving.cache import LoadedModel

FINGERPRINT_DIGITS = 12


def fingerprint(loaded: LoadedModel) -> str | None:
    """The first digits of the bundle's sha256: the same bytes, the same fingerprint."""
    digest = loaded.version.digest
    return digest[:FINGERPRINT_DIGITS] if digest else None


def version_label(loaded: LoadedModel, *, full: bool) -> str:
    """Each session's ``model_version``: the S3 version id (or tag) with ``full``, else the
    fingerprint."""
    return loaded.version.label if full else fingerprint(loaded) or "unknown"


def model_name(loaded: LoadedModel) -> dict[str, Any]:
    """The name and uid of the model (``POST /transform``'s answer)."""
    return {"name": loaded.model.info.name, "uid": loaded.model.info.uid}


def model_identity(loaded: LoadedModel, *, full: bool) -> dict[str, Any]:
    """Which model answered: name, uid, fingerprint; with ``full`` its source and S3 identity."""
    info = loaded.model.info
    identity: dict[str, Any] = {"name": info.name, "uid": info.uid, "version": fingerprint(loaded)}
    if full:
        identity.update(source=loaded.source_uri, **loaded.version.as_dict())
    return identity


def model_document(
    loaded: LoadedModel, *, kind: str, threshold: float, full: bool
) -> dict[str, Any]:
    """The model part of ``GET /model`` (the challenger is added by the service)."""
    # NOTE: the LeapFrame module is imported by GET /model and the row routes, not at cold start.
    from snowleap.leapframe import leapframe_schema

    described = loaded.model.describe()
    document: dict[str, Any] = {
        **model_identity(loaded, full=False),
        "mleap_version": described["mleap_version"],
        "format": described["format"],
        "timestamp": described["timestamp"],
        "kind": kind,
        "input_schema": leapframe_schema(loaded.model.input_schema),
        "output_schema": leapframe_schema(loaded.model.output_schema),
        "threshold": threshold,
    }
    if full:
        document.update(
            ops=described["ops"],
            source=loaded.source_uri,
            **loaded.version.as_dict(),
            loaded_at=loaded.loaded_at,
            load_ms=round(loaded.load_ms, 3),
            from_disk_cache=loaded.from_disk_cache,
        )
    return document


def challenger_document(
    loaded: LoadedModel | None,
    *,
    mode: str,
    percent: float,
    source_uri: str,
    error: str | None,
    full: bool,
) -> dict[str, Any]:
    """The challenger part of ``GET /model``: rollout settings, whether it is loaded and which
    model it is; its source and last error (which may name the bucket) only with ``full``."""
    described: dict[str, Any] = {"mode": mode, "percent": percent, "loaded": loaded is not None}
    if full:
        described.update(source=source_uri, error=error)
    if loaded is not None:
        described.update(model_identity(loaded, full=full))
        if full:
            described["loaded_at"] = loaded.loaded_at
    return described
