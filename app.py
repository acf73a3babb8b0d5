#!/usr/bin/env python3
"""The Plein CDK app: `npx cdk synth -c stage=dev` (stage defaults to `dev`)."""

from __future__ import annotations

import os

from aws_cdk import App

from infra.composition import build

app = App()
# Each stage pins its region and (outside dev) its account (infra/config.py, cdk.json `plein:accounts`);
# a dev stage without a pinned account deploys to the account of the caller's credentials.
build(app, default_account=os.environ.get("CDK_DEFAULT_ACCOUNT"))
app.synth()
