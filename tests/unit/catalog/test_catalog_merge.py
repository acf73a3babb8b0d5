"""Merging offer changes into the product read model: idempotent, order-tolerant, correct content."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from functions.catalog.logic.domain import Product, merge, to_document
from functions.catalog.models.consumed import OfferChangeView
from tests.unit.catalog.fakes import T0, offer, upserted, withdrawn

Change = tuple[OfferChangeView, datetime]


def change(raw: dict[str, object], at: datetime = T0) -> Change:
    return OfferChangeView.model_validate(raw), at


@st.composite
def histories(draw: st.DrawFn) -> list[Change]:
    """A plausible history: per offer, upserts with rising revisions and times, some withdrawals
    (a withdrawal is relayed after the upsert before it), possibly re-listed afterwards."""
    history: list[Change] = []
    for index in range(draw(st.integers(1, 3))):
        offer_id = f"o{index}"
        revision, minute = 0, 0
        for _ in range(draw(st.integers(1, 5))):
            minute += draw(st.integers(1, 30))
            if draw(st.booleans()) or revision == 0:
                revision += 1
                price = draw(st.integers(100, 10_000))
                quantity = draw(st.integers(0, 3))
                snapshot = offer(
                    offer_id,
                    revision=revision,
                    updated=timedelta(minutes=minute),
                    price=price,
                    quantity=quantity,
                    vendor_id=f"v{index}",
                )
                history.append(change(upserted(snapshot), T0 + timedelta(minutes=minute)))
            else:
                history.append(change(withdrawn(offer_id, "p1"), T0 + timedelta(minutes=minute)))
    return history


@settings(max_examples=200, deadline=None)
@given(history=histories(), data=st.data())
def test_any_order_and_redelivery_converge(history: list[Change], data: st.DataObject) -> None:
    # Given the changes in their real order, and the same changes shuffled with duplicates
    in_order = merge(Product(product_id="p1"), history)
    shuffled = data.draw(st.permutations(history + data.draw(st.lists(st.sampled_from(history), max_size=5))))

    # When they are applied one at a time in the shuffled order (separate events)
    product = Product(product_id="p1")
    for item in shuffled:
        product = merge(product, [item])

    # Then both end in the same product
    assert product == in_order


@settings(max_examples=100, deadline=None)
@given(history=histories())
def test_final_state_is_the_last_change_of_each_offer(history: list[Change]) -> None:
    product = merge(Product(product_id="p1"), history)
    last: dict[str, Change] = {}
    for item in history:
        last[item[0].offer_id] = item

    live = {o.offer_id for o in product.live_offers()}
    assert live == {oid for oid, (c, _) in last.items() if c.change == "upserted"}
    for offer_view in product.live_offers():
        expected = last[offer_view.offer_id][0].offer
        assert expected is not None
        assert offer_view.revision == expected.revision


def test_an_older_revision_is_ignored() -> None:
    newer = change(upserted(offer(revision=3, updated=timedelta(minutes=3), price=1000)))
    older = change(upserted(offer(revision=2, updated=timedelta(minutes=2), price=2000)))

    product = merge(Product(product_id="p1"), [newer, older])

    assert [o.price for o in product.live_offers()] == [1000]


def test_withdrawal_removes_the_offer_and_a_late_older_upsert_does_not_revive_it() -> None:
    listed = change(upserted(offer(revision=1)))
    gone = change(withdrawn("o1", "p1"), T0 + timedelta(minutes=5))

    product = merge(merge(Product(product_id="p1"), [listed]), [gone])
    product = merge(product, [listed])

    assert not product.listed
    assert to_document(product, T0) is None


def test_changes_of_other_products_are_ignored() -> None:
    product = merge(Product(product_id="p1"), [change(upserted(offer(product_id="p2")))])

    assert product.offers == {}


def test_document_uses_lowest_in_stock_price_and_active_sale() -> None:
    # Given: an out-of-stock cheap offer, an in-stock offer on sale now, and a plain in-stock one
    changes = [
        change(upserted(offer("a", vendor_id="va", price=1000, quantity=0))),
        change(
            upserted(
                offer(
                    "b",
                    vendor_id="vb",
                    price=3000,
                    sale_price=2500,
                    sale_starts_at=(T0 - timedelta(days=1)).isoformat(),
                    sale_ends_at=(T0 + timedelta(days=1)).isoformat(),
                )
            )
        ),
        change(upserted(offer("c", vendor_id="vc", price=2800))),
    ]
    product = merge(Product(product_id="p1"), changes)

    document = to_document(product, T0)
    after_sale = to_document(product, T0 + timedelta(days=2))

    assert document is not None
    assert after_sale is not None
    assert (document.price, document.in_stock, document.offer_count) == (2500, True, 3)
    assert after_sale.price == 2800
    assert [v.vendor_id for v in document.vendors] == ["va", "vb", "vc"]


def test_content_comes_from_the_most_recent_offer() -> None:
    changes = [
        change(upserted(offer("a", title="Old title", brand=None, updated=timedelta(minutes=1)))),
        change(upserted(offer("b", vendor_id="v2", title="New title", brand="WMF", updated=timedelta(minutes=9)))),
    ]

    document = to_document(merge(Product(product_id="p1"), changes), T0)

    assert document is not None
    assert (document.title, document.brand) == ("New title", "WMF")


def test_an_offer_withdrawn_and_put_back_in_one_batch_stays_listed() -> None:
    # The relay publishes both after they happened: the event's time is later than either.
    published = T0 + timedelta(minutes=10)
    gone = withdrawn("o1", "p1") | {"withdrawn_at": (T0 + timedelta(minutes=1)).isoformat(), "revision": 2}
    back = upserted(offer(revision=3, updated=timedelta(minutes=2)))

    for order in ([gone, back], [back, gone]):
        product = merge(Product(product_id="p1"), [change(item, published) for item in order])
        assert product.listed, order
