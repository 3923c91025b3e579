"""Helpers of ``make demo`` (handler/demo.sh): wait for a server, upload a bundle, send events."""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from demo_bundle import demo_bundle

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BUNDLE = ROOT / "bundles" / "snowleap-default.zip"
REAL_SESSIONS = ROOT.parent / "shared" / "snowplow" / "tracker_payloads.jsonl"
READY_SESSIONS = ROOT / "events" / "sessions.json"


def wait(url: str, seconds: float = 30.0) -> None:
    """Until ``url`` answers at all (any HTTP status)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"{url} did not come up within {seconds:.0f} s") from None
            time.sleep(0.2)


def upload(bucket: str, key: str) -> None:
    import boto3

    if DEFAULT_BUNDLE.is_file():
        data, what = DEFAULT_BUNDLE.read_bytes(), str(DEFAULT_BUNDLE.relative_to(ROOT))
    else:
        data = demo_bundle()
        what = "the hand-set demo bundle (no trained bundles/snowleap-default.zip yet)"
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    version = s3.put_object(Bucket=bucket, Key=key, Body=data)["VersionId"]
    print(f"uploaded {what} to s3://{bucket}/{key} (version {version})")


def sessions_body() -> tuple[str, str]:
    """One payload_data envelope holding every event of the sample sessions."""
    if REAL_SESSIONS.is_file():
        envelopes = [json.loads(line) for line in REAL_SESSIONS.read_text().splitlines() if line]
        events = [event for envelope in envelopes for event in envelope["data"]]
        body = {"schema": envelopes[0]["schema"], "data": events}
        return json.dumps(body), f"{REAL_SESSIONS.name} ({len(envelopes)} tracker requests)"
    return READY_SESSIONS.read_text(), str(READY_SESSIONS.relative_to(ROOT))


def request(url: str, body: str | None = None) -> Any:
    data = body.encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if body is not None else {}
    req = urllib.request.Request(url, data=data, headers=headers)
    with urllib.request.urlopen(req, timeout=30) as response:
        return json.loads(response.read())


def send(api: str) -> None:
    body, source = sessions_body()
    model = request(f"{api}/model")
    print(f"model: {model['name']} from {model['source']} (version {model['version_id']}), "
          f"ops {', '.join(model['ops'])}")  # fmt: skip
    result = request(f"{api}/score", body)
    print(f"scored {result['events_received']} events from {source}; threshold "
          f"{result['threshold']}\n")  # fmt: skip
    print(f"{'session':<18} {'probability':>11}  {'segment':<7} {'used':>4} {'excluded':>8}")
    for session in result["sessions"]:
        probability = session["probability"]
        shown = f"{probability:.4f}" if probability is not None else "n/a"
        print(f"{session['session'][:16] + '..':<18} {shown:>11}  {session['segment']:<7} "
              f"{session['events_used']:>4} {len(session['events_excluded']):>8}")  # fmt: skip
    print(f"\nrejected: {len(result['rejected'])}")
    for rejected in result["rejected"]:
        print(f"  event {rejected['index']}: {rejected['reason']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("wait").add_argument("url")
    upload_cmd = commands.add_parser("upload")
    upload_cmd.add_argument("--bucket", required=True)
    upload_cmd.add_argument("--key", required=True)
    commands.add_parser("send").add_argument("api")
    args = parser.parse_args(argv)
    if args.command == "wait":
        wait(args.url)
    elif args.command == "upload":
        upload(args.bucket, args.key)
    else:
        send(args.api)
    return 0


if __name__ == "__main__":
    sys.exit(main())
