"""Key schema and indexes of the notifications table; the CDK app derives the table definition from it.

Newsletters and campaigns (store/campaigns.py) use the prefixes `AUDIENCE#`, `NLLINK#`, `CAMPAIGN#`
and `SENDRATE#` in pk, and `AUDIENCE#subscribed`, `AUDIENCE#other` and `CAMPAIGNS` in gsi1pk.
"""

from __future__ import annotations

from functions.common.dynamo import TableRecord, global_index


class NotificationsRecord(TableRecord):
    """Base of every item in the notifications table (single-table design on pk/sk)."""

    class Meta(TableRecord.Meta):
        table_name = "unbound"

    by_gsi1 = global_index("gsi1")
