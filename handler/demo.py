"""Helpers of ``make demo`` (handler/demo.sh): wait for a server, upload a bundle, send events to a
session model and listings to MLeap's airbnb price model."""

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
AIRBNB_CASE = ROOT.parent / "shared" / "mleap-reference" / "airbnb.model.lr.expected.json"
LISTINGS_SHOWN = 5


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


def upload(bucket: str, key: str, bundle: Path | None = None) -> None:
    import boto3

    if bundle is not None:
        data, what = bundle.read_bytes(), str(bundle)
    elif DEFAULT_BUNDLE.is_file():
        data, what = DEFAULT_BUNDLE.read_bytes(), str(DEFAULT_BUNDLE.relative_to(ROOT))
    else:
        data = demo_bundle()
        what = "the hand-set demo bundle (no trained bundles/snowleap-default.zip yet)"
    s3 = boto3.client("s3")
    if bucket not in {b["Name"] for b in s3.list_buckets()["Buckets"]}:
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
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        return {"status": error.code, **json.loads(error.read())}


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


def send_rows(api: str) -> None:
    """Listings to the airbnb model: /transform (LeapFrame), /invocations (MLflow), and /score."""
    case = json.loads(AIRBNB_CASE.read_text())
    frame = case["frame"]
    frame = {"schema": frame["schema"], "rows": frame["rows"][:LISTINGS_SHOWN]}
    names = [field["name"] for field in frame["schema"]["fields"]]
    model = request(f"{api}/model")
    inputs = len(model["input_schema"]["fields"])
    print(f"model: {model['name']} ({model['kind']} model) from {model['source']}, "
          f"{inputs} inputs, ops {', '.join(model['ops'])}")  # fmt: skip
    # NOTE: the last listing gets a state the model never saw, to show a rejected row
    altered = len(frame["rows"]) - 1
    frame["rows"][altered] = ["Atlantis", *frame["rows"][altered][1:]]
    result = request(f"{api}/transform?fields=price_prediction", json.dumps(frame))
    print(f"\nPOST /transform?fields=price_prediction: {result['rows_received']} listings")
    print(f"{'row':>3}  {'state':<8} {'room type':<16} {'price':>10}  {'MLeap expects':>15}")
    prices = dict(zip(result["row_indices"], (row[0] for row in result["rows"]), strict=True))
    for index, row in enumerate(frame["rows"]):
        state, room = row[names.index("state")], row[names.index("room_type")]
        shown = f"{prices[index]:.4f}" if index in prices else "rejected"
        want = case["expected"]["price_prediction"][index]
        expected = "(state made up)" if index == altered else f"{want:.4f}"
        print(f"{index:>3}  {state:<8} {room:<16} {shown:>10}  {expected:>15}")
    for rejected in result["rejected"]:
        print(f"  row {rejected['index']}: {rejected['reason']}")
    records = [dict(zip(names, row, strict=True)) for row in frame["rows"][:2]]
    body = {"dataframe_records": records, "params": {"fields": ["price_prediction"]}}
    answer = request(f"{api}/invocations", json.dumps(body))
    print(f"\nPOST /invocations (MLflow dataframe_records): {json.dumps(answer)}")
    refused = request(f"{api}/score", READY_SESSIONS.read_text())
    print(f"\nPOST /score: {refused.get('status')} {refused.get('message')}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("wait").add_argument("url")
    upload_cmd = commands.add_parser("upload")
    upload_cmd.add_argument("--bucket", required=True)
    upload_cmd.add_argument("--key", required=True)
    upload_cmd.add_argument("--bundle", type=Path, help="a bundle .zip (default: the default)")
    commands.add_parser("send").add_argument("api")
    commands.add_parser("send-rows").add_argument("api")
    args = parser.parse_args(argv)
    if args.command == "wait":
        wait(args.url)
    elif args.command == "upload":
        upload(args.bucket, args.key, args.bundle)
    elif args.command == "send-rows":
        send_rows(args.api)
    else:
        send(args.api)
    return 0


if __name__ == "__main__":
    sys.exit(main())
