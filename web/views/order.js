// One order: sub-orders per vendor with status, tracking and history; cancel what has not shipped.

import { api, seg } from "../api.js";
import { link } from "../router.js";
import { busy, date, errorBox, field, h, loading, money, mount, noImage, orderNumber, statusBadge, toast } from "../ui.js";
import { t } from "../i18n.js";
import { variantLine } from "./variants.js";

const CANCELLABLE = new Set(["placed", "paid"]);

export async function render(view, { params, query, signal }) {
  mount(view, h("h1", {}, t("Order")), loading(t("Loading the order…")));
  let order;
  try {
    order = await api.get(`/orders/${seg(params.id)}`, { signal });
  } catch (error) {
    if (error.name === "AbortError" || error.status === 401) throw error;
    mount(view, h("h1", {}, t("Order")), errorBox(error, { title: error.status === 404 ? t("No such order") : t("Could not load the order") }));
    return;
  }
  draw(view, order, query.get("placed") === "1");
}

function draw(view, order, justPlaced) {
  const cur = order.currency;
  const cancellable = order.sub_orders.some((s) => CANCELLABLE.has(s.status));
  const a = order.shipping_address;
  mount(
    view,
    h("p", {}, h("a", { href: "#/orders" }, "‹ All orders")),
    h("div", { class: "page-head" }, h("h1", {}, t("Order {number}", { number: orderNumber(order.order_id) })), statusBadge(order.status)),
    h("p", { class: "muted small" }, t("Reference for customer service: "), h("code", { "data-testid": "order-reference" }, order.order_id)),
    justPlaced && order.status === "paid"
      ? h("div", { class: "notice success-box", role: "status" }, h("strong", {}, t("Thank you! ")), t("Your order is placed and paid. Each vendor ships their part separately."))
      : null,
    h(
      "div",
      { class: "order-layout" },
      h(
        "div",
        {},
        order.sub_orders.map((sub) =>
          h(
            "section",
            { class: "card vendor-group", "aria-label": t("From {vendor}", { vendor: sub.vendor_name }) },
            h("div", { class: "group-head" }, h("h2", {}, t("From {vendor}", { vendor: sub.vendor_name })), statusBadge(sub.status)),
            h("ul", { class: "lines", role: "list" }, sub.lines.map((l) =>
              h("li", { class: "line" },
                h("div", { class: "thumb small-thumb" }, l.image_link ? h("img", { src: l.image_link, alt: "" }) : noImage()),
                h("div", { class: "line-main" }, h("a", { href: link(`/product/${encodeURIComponent(l.product_id)}`) }, l.title), variantLine(l.variant),
                  h("div", { class: "muted small" }, `${l.quantity} × ${money(l.unit_price, cur)}`, l.returned_quantity ? ` · ${l.returned_quantity} returned` : "")),
                h("div", { class: "line-total" }, money(l.line_total, cur)),
                returnable(sub) && l.quantity > l.returned_quantity ? returnBox(view, order, l) : null))),
            returnWindow(sub),
            sub.returns.length
              ? h("ul", { class: "plain small" }, sub.returns.map((r) => h("li", {}, t("Return of {n} × {item}: ", { n: r.quantity, item: sub.lines.find((l) => l.offer_id === r.offer_id)?.title || r.offer_id }), statusBadge(r.status), r.refund_amount ? t(" refunded {amount}", { amount: money(r.refund_amount, cur) }) : "")))
              : null,
            h("dl", { class: "sums" },
              h("dt", {}, t("Items")), h("dd", {}, money(sub.subtotal, cur)),
              h("dt", {}, t("Shipping")), h("dd", {}, money(sub.shipping, cur)),
              sub.refunded ? [h("dt", {}, t("Refunded")), h("dd", {}, money(sub.refunded, cur))] : null),
            sub.tracking_number ? h("p", {}, t("Shipped with "), h("strong", {}, sub.carrier), t(", tracking "), h("code", {}, sub.tracking_number), sub.shipped_at ? t(" on {date}", { date: date(sub.shipped_at) }) : "") : null,
            sub.history.length ? h("details", {}, h("summary", {}, t("History")), history(sub.history)) : null,
          ),
        ),
      ),
      h(
        "aside",
        { class: "card summary" },
        h("h2", {}, t("Summary")),
        h("dl", { class: "sums" },
          h("dt", {}, t("Placed")), h("dd", {}, date(order.created_at)),
          h("dt", {}, t("Items")), h("dd", {}, money(order.items_total, cur)),
          h("dt", {}, t("Shipping")), h("dd", {}, money(order.shipping_total, cur)),
          order.gift_card_paid ? [h("dt", {}, t("Gift card")), h("dd", { "data-testid": "gift-card-paid" }, `−${money(order.gift_card_paid, cur)}`)] : null,
          order.points_paid ? [h("dt", {}, t("Points ({n})", { n: order.points_used })), h("dd", { "data-testid": "points-paid" }, `−${money(order.points_paid, cur)}`)] : null,
          order.discount_total && !order.gift_card_paid && !order.points_paid ? [h("dt", {}, t("Discount")), h("dd", {}, `−${money(order.discount_total, cur)}`)] : null,
          h("dt", { class: "total" }, t("Total")), h("dd", { class: "total", "data-testid": "order-total" }, money(order.total, cur)),
          order.refunded_total ? [h("dt", {}, t("Refunded")), h("dd", {}, money(order.refunded_total, cur))] : null,
          // A refund whose first attempt failed is retried by the shop until it is made.
          order.refund_status === "pending" ? [h("dt", {}, t("Refund")), h("dd", { "data-testid": "refund-pending" }, t("Refund pending"))] : null),
        h("h3", {}, t("Delivery address")),
        h("address", {}, a.name, h("br"), a.line1, a.line2 ? [h("br"), a.line2] : null, h("br"), `${a.postal_code} ${a.city}`, h("br"), a.country),
        order.history.length ? h("details", {}, h("summary", {}, t("Order history")), history(order.history)) : null,
        cancellable ? cancelBox(view, order) : null,
      ),
    ),
  );
}

/** Delivered, and the vendor's return window (from delivery) has not closed yet. */
function returnable(sub, now = Date.now()) {
  return sub.status === "delivered" && sub.return_days > 0 && (!sub.complete_after || Date.parse(sub.complete_after) > now);
}

/** What the shopper may still do about returns for this part of the order, in words. */
function returnWindow(sub) {
  if (sub.return_days === 0) return h("p", { class: "muted small" }, t("{vendor} does not take returns.", { vendor: sub.vendor_name }));
  if (returnable(sub) && sub.complete_after) {
    return h("p", { class: "muted small", "data-testid": "return-window" }, t("You can return items until {date}.", { date: date(sub.complete_after) }));
  }
  if (sub.status === "paid" || sub.status === "shipped") {
    return h("p", { class: "muted small" }, t("Returns are possible within {n} days of delivery.", { n: sub.return_days }));
  }
  if (sub.status === "completed") return h("p", { class: "muted small" }, t("The return window has closed."));
  return null;
}

function returnBox(view, order, line) {
  const box = h("div", { class: "return-box" });
  const open = h("button", { type: "button", class: "button button-small button-ghost" }, t("Return"));
  open.addEventListener("click", () => {
    const left = line.quantity - line.returned_quantity;
    const quantity = h("input", { type: "number", min: "1", max: String(left), value: "1", class: "qty" });
    const reason = h("input", { maxlength: "500", required: true });
    const status = h("div", { "aria-live": "assertive" });
    const send = h("button", { type: "submit", class: "button button-small" }, t("Request return"));
    const form = h(
      "form",
      {
        class: "edit-form",
        "aria-label": t("Return {item}", { item: line.title }),
        onsubmit: (event) => {
          event.preventDefault();
          busy(send, async () => {
            try {
              await api.post(`/orders/${seg(order.order_id)}/returns`, { offer_id: line.offer_id, quantity: Number(quantity.value), reason: reason.value.trim() });
              toast(t("Return requested; the vendor decides and refunds."), "success");
              draw(view, await api.get(`/orders/${seg(order.order_id)}`), false);
            } catch (error) {
              mount(status, errorBox(error, { title: t("Could not request the return") }));
            }
          }, t("Sending…"));
        },
      },
      field(t("Units"), quantity),
      field(t("Reason"), reason),
      h("div", { class: "actions" }, h("button", { type: "button", class: "button button-small button-ghost", onclick: () => mount(box, open) }, t("Cancel")), send),
      status,
    );
    mount(box, form);
    reason.focus();
  });
  return mount(box, open);
}

function history(changes) {
  return h("ol", { class: "history" }, changes.map((c) => h("li", {}, h("time", { datetime: c.at }, date(c.at)), " ", statusBadge(c.status), c.note ? ` ${c.note}` : "")));
}

function cancelBox(view, order) {
  const box = h("div", { class: "cancel-box" });
  const start = h("button", { type: "button", class: "button button-danger" }, t("Cancel order"));
  start.addEventListener("click", () => {
    const reason = h("input", { name: "reason", maxlength: "200" });
    const status = h("div", { "aria-live": "assertive" });
    const confirm = h("button", { type: "button", class: "button button-danger" }, t("Yes, cancel"));
    const keep = h("button", { type: "button", class: "button button-ghost", onclick: () => mount(box, start) }, t("Keep the order"));
    confirm.addEventListener("click", () =>
      busy(confirm, async () => {
        try {
          const updated = await api.post(`/orders/${seg(order.order_id)}/cancel`, reason.value.trim() ? { reason: reason.value.trim() } : {});
          toast(t("Order cancelled; any payment is refunded."), "success");
          draw(view, updated, false);
        } catch (error) {
          mount(status, errorBox(error, { title: t("Could not cancel") }));
        }
      }, t("Cancelling…")),
    );
    mount(box, h("p", {}, t("Cancel the parts that have not shipped yet? They are refunded.")), field(t("Reason (optional)"), reason), status, h("div", { class: "actions" }, keep, confirm));
    reason.focus();
  });
  return mount(box, start);
}
