"""Key schema and indexes of the orders table; the CDK app derives the table definition from it.

Items (pk / sk):
- `OFFER#<offer_id>` / `INVENTORY`: the inventory projection of a vendor offer with its stock counters;
- `VENDOR#<vendor_id>` / `TERMS`: commission, shipping rules and return days from `VendorUpdated`;
- `CART#<user_id>` / `CART`: a shopper's cart (one item, optimistic on `version`);
- `CHECKOUT#<user_id>#<key>` / `IDEMPOTENCY`: a checkout's Idempotency-Key record (with `ttl`);
- `ORDER#<order_id>` / `ORDER`: the order document; gsi1 `SHOPPER#<user_id>` once paid;
- `ORDER#<order_id>` / `SUB#<vendor_id>`: a vendor's sub-order view; gsi1 `VENDOR#<vendor_id>#ORDERS`,
  gsi2 `COMPLETION` while delivered (sorted by the end of the return window);
- `ORDER#<order_id>` / `CHUNK#<n>`: a stock reservation chunk; gsi1 `RESERVATIONS#HELD` while held
  (sorted by expiry);
- `RETURN#<return_id>` / `RETURN`: which order a return request belongs to;
- `PAYMENT#<payment_id>` / `PAYMENT`: the local payment provider's payments; gsi1 `PAYMENTS`;
- `outbox#<event_id>` / `event`: the transactional outbox (functions/common/outbox.py), relayed from
  the table stream, expiring by `ttl`.
"""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute

from functions.common.dynamo import TableRecord, global_index


class OrdersRecord(TableRecord):
    """Base of every item in the orders table (single-table design on pk/sk)."""

    class Meta(TableRecord.Meta):
        table_name = "unbound"

    by_gsi1 = global_index("gsi1")
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    by_gsi2 = global_index("gsi2")
