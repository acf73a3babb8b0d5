// The shopper's orders, newest first, with "load more" over next_cursor.

import { api } from "../api.js";
import { link } from "../router.js";
import { date, empty, errorBox, h, loading, money, mount, orderNumber, pagedLoader, statusBadge } from "../ui.js";

export async function render(view, { signal }) {
  const body = h("tbody");
  const table = h(
    "table",
    { class: "table orders-table" },
    h("caption", { class: "visually-hidden" }, "Your orders"),
    h("thead", {}, h("tr", {}, ["Order", "Placed", "Status", "Items", "Total"].map((t) => h("th", { scope: "col" }, t)))),
    body,
  );
  const more = h("div", { class: "pager" });
  mount(view, h("h1", {}, "Your orders"), loading("Loading your orders…"));

  const load = pagedLoader({
    fetchPage: (cursor) => api.get("/orders", { query: { limit: 20, cursor }, signal }),
    into: body,
    renderItem: row,
    more,
    label: "Load more orders",
  });

  try {
    const first = await load(null);
    if (!first.items.length) {
      mount(view, h("h1", {}, "Your orders"), empty("You have not ordered anything yet.", h("a", { class: "button", href: "#/products" }, "Start shopping")));
      return;
    }
  } catch (error) {
    if (error.name === "AbortError" || error.status === 401) throw error;
    mount(view, h("h1", {}, "Your orders"), errorBox(error, { title: "Could not load your orders" }));
    return;
  }
  mount(view, h("h1", {}, "Your orders"), h("div", { class: "table-wrap" }, table), more);
}

/** "Merino scarf, Stoneware mug and 2 more": what the order was, at a glance. */
function titles(order) {
  const shown = order.titles.join(", ");
  const rest = order.line_count - order.titles.length;
  return rest > 0 ? `${shown} and ${rest} more` : shown;
}

function row(order) {
  return h(
    "tr",
    {},
    h("td", { "data-label": "Order" }, h("a", { href: link(`/orders/${encodeURIComponent(order.order_id)}`) }, `Order ${orderNumber(order.order_id)}`)),
    h("td", { "data-label": "Placed" }, date(order.created_at)),
    h("td", { "data-label": "Status" }, statusBadge(order.status)),
    h("td", { "data-label": "Items" }, h("span", { class: "order-titles" }, titles(order)),
      h("span", { class: "muted small" }, ` ${order.item_count} item${order.item_count === 1 ? "" : "s"} from ${order.vendor_ids.length} vendor${order.vendor_ids.length === 1 ? "" : "s"}`)),
    h("td", { "data-label": "Total", class: "num" }, money(order.total, order.currency)),
  );
}
