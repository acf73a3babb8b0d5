"""What the community does with other contexts' events, once per event id.

OrderDelivered: each delivered product becomes a verified purchase of the shopper (their review
of it, now or later, is marked verified) and the vendor a seller of it (it may reply to the
product's reviews). StageChanged: the member's rewards stage shows as a badge on their profile.
"""

from __future__ import annotations

from datetime import timedelta

from functions.community.logic.deps import Deps
from functions.community.logic.domain import Profile, review_id_of
from functions.community.logic.members import profile_ref
from functions.community.logic.paging import retrying
from functions.community.logic.ports import Change, Put, Ref
from functions.community.logic.reviews import purchase_ref, seller_ref
from functions.community.models.consumed import OrderDeliveredView, StageChangedView

REMEMBER_EVENTS = timedelta(days=30)
"""How long a handled event id is remembered (longer than the bus and queues retry)."""


class EventConsumer:
    def __init__(self, deps: Deps):
        self._docs = deps.docs
        self._clock = deps.clock

    def _once(self, event_id: str, changes: list[Change]) -> None:
        """Commit `changes` with a mark of the event, unless the event was handled already."""
        mark = Ref("event", event_id)
        if self._docs.get(mark) is not None:
            return
        expires = self._clock() + REMEMBER_EVENTS
        self._docs.commit([Put(mark, {"handled": True}, expect=0, expires_at=expires), *changes])

    def order_delivered(self, event: OrderDeliveredView) -> None:
        def attempt() -> None:
            changes: list[Change] = []
            vendor_of = {line.product_id: line.vendor_id for line in event.lines}
            sellers = list(dict.fromkeys((line.vendor_id, line.product_id) for line in event.lines))
            changes += [
                Put(purchase_ref(event.user_id, product_id), {"order_id": event.order_id, "vendor_id": vendor_id})
                for product_id, vendor_id in vendor_of.items()
            ]
            changes += [Put(seller_ref(vendor_id, product_id), {}) for vendor_id, product_id in sellers]
            reviews = self._docs.get_many([Ref("review", review_id_of(p, event.user_id)) for p in vendor_of])
            changes += [
                Put(
                    doc.ref,
                    {**doc.data, "verified": True, "vendor_id": vendor_of[doc.data["product_id"]]},
                    expect=doc.version,
                )
                for doc in reviews.values()
                if not doc.data.get("verified")
            ]
            self._once(event.event_id, changes)

        retrying(attempt)  # a concurrent delivery of the same event: the retry finds its mark

    def stage_changed(self, event: StageChangedView) -> None:
        def attempt() -> None:
            doc = self._docs.get(profile_ref(event.user_id))
            profile = (
                Profile.model_validate(doc.data) if doc else Profile(user_id=event.user_id, joined_at=event.occurred_at)
            )
            badges = list(dict.fromkeys([*profile.badges, event.new_stage]))
            updated = profile.model_copy(update={"stage": event.new_stage, "badges": badges})
            put = Put(profile_ref(event.user_id), updated.model_dump(mode="json"), expect=doc.version if doc else 0)
            self._once(event.event_id, [put])

        retrying(attempt)  # a concurrent delivery of the same event: the retry finds its mark
