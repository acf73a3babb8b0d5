"""The probe table: pk/sk and one GSI, like every context table."""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute

from functions.common.dynamo import TableRecord, global_index


class ProbeRecord(TableRecord):
    class Meta(TableRecord.Meta):
        table_name = "unbound"

    by_gsi1 = global_index("gsi1")
    note = UnicodeAttribute(null=True)


def bound() -> type[ProbeRecord]:
    from functions.common.dynamo import bind_table
    from functions.common.settings import TableSettings, load_settings

    bind_table(ProbeRecord, load_settings(TableSettings).table_name)
    return ProbeRecord
