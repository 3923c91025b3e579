"""What the default deploy uploads: the function package and every layer the template attaches.

``template.yaml`` is read as CloudFormation would evaluate it with every parameter at its default
(``!If`` over its ``Conditions``), so the layers counted are the ones a plain ``sam deploy``
attaches; each layer resource's build is found in ``layers/Makefile`` (``build-<LogicalId>``:
``build_layer.py --layer NAME``), its zip is the one ``make layer`` writes for that name and
architecture. The function package is built by ``handler/Makefile`` (as ``sam build`` does) and
zipped here with deflate, as ``sam`` uploads it. Sizes are bytes, reported in MB (10^6 bytes, the
unit of the issue's goals) and MiB.
"""

from __future__ import annotations

import re
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import yaml

from benchmarks.settings import REPO_ROOT

sys.path[0:0] = [str(REPO_ROOT / "handler"), str(REPO_ROOT / "layers")]  # scripts, not packages

import rie  # noqa: E402

TEMPLATE = REPO_ROOT / "template.yaml"
LAYERS_MAKEFILE = REPO_ROOT / "layers" / "Makefile"
LAYER_BUILD = REPO_ROOT / "layers" / "build"
ARCHES = ("x86_64", "arm64")
# NOTE: issue 11's goal for the layers a default deploy attaches.
GOAL_UNZIPPED_MB = 40.0
GOAL_ZIPPED_MB = 14.0


class _CfnLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short forms (``!Ref X`` -> ``{"Ref": "X"}``, ``!If`` ...)."""


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    key = suffix if suffix in ("Ref", "Condition") else f"Fn::{suffix}"
    return {key: value}


_CfnLoader.add_multi_constructor("!", _tag)


class _Defaults:
    """Evaluates the template's intrinsic functions with every parameter at its default."""

    def __init__(self, template: dict[str, Any]) -> None:
        self.parameters = {k: str(v.get("Default", "")) for k, v in template["Parameters"].items()}
        self.conditions = template.get("Conditions", {})

    def value(self, node: Any) -> Any:
        if not isinstance(node, dict) or len(node) != 1:
            return node
        (key, arg), = node.items()  # fmt: skip
        if key == "Ref":
            return None if arg == "AWS::NoValue" else self.parameters.get(arg, {"Ref": arg})
        if key == "Condition":
            return self.condition(arg)
        if key == "Fn::If":
            name, when_true, when_false = arg
            return self.value(when_true if self.condition(name) else when_false)
        if key == "Fn::Equals":
            return self.value(arg[0]) == self.value(arg[1])
        if key == "Fn::Not":
            return not self.value(arg[0])
        if key == "Fn::And":
            return all(self.value(a) for a in arg)
        if key == "Fn::Or":
            return any(self.value(a) for a in arg)
        return node

    def condition(self, name: str) -> bool:
        return bool(self.value(self.conditions[name]))


def default_layers(template_path: Path = TEMPLATE) -> list[str]:
    """Logical ids of the layers the score function gets with every parameter at its default."""
    template = yaml.load(template_path.read_text(), Loader=_CfnLoader)
    defaults = _Defaults(template)
    function = template["Resources"]["ScoreFunction"]["Properties"]
    attached = [defaults.value(layer) for layer in function.get("Layers", [])]
    return [layer["Ref"] for layer in attached if isinstance(layer, dict) and "Ref" in layer]


def layer_names(makefile: Path = LAYERS_MAKEFILE) -> dict[str, str]:
    """Layer resource logical id -> ``build_layer.py --layer`` name, from ``layers/Makefile``."""
    found = re.findall(r"^build-(\w+):.*\n\t.*--layer (\w+)", makefile.read_text(), re.MULTILINE)
    return dict(found)


def layer_zip(name: str, arch: str) -> Path:
    prefix = "" if name == "dependencies" else f"{name}-"
    return LAYER_BUILD / f"{prefix}layer-{arch}.zip"


def _zip_sizes(archive: Path) -> dict[str, int]:
    with zipfile.ZipFile(archive) as opened:
        unzipped = sum(info.file_size for info in opened.infolist())
    return {"unzipped_bytes": unzipped, "zipped_bytes": archive.stat().st_size}


def _zip_folder(folder: Path) -> dict[str, int]:
    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) / "function.zip"
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(folder))
        return _zip_sizes(target)


def measure() -> dict[str, Any]:
    """Function package + default layers, unzipped and zipped, per architecture."""
    names = layer_names()
    layers = default_layers()
    package = _zip_folder(rie.build_function(rie.BUILD / "deploy-size" / "task"))
    per_arch: dict[str, Any] = {}
    for arch in ARCHES:
        parts: dict[str, Any] = {"function package": package}
        for logical_id in layers:
            archive = layer_zip(names[logical_id], arch)
            if not archive.is_file():
                raise FileNotFoundError(f"{archive.relative_to(REPO_ROOT)}: run make layer")
            parts[f"layer {logical_id}"] = _zip_sizes(archive)
        layer_parts = [v for k, v in parts.items() if k.startswith("layer ")]
        layers_total = {
            key: sum(p[key] for p in layer_parts) for key in ("unzipped_bytes", "zipped_bytes")
        }
        per_arch[arch] = {
            "parts": parts,
            "layers_total": layers_total,
            "deploy_total": {key: layers_total[key] + package[key] for key in layers_total},
            "layers_goal_met": layers_total["unzipped_bytes"] < GOAL_UNZIPPED_MB * 1e6
            and layers_total["zipped_bytes"] < GOAL_ZIPPED_MB * 1e6,
        }
    return {"status": "ok", "default_layers": layers, "arches": per_arch}


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB ({size / 2**20:.1f} MiB)"


def report_lines(result: dict[str, Any]) -> list[str]:
    if result.get("status") != "ok":
        return [f"**Default deploy size**: not measured ({result.get('reason', 'not run')})."]
    arches = result["arches"]
    lines = [
        "**Default deploy size** (`template.yaml` with every parameter at its default attaches "
        f"{', '.join(result['default_layers'])}; unzipped / zipped; goal for the layers: below "
        f"{GOAL_UNZIPPED_MB:.0f} MB unzipped and {GOAL_ZIPPED_MB:.0f} MB zipped)",
        "",
        "| part | " + " | ".join(f"{a} unzipped | {a} zipped" for a in arches) + " |",
        "|---|" + "---:|---:|" * len(arches),
    ]
    rows = [*next(iter(arches.values()))["parts"], "layers total", "deploy total"]
    for row in rows:
        cells = []
        for arch in arches.values():
            sizes = {"layers total": arch["layers_total"], "deploy total": arch["deploy_total"]}
            size = sizes.get(row) or arch["parts"][row]
            cells += [_mb(size["unzipped_bytes"]), _mb(size["zipped_bytes"])]
        lines.append(f"| {row} | " + " | ".join(cells) + " |")
    met = ", ".join(
        f"{a} {'met' if v['layers_goal_met'] else 'NOT MET'}" for a, v in arches.items()
    )
    lines += ["", f"Layer size goal: {met}."]
    return lines
