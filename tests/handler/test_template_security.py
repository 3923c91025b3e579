"""template.yaml after SAM's transform: who may call the API, how much, from which origins, what is
logged for how long, what raises an alarm, and what the function may read (the salt, the key)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.handler.test_template_rollout import SAM_PYTHON, transformed

pytestmark = pytest.mark.skipif(
    not SAM_PYTHON.is_file(), reason="SAM's translator is in .venv-sam: run `make template-lint`"
)
ROUTES = {("/score", "post"), ("/model", "get"), ("/health", "get"), ("/transform", "post"),
          ("/invocations", "post")}  # fmt: skip


def operations(resources: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    paths = resources["ScoreApi"]["Properties"]["Body"]["paths"]
    return {(path, method): op for path, methods in paths.items() for method, op in methods.items()}


@pytest.fixture(scope="module")
def defaults() -> dict[str, Any]:
    return transformed(ModelBucket="models")


def test_every_route_requires_the_auth_apiauth_chooses_and_the_default_is_iam(
    defaults: dict[str, Any],
) -> None:
    ops = operations(defaults)
    assert set(ops) >= ROUTES
    for route in ROUTES:
        # THEN each route's security is IAM (SigV4) or the API key, as ApiAuth says
        iam, otherwise = ops[route]["security"]["Fn::If"][1:]
        assert ops[route]["security"]["Fn::If"][0] == "AuthByIam" and iam == [{"sigv4": []}]
        assert otherwise["Fn::If"][:2] == ["AuthByApiKey", [{"api_key": []}]]
    definitions = defaults["ScoreApi"]["Properties"]["Body"]["securityDefinitions"]
    assert definitions["sigv4"]["x-amazon-apigateway-authtype"] == "awsSigv4"
    assert definitions["api_key"]["name"] == "x-api-key"
    # AND the default is IAM; the API key, its usage plan and quota exist under API_KEY only
    template_parameters = parameters()
    assert template_parameters["ApiAuth"]["Default"] == "AWS_IAM"
    for name in ("ApiUsagePlan", "ApiKey", "ApiUsagePlanKey"):
        assert defaults[name]["Condition"] == "AuthByApiKey", name
    plan = defaults["ApiUsagePlan"]["Properties"]
    assert plan["Quota"] == {"Limit": {"Ref": "ApiKeyQuotaPerDay"}, "Period": "DAY"}
    assert plan["ApiStages"][0]["ApiId"] == {"Ref": "ScoreApi"}


def test_the_stage_is_throttled_and_the_function_concurrency_reserved(
    defaults: dict[str, Any],
) -> None:
    (setting,) = defaults["ScoreApiProdStage"]["Properties"]["MethodSettings"]
    assert setting["ResourcePath"] == "/*" and setting["HttpMethod"] == "*"
    assert setting["ThrottlingRateLimit"] == {"Ref": "ApiThrottleRate"}
    assert setting["ThrottlingBurstLimit"] == {"Ref": "ApiThrottleBurst"}
    reserved = defaults["ScoreFunction"]["Properties"]["ReservedConcurrentExecutions"]
    assert reserved["Fn::If"] == [
        "HasReservedConcurrency", {"Ref": "ReservedConcurrency"}, {"Ref": "AWS::NoValue"}
    ]  # fmt: skip
    assert int(parameters()["ReservedConcurrency"]["Default"]) > 0


def test_preflights_reach_the_function_without_auth_and_it_knows_the_origins(
    defaults: dict[str, Any],
) -> None:
    ops = operations(defaults)
    for path, _ in ROUTES:
        preflight = ops[(path, "options")]
        assert "security" not in preflight
        integration = json.dumps(preflight["x-amazon-apigateway-integration"])
        assert "${ScoreFunctionAliaslive}" in integration
    permission = defaults["PreflightPermission"]["Properties"]
    assert "/*/OPTIONS/*" in permission["SourceArn"]["Fn::Sub"]
    variables = defaults["ScoreFunction"]["Properties"]["Environment"]["Variables"]
    assert variables["CORS_ALLOW_ORIGINS"] == {"Ref": "CorsAllowOrigins"}


def test_access_logs_and_function_logs_are_kept_for_the_retention_period(
    defaults: dict[str, Any],
) -> None:
    for name in ("FunctionLogGroup", "ApiAccessLogGroup"):
        assert defaults[name]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    function = defaults["ScoreFunction"]["Properties"]
    assert function["LoggingConfig"]["LogGroup"] == {"Ref": "FunctionLogGroup"}
    access = defaults["ScoreApiProdStage"]["Properties"]["AccessLogSetting"]
    assert access["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
    # AND the access log holds no personal data: no source IP, no user agent
    assert "$context.requestId" in access["Format"]
    assert "sourceIp" not in access["Format"] and "userAgent" not in access["Format"]


def test_throttles_and_5xx_raise_alarms(defaults: dict[str, Any]) -> None:
    metrics = {
        (props["Namespace"], props["MetricName"])
        for resource in defaults.values()
        if resource["Type"] == "AWS::CloudWatch::Alarm"
        for props in [resource["Properties"]]
    }
    expected = {("AWS/Lambda", "Throttles"), ("AWS/ApiGateway", "5XXError"),
                ("AWS/ApiGateway", "4XXError"), ("snowleap", "ServerErrorResponses")}  # fmt: skip
    assert metrics >= expected


def test_the_salt_comes_from_ssm_and_the_model_key_may_be_decrypted_through_s3() -> None:
    resources = transformed(
        ModelBucket="models",
        SessionSaltParameter="/snowleap/salt",
        ModelKmsKeyArn="arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    )
    variables = resources["ScoreFunction"]["Properties"]["Environment"]["Variables"]
    # THEN the salt is no environment variable: the function is told where to read it
    assert "SESSION_SALT" not in variables
    assert variables["SESSION_SALT_PARAMETER"] == {"Ref": "SessionSaltParameter"}
    assert variables["MODEL_DETAILS"] == {"Ref": "ModelDetails"}
    assert parameters()["ModelDetails"]["Default"] == "minimal"
    statements = {
        statement["Sid"]: (policy["Fn::If"][0], statement)
        for policy in resources["ScoreFunctionRole"]["Properties"]["Policies"]
        for statement in policy["Fn::If"][1]["PolicyDocument"]["Statement"]
    }
    condition, salt = statements["ReadTheSessionSalt"]
    assert condition == "HasSaltParameter" and salt["Action"] == "ssm:GetParameter"
    assert "parameter${SessionSaltParameter}" in salt["Resource"]["Fn::Sub"]
    condition, key = statements["DecryptTheModelThroughS3"]
    assert condition == "HasModelKmsKey" and key["Action"] == "kms:Decrypt"
    assert key["Resource"] == {"Ref": "ModelKmsKeyArn"}
    assert "kms:ViaService" in key["Condition"]["StringEquals"]


def parameters() -> dict[str, Any]:
    from tests.handler.conftest import ROOT
    from tests.handler.test_template_routes import TemplateLoader, yaml

    template = yaml.load((ROOT / "template.yaml").read_text(), Loader=TemplateLoader)
    found: dict[str, Any] = template["Parameters"]
    return found
