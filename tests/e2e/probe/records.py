"""The probe table: pk/sk and one GSI, like every context table."""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from functions.common.dynamo import TableRecord


class ByGsi1(GlobalSecondaryIndex["ProbeRecord"]):
    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class ProbeRecord(TableRecord):
    class Meta(TableRecord.Meta):
        table_name = "unbound"

    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    by_gsi1 = ByGsi1()
    note = UnicodeAttribute(null=True)


def bound() -> type[ProbeRecord]:
    from functions.common.dynamo import bind_table
    from functions.common.settings import TableSettings, load_settings

    bind_table(ProbeRecord, load_settings(TableSettings).table_name)
    return ProbeRecord
