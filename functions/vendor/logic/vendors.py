"""Vendor accounts: application, admin approval, profile and terms, storefront and dashboard."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from functions.common.auth import Principal, Role
from functions.common.errors import Conflict, Forbidden, NotFound
from functions.common.events import EventPublisher
from functions.common.pagination import CursorCodec, Page, clamp_limit
from functions.vendor.logic import ids
from functions.vendor.logic.domain import Vendor, VendorStatus
from functions.vendor.logic.ports import FeedRepository, OfferRepository, UserDirectory, VendorRepository
from functions.vendor.models.api import (
    Dashboard,
    LastFeed,
    PublicVendor,
    Storefront,
    VendorApplication,
    VendorApplicationOut,
    VendorApproval,
    VendorDecline,
    VendorOut,
    VendorPatch,
)
from functions.vendor.models.events import VendorApproved, VendorDeclined, VendorUpdated


def to_out(vendor: Vendor) -> VendorOut:
    return VendorOut.model_validate(vendor.model_dump())


def to_public(vendor: Vendor) -> PublicVendor:
    return PublicVendor(**vendor.model_dump(), website=vendor.contact.website)


def updated_event(vendor: Vendor) -> VendorUpdated:
    return VendorUpdated(
        vendor_id=vendor.vendor_id,
        name=vendor.name,
        status=vendor.status,
        commission_bps=vendor.commission_bps,
        shipping_rules=vendor.shipping_rules,
        return_days=vendor.return_days,
    )


class VendorService:
    def __init__(
        self,
        *,
        vendors: VendorRepository,
        offers: OfferRepository,
        feeds: FeedRepository,
        users: UserDirectory,
        publisher: EventPublisher,
        cursors: CursorCodec,
        clock: Callable[[], datetime],
    ):
        self._vendors = vendors
        self._offers = offers
        self._feeds = feeds
        self._users = users
        self._publisher = publisher
        self._cursors = cursors
        self._clock = clock

    def apply(self, caller: Principal, body: VendorApplication) -> VendorOut:
        now = self._clock()
        vendor = Vendor(
            vendor_id=ids.vendor_id(),
            name=body.name,
            owner_user_id=caller.user_id,
            owner_username=caller.username,
            story=body.story,
            logo_url=body.logo_url,
            contact=body.contact,
            created_at=now,
            updated_at=now,
        )
        self._vendors.create(vendor)
        return to_out(vendor)

    def approve(self, caller: Principal, vendor_id: str, body: VendorApproval) -> VendorOut:
        caller.require(Role.ADMIN)
        vendor = self._existing(vendor_id)
        if vendor.status == "approved":
            raise Conflict("the vendor is already approved", code="already_approved")
        now = self._clock()
        changes: dict[str, object] = {
            "status": "approved",
            "approved_at": now,
            "updated_at": now,
            "decline_reason": None,
        }
        if body.commission_bps is not None:
            changes["commission_bps"] = body.commission_bps
        approved = vendor.model_copy(update={**changes, "revision": vendor.revision + 1})
        # Bind the account first: if that fails, the vendor stays pending and approval can be retried.
        self._users.bind_vendor(vendor.owner_username or vendor.owner_user_id, vendor_id)
        self._vendors.save(approved, vendor.revision)
        self._publisher.publish(
            [
                VendorApproved(vendor_id=vendor_id, name=approved.name, owner_user_id=approved.owner_user_id),
                updated_event(approved),
            ]
        )
        return to_out(approved)

    def decline(self, caller: Principal, vendor_id: str, body: VendorDecline) -> VendorOut:
        caller.require(Role.ADMIN)
        vendor = self._existing(vendor_id)
        if vendor.status != "pending":
            raise Conflict(
                f"only a pending application can be declined (this one is {vendor.status})", code="not_pending"
            )
        now = self._clock()
        declined = vendor.model_copy(
            update={
                "status": "declined",
                "decline_reason": body.reason,
                "updated_at": now,
                "revision": vendor.revision + 1,
            }
        )
        self._vendors.save(declined, vendor.revision)
        self._publisher.publish(
            [
                VendorDeclined(
                    vendor_id=vendor_id, name=vendor.name, owner_user_id=vendor.owner_user_id, reason=body.reason
                )
            ]
        )
        return to_out(declined)

    def applications(
        self, caller: Principal, status: VendorStatus, limit: int | None, cursor: str | None
    ) -> Page[VendorApplicationOut]:
        """Vendor accounts in one status for the admin console, oldest application first."""
        caller.require(Role.ADMIN)
        scope = f"vendors:{status}"
        after = (self._cursors.decode(cursor, scope) or {}).get("after")
        vendors, last = self._vendors.with_status(status, clamp_limit(limit), after)
        return Page(
            items=[VendorApplicationOut.model_validate(v.model_dump()) for v in vendors],
            next_cursor=self._cursors.encode({"after": last} if last else None, scope),
        )

    def mine(self, caller: Principal) -> VendorOut:
        """The caller's own vendor account or application (NotFound when they never applied)."""
        vendor = self._vendors.owned_by(caller.user_id)
        if vendor is None:
            raise NotFound("you have not applied as a vendor", code="no_application")
        return to_out(vendor)

    def get(self, caller: Principal, vendor_id: str) -> VendorOut:
        vendor = self._existing(vendor_id)
        if not (caller.has(Role.ADMIN) or caller.user_id == vendor.owner_user_id):
            caller.require_vendor(vendor_id)
        return to_out(vendor)

    def patch(self, caller: Principal, vendor_id: str, body: VendorPatch) -> VendorOut:
        vendor = self._existing(vendor_id)
        if not (caller.has(Role.ADMIN) or caller.user_id == vendor.owner_user_id):
            caller.require_vendor(vendor_id)
        changes = body.model_dump(include=body.model_fields_set)
        if "commission_bps" in changes and not caller.has(Role.ADMIN):
            raise Forbidden("only an admin changes the commission rate", code="commission_admin_only")
        if "shipping_rules" in changes:
            changes["shipping_rules"] = body.shipping_rules
        if "contact" in changes:
            changes["contact"] = body.contact
        if vendor.status == "declined" and caller.user_id == vendor.owner_user_id:
            # the applicant changing a declined application resubmits it
            changes |= {"status": "pending", "decline_reason": None}
        updated = vendor.model_copy(update={**changes, "updated_at": self._clock(), "revision": vendor.revision + 1})
        updated = Vendor.model_validate(updated.model_dump())
        self._vendors.save(updated, vendor.revision)
        if updated.status == "approved":
            self._publisher.publish([updated_event(updated)])
        return to_out(updated)

    def storefront(self, vendor_id: str, limit: int | None, cursor: str | None) -> Storefront:
        """The public profile and a page of live offers of an approved vendor (anyone may look)."""
        scope = f"storefront:{vendor_id}"
        after = self._cursors.decode(cursor, scope)
        vendor = self._existing(vendor_id)
        if vendor.status != "approved":
            raise NotFound("no such vendor", code="vendor_not_found")
        offers, last = self._offers.list_by_vendor(vendor_id, clamp_limit(limit), (after or {}).get("after"))
        return Storefront(
            vendor=to_public(vendor),
            offers=[o.snapshot for o in offers],
            next_cursor=self._cursors.encode({"after": last} if last else None, scope),
        )

    def dashboard(self, caller: Principal, vendor_id: str) -> Dashboard:
        caller.require_vendor(vendor_id)
        self._existing(vendor_id)
        stats = self._vendors.stats(vendor_id)
        latest = self._feeds.latest(vendor_id)
        last_feed = (
            LastFeed(feed_id=latest.feed_id, status=latest.status, counts=latest.counts, finished_at=latest.finished_at)
            if latest
            else None
        )
        return Dashboard(
            vendor_id=vendor_id,
            offers=stats.active_offers,
            out_of_stock=stats.out_of_stock,
            last_feed=last_feed,
            sales=stats.orders,
            items_sold=stats.items_sold,
            revenue=stats.revenue,
        )

    def _existing(self, vendor_id: str) -> Vendor:
        vendor = self._vendors.get(vendor_id)
        if vendor is None:
            raise NotFound("no such vendor", code="vendor_not_found")
        return vendor
