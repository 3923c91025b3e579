"""Print template.yaml as CloudFormation after SAM's transform (run with .venv-sam's Python).

``python sam_translate.py TEMPLATE '{"Parameter": "value"}'``: what ``sam deploy`` would send,
worked out offline by SAM's own translator (aws-sam-translator, which aws-sam-cli installs). The
package locations become placeholders: the transform only checks they are S3 URIs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse


class NoManagedPolicies:
    """The template names no managed policy by name, so none needs looking up in IAM."""

    def load(self) -> dict[str, str]:
        return {}


def main(path: str, parameters: str) -> None:
    template: dict[str, Any] = yaml_parse(Path(path).read_text())
    for resource in template["Resources"].values():
        properties = resource.get("Properties", {})
        for key in ("CodeUri", "ContentUri"):
            if key in properties:
                properties[key] = "s3://placeholder-bucket/package.zip"
    print(json.dumps(transform(template, json.loads(parameters), NoManagedPolicies())))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "{}")
