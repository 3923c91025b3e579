"""template.yaml after SAM's transform: the API and the warm-up invoke the ``live`` alias, which
CodeDeploy shifts to each new version as ``DeploymentType`` says, rolled back by the alarms."""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any

import pytest

from tests.handler.conftest import ROOT

SAM_PYTHON = ROOT / ".venv-sam" / "bin" / "python"
ROLLBACK_ALARMS = {
    "NewVersionErrorsAlarm",
    "NewVersionServerErrorsAlarm",
    "ModelRefreshFailedAlarm",
}

pytestmark = pytest.mark.skipif(
    not SAM_PYTHON.is_file(), reason="SAM's translator is in .venv-sam: run `make template-lint`"
)


def transformed(**parameters: str) -> dict[str, Any]:
    done = subprocess.run(
        [str(SAM_PYTHON), str(ROOT / "tests" / "handler" / "sam_translate.py"),
         str(ROOT / "template.yaml"), json.dumps(parameters)],
        capture_output=True, text=True, timeout=120, check=True,
        env={**os.environ, "AWS_DEFAULT_REGION": "us-east-1"},
    )  # fmt: skip
    resources: dict[str, Any] = json.loads(done.stdout)["Resources"]
    return resources


def test_a_canary_deploy_shifts_the_live_alias_and_the_alarms_roll_it_back() -> None:
    resources = transformed(DeploymentType="Canary10Percent5Minutes", ModelBucket="models")

    # THEN CodeDeploy shifts the alias in a canary, rolled back by each of the three alarms
    group = resources["ScoreFunctionDeploymentGroup"]["Properties"]
    assert group["DeploymentConfigName"]["Fn::Sub"][1] == {"ConfigName": "Canary10Percent5Minutes"}
    alarms = {alarm["Name"]["Ref"] for alarm in group["AlarmConfiguration"]["Alarms"]}
    assert alarms == ROLLBACK_ALARMS
    assert "DEPLOYMENT_STOP_ON_ALARM" in group["AutoRollbackConfiguration"]["Events"]
    alias = resources["ScoreFunctionAliaslive"]
    assert "CodeDeployLambdaAliasUpdate" in alias["UpdatePolicy"]
    # AND the version alarms watch the version being deployed, not the function as a whole
    for name in ("NewVersionErrorsAlarm", "NewVersionServerErrorsAlarm"):
        dimensions = {d["Name"]: d["Value"] for d in resources[name]["Properties"]["Dimensions"]}
        version = dimensions.get("ExecutedVersion") or dimensions.get("FunctionVersion")
        assert version == alias["Properties"]["FunctionVersion"], name


def test_the_api_and_the_warm_up_invoke_the_live_alias() -> None:
    resources = transformed()
    paths = resources["ScoreApi"]["Properties"]["Body"]["paths"]
    uris = [
        json.dumps(operation["x-amazon-apigateway-integration"]["uri"])
        for methods in paths.values()
        for operation in methods.values()
    ]
    # NOTE: five routes, each with its CORS preflight (OPTIONS)
    assert len(uris) == 10
    assert all("${ScoreFunctionAliaslive}/invocations" in uri for uri in uris)
    (target,) = resources["ScoreFunctionWarmUp"]["Properties"]["Targets"]
    assert target["Arn"] == {"Ref": "ScoreFunctionAliaslive"}
    # AND a deploy with the defaults shifts all at once
    group = resources["ScoreFunctionDeploymentGroup"]["Properties"]
    assert group["DeploymentConfigName"]["Fn::Sub"][1] == {"ConfigName": "AllAtOnce"}


def test_the_challenger_is_configured_and_readable_only_under_its_condition() -> None:
    resources = transformed(ModelBucket="models", ChallengerKey="models/next.zip")
    variables = resources["ScoreFunction"]["Properties"]["Environment"]["Variables"]
    assert variables["CHALLENGER_URI"]["Fn::If"][0] == "HasChallenger"
    assert {"CHALLENGER_PERCENT", "CHALLENGER_MODE"} <= set(variables)
    (policy,) = [
        policy
        for policy in resources["ScoreFunctionRole"]["Properties"]["Policies"]
        if policy["Fn::If"][0] == "HasModelBucket"
    ]
    (statement,) = policy["Fn::If"][1]["PolicyDocument"]["Statement"]
    model_object, challenger_object = statement["Resource"]
    assert "${ModelKey}" in model_object["Fn::Sub"]
    assert challenger_object["Fn::If"][0] == "HasChallenger"
    assert "${ChallengerKey}" in challenger_object["Fn::If"][1]["Fn::Sub"]
