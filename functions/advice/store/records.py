"""Key schema and indexes of the advice table; the CDK app derives the table definition from it.

Items (pk / sk), all with a JSON `data` attribute holding the domain model:
- `program#<id>` / `program` (gsi1 `programs`), `test`, `articles`, `advisor#<user>` (a membership:
  `user_id`, written with the profile of every advisor approved for it); `invite#<code>` / `invite` (`uses`)
- `application#<id>` / `application`; `user#<id>` / `application#<program>` (points to it)
- `advisor#<id>` / `profile`, `stats` (rating, quality sums, response times), `card` (presence and
  routing facts, `active_sessions`, `last_offered_at`; gsi1 `online` while online or away),
  `earning#<session>`
- `conn#<connection id>` / `conn` (gsi1 `user#<id>#conns`, expires with the 2 h connection limit)
- `request#<id>` / `request` (`status`, `declined`; gsi1 `requests#open` by escalation time while
  open; gsi2 `program#<id>` / `request#<created>#<id>`)
- `session#<id>` / `session` (`status`, `first_response_at`, `media_ref`, `conversions`, `revenue`,
  `rated`; gsi1 `sessions#review` by rating time when flagged; gsi2 `program#<id>` /
  `session#<requested>#<id>`), `msg#<sent>#<id>`, `conversion#<order>`
- `user#<id>` / `session#<accepted>#<id>` for both participants
- `outbox#<event id>` / `event`: the transactional outbox (functions/common/outbox.py)
"""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute

from functions.common.dynamo import TableRecord, global_index


class AdviceRecord(TableRecord):
    """Base of every item in the advice table (single-table design on pk/sk)."""

    class Meta(TableRecord.Meta):
        table_name = "unbound"

    by_gsi1 = global_index("gsi1")
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    by_gsi2 = global_index("gsi2")
