"""Checks `make deploy` runs before `cdk deploy`: `python -m infra.deploy_check <stage>`.

- the stage's settings in cdk.json are real (a kept stage's alarm e-mail is not a `.invalid`
  placeholder);
- the caller's credentials are for the stage's pinned account;
- that account and region are bootstrapped (the `CDKToolkit` stack exists and is complete), else
  it prints the `cdk bootstrap` command to run.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from infra.config import REPO_ROOT, StageConfig, stage_config

BOOTSTRAP_STACK = "CDKToolkit"
PLACEHOLDER_DOMAIN = ".invalid"  # RFC 2606: cdk.json ships placeholders under it


def load_stage(name: str) -> StageConfig:
    context: dict[str, Any] = json.loads((REPO_ROOT / "cdk.json").read_text())["context"]
    return stage_config(name, accounts=context.get("plein:accounts"), alarm_emails=context.get("plein:alarmEmails"))


def problems(stage: StageConfig, *, sts: Any, cloudformation: Any) -> list[str]:
    found = []
    if not stage.disposable and (stage.alarm_email is None or stage.alarm_email.endswith(PLACEHOLDER_DOMAIN)):
        found.append(f"set a real alarm e-mail for {stage.name} in cdk.json `plein:alarmEmails`")
    caller = str(sts.get_caller_identity()["Account"])
    if stage.account is not None and caller != stage.account:
        found.append(
            f"the credentials are for account {caller}, but {stage.name} is pinned to {stage.account} "
            "(cdk.json `plein:accounts`): switch credentials or fix the pin"
        )
    account = stage.account or caller
    hint = f"bootstrap it once: npx cdk bootstrap aws://{account}/{stage.region}"
    try:
        stacks = cloudformation.describe_stacks(StackName=BOOTSTRAP_STACK)["Stacks"]
    except cloudformation.exceptions.ClientError as exc:
        if "does not exist" not in str(exc):
            raise
        found.append(f"{account}/{stage.region} is not bootstrapped for the CDK; {hint}")
    else:
        status = stacks[0]["StackStatus"]
        if not status.endswith("_COMPLETE") or status.startswith(("DELETE", "ROLLBACK")):
            found.append(f"the {BOOTSTRAP_STACK} stack in {account}/{stage.region} is {status}; {hint}")
    return found


def main(argv: list[str] | None = None) -> int:
    import boto3

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.stderr.write("usage: python -m infra.deploy_check <stage>\n")
        return 2
    stage = load_stage(args[0])
    session = boto3.Session(region_name=stage.region)
    found = problems(stage, sts=session.client("sts"), cloudformation=session.client("cloudformation"))
    for problem in found:
        sys.stderr.write(f"deploy check: {problem}\n")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
