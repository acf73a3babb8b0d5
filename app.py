#!/usr/bin/env python3
"""The Plein CDK app: `npx cdk synth -c stage=dev` (stage defaults to `dev`)."""

from __future__ import annotations

import os

from aws_cdk import App, Environment

from infra.composition import build

app = App()
account, region = os.environ.get("CDK_DEFAULT_ACCOUNT"), os.environ.get("CDK_DEFAULT_REGION")
build(app, env=Environment(account=account, region=region) if account and region else None)
app.synth()
