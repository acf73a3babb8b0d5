"""A test-only context the e2e fixture wires into the local runtime beside the marketplace's own.

It exercises the runtime itself (authorizer, groups, EventBridge → SQS → poller, DLQ, WebSocket
routes and `@connections`) without depending on any context's business code.
"""
