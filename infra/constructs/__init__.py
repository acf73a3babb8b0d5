"""Reusable constructs of the Plein CDK app, one concern each."""
