"""Key schema and indexes of the rewards table; the CDK app derives the table definition from it.

gsi1: a member's gift cards (`GIFTCARDS#<user>`), a referrer's referrals (`REFERRER#<user>`) and
stage periods by their end (`PERIOD`). gsi2: members per journey stage (`STAGE#<stage>`) and
referrals by the end of their return window (`REFERRALS_DUE`).
"""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute

from functions.common.dynamo import TableRecord, global_index


class RewardsRecord(TableRecord):
    """Base of every item in the rewards table (single-table design on pk/sk)."""

    class Meta(TableRecord.Meta):
        table_name = "unbound"

    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    by_gsi1 = global_index("gsi1")
    by_gsi2 = global_index("gsi2")
