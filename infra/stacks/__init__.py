"""The stacks of the Plein CDK app, one per concern; each only composes constructs."""
