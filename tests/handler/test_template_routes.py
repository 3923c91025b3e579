"""Every API route ``template.yaml`` deploys reaches a route of the handler (none is a 404)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

import app as handler
from tests.handler.conftest import ROOT, FakeLambdaContext, ServiceFactory, rest_event


class TemplateLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short tags (``!Ref``, ``!Sub``...) read as plain values."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


TemplateLoader.add_multi_constructor("!", _any_tag)


def api_events() -> list[tuple[str, str]]:
    template = yaml.load((ROOT / "template.yaml").read_text(), Loader=TemplateLoader)
    events = template["Resources"]["ScoreFunction"]["Properties"]["Events"]
    return sorted(
        (event["Properties"]["Method"].upper(), event["Properties"]["Path"])
        for event in events.values()
        if event["Type"] == "Api"
    )


def test_the_template_deploys_the_row_routes() -> None:
    assert {("POST", "/transform"), ("POST", "/invocations"), ("POST", "/score")} <= set(
        api_events()
    )


@pytest.mark.parametrize(("method", "path"), api_events())
def test_each_deployed_route_is_a_route_of_the_handler(
    method: str, path: str, make_service: ServiceFactory, lambda_context: FakeLambdaContext
) -> None:
    make_service(str(ROOT / "bundles" / "snowleap-default.zip"))
    body = "{}" if method == "POST" else None
    event = rest_event(method, path, body, "application/json" if body else None)
    response = handler.lambda_handler(event, lambda_context)
    assert response["statusCode"] != 404, (method, path, response["body"])
