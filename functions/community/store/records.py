"""Key schema and indexes of the community table; the CDK app derives the table definition from it."""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from functions.common.dynamo import TableRecord


class ByGsi1(GlobalSecondaryIndex["CommunityRecord"]):
    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class CommunityRecord(TableRecord):
    """Base of every item in the community table (single-table design on pk/sk)."""

    class Meta(TableRecord.Meta):
        table_name = "unbound"

    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    by_gsi1 = ByGsi1()
