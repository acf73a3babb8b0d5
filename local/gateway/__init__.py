"""The local API Gateway: REST proxy events and the WebSocket API, in front of the local Lambdas."""
