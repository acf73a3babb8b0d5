"""A dry run of the import on the first rows of a feed: column mapping and row errors."""

from __future__ import annotations

from functions.common.errors import UnprocessableEntity
from functions.vendor.logic.domain import FeedMapping, FeedMode
from functions.vendor.logic.feeds.parsing import FeedRejected, RowProblem, open_feed
from functions.vendor.logic.feeds.rows import validate_row
from functions.vendor.models.api import FeedPreview, FeedPreviewError, FeedPreviewRow

PREVIEW_ROWS = 50


def preview(sample: bytes, mode: FeedMode, mapping: FeedMapping | None = None) -> FeedPreview:
    """The first rows as they would import (read through `mapping` when the header has its id
    column); a header without a required column names them in `missing` instead of refusing."""
    try:
        reader = open_feed([sample], mode, mapping=mapping, preview=True)
        rows: list[FeedPreviewRow] = []
        errors: list[FeedPreviewError] = []
        for count, item in enumerate(reader.rows(), start=1):
            if count > PREVIEW_ROWS:
                break
            if isinstance(item, RowProblem):
                errors.append(FeedPreviewError(line=item.line, field=item.field, code=item.code, message=item.message))
                continue
            checked = validate_row(item.fields, mode)
            if isinstance(checked, list):
                errors.extend(
                    FeedPreviewError(line=item.line, field=e.field, code=e.code, message=e.message) for e in checked
                )
                continue
            rows.append(
                FeedPreviewRow(
                    line=item.line,
                    sku=checked.id,
                    title=checked.title,
                    price=checked.price.amount if checked.price else None,
                )
            )
    except FeedRejected as exc:
        raise UnprocessableEntity(exc.reason, code=exc.code) from exc
    return FeedPreview(
        format=reader.format,
        encoding=reader.encoding,
        columns=reader.columns,
        mapped=reader.mapped,
        missing=reader.missing,
        rows=rows,
        errors=errors,
    )
