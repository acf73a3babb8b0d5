"""Powertools Logger, Tracer and Metrics, configured the same way in every function.

Kept out of `handlers/` so that logic and stores can use them without importing handlers.
"""

from __future__ import annotations

from functools import cache

from aws_lambda_powertools import Logger, Metrics, Tracer

METRICS_NAMESPACE = "Plein"


@cache
def logger() -> Logger:
    return Logger()


@cache
def tracer() -> Tracer:
    return Tracer()


@cache
def metrics() -> Metrics:
    return Metrics(namespace=METRICS_NAMESPACE)
