"""The catalog's local step before start: a restored data folder may have no search index for the
current index schema (a new schema version is a new directory), so rebuild it from the catalog
table, before the indexer worker takes the index's writer lock."""

from __future__ import annotations

from local.hooks import HookContext


def before_start(ctx: HookContext) -> None:
    if not ctx.restored:
        return  # a seeded runtime indexes its products through the indexer, as on AWS
    from functions.catalog.handlers.dependencies import rebuild_search_index
    from functions.catalog.wiring import INDEXER

    rebuilt = rebuild_search_index(ctx.environment(INDEXER), ctx.client("dynamodb"))
    if rebuilt is not None:
        ctx.say(f"search index rebuilt from the catalog table: {rebuilt:,} products")
