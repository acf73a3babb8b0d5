// The shopper's orders, newest first, with "load more" over next_cursor.

import { api } from "../api.js";
import { link } from "../router.js";
import { date, empty, errorBox, h, loading, money, mount, orderNumber, pagedLoader, statusBadge } from "../ui.js";
import { plural, t } from "../i18n.js";

export async function render(view, { signal }) {
  const body = h("tbody");
  const table = h(
    "table",
    { class: "table orders-table" },
    h("caption", { class: "visually-hidden" }, t("Your orders")),
    h("thead", {}, h("tr", {}, [t("Order"), t("Placed"), t("Status"), t("Items"), t("Total")].map((label) => h("th", { scope: "col" }, label)))),
    body,
  );
  const more = h("div", { class: "pager" });
  mount(view, h("h1", {}, t("Your orders")), loading(t("Loading your orders…")));

  const load = pagedLoader({
    fetchPage: (cursor) => api.get("/orders", { query: { limit: 20, cursor }, signal }),
    into: body,
    renderItem: row,
    more,
    label: t("Load more orders"),
  });

  try {
    const first = await load(null);
    if (!first.items.length) {
      mount(view, h("h1", {}, t("Your orders")), empty(t("You have not ordered anything yet."), h("a", { class: "button", href: "#/products" }, t("Start shopping"))));
      return;
    }
  } catch (error) {
    if (error.name === "AbortError" || error.status === 401) throw error;
    mount(view, h("h1", {}, t("Your orders")), errorBox(error, { title: t("Could not load your orders") }));
    return;
  }
  mount(view, h("h1", {}, t("Your orders")), h("div", { class: "table-wrap" }, table), more);
}

/** "Merino scarf, Stoneware mug and 2 more": what the order was, at a glance. */
function titles(order) {
  const shown = order.titles.join(", ");
  const rest = order.line_count - order.titles.length;
  return rest > 0 ? t("{titles} and {n} more", { titles: shown, n: rest }) : shown;
}

function row(order) {
  return h(
    "tr",
    {},
    h("td", { "data-label": t("Order") }, h("a", { href: link(`/orders/${encodeURIComponent(order.order_id)}`) }, t("Order {number}", { number: orderNumber(order.order_id) }))),
    h("td", { "data-label": t("Placed") }, date(order.created_at)),
    h("td", { "data-label": t("Status") }, statusBadge(order.status)),
    h("td", { "data-label": t("Items") }, h("span", { class: "order-titles" }, titles(order)),
      h("span", { class: "muted small" }, ` ${plural(order.item_count, "{n} item", "{n} items")} · ${plural(order.vendor_ids.length, "from {n} vendor", "from {n} vendors")}`)),
    h("td", { "data-label": t("Total"), class: "num" }, money(order.total, order.currency)),
  );
}
