// The vendor workspace's payouts tab (#/vendor?tab=payouts&month=YYYY-MM): what the vendor is owed
// for a month's orders, payable (return window over) and pending (still open), with the commission
// on what the shoppers kept and the refunds.

import { api, seg } from "../api.js";
import { t } from "../i18n.js";
import { empty, errorBox, h, loading, money, mount } from "../ui.js";
import { link } from "../router.js";

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
// a function, not a constant: the words follow the language, which loads after this module
const states = () => [
  ["payable", t("Payable"), t("The return window is over: this is paid out.")],
  ["pending", t("Pending"), t("Paid, shipped or delivered, and still returnable: this may change.")],
];

/** This month, as YYYY-MM (UTC, as the statement counts). */
function thisMonth() {
  return new Date().toISOString().slice(0, 7);
}

export async function payoutsTab(panel, vendorId, signal, query) {
  const month = MONTH.test(query.get("month") || "") ? query.get("month") : thisMonth();
  const picker = h("input", { type: "month", id: "payout-month", name: "month", value: month, max: thisMonth(), required: true });
  const form = h(
    "form",
    {
      class: "filter-bar",
      "aria-label": t("Choose a month"),
      onsubmit: (event) => {
        event.preventDefault();
        if (MONTH.test(picker.value)) location.hash = link("/vendor", { tab: "payouts", month: picker.value });
      },
    },
    h("div", { class: "field" }, h("label", { for: "payout-month" }, t("Orders placed in")), picker),
    h("button", { type: "submit", class: "button button-small" }, t("Show")),
  );
  mount(panel, form, loading(t("Adding up the month…")));
  let statement;
  try {
    statement = await api.get(`/vendors/${seg(vendorId)}/payouts/${month}`, { signal });
  } catch (error) {
    if (error.name === "AbortError" || error.status === 401) throw error;
    mount(panel, form, errorBox(error, { title: t("Could not add up the month") }));
    return;
  }
  if (!statement.totals.length) {
    mount(panel, form, empty(t("No paid orders were placed in this month.")));
    return;
  }
  mount(
    panel,
    form,
    states().map(([state, title, explanation]) => {
      const rows = statement.totals.filter((entry) => entry.state === state);
      return rows.length ? statementCard(state, title, explanation, rows) : null;
    }),
    h("p", { class: "muted small" }, t("Commission is charged on what the shoppers kept: returned items carry none. Cancelled and unpaid orders are not counted.")),
  );
}

function statementCard(state, title, explanation, rows) {
  return h(
    "section",
    { class: "card payout", "aria-label": title, "data-testid": `payout-${state}` },
    h("h2", {}, title),
    h("p", { class: "muted small" }, explanation),
    rows.map((entry) =>
      h(
        "dl",
        { class: "sums" },
        h("dt", {}, t("Orders")), h("dd", {}, String(entry.sub_orders)),
        h("dt", {}, t("Items")), h("dd", {}, money(entry.items, entry.currency)),
        h("dt", {}, t("Shipping")), h("dd", {}, money(entry.shipping, entry.currency)),
        entry.refunded ? [h("dt", {}, t("Refunded")), h("dd", {}, `−${money(entry.refunded, entry.currency)}`)] : null,
        h("dt", {}, t("Commission")), h("dd", {}, `−${money(entry.commission, entry.currency)}`),
        h("dt", { class: "total" }, t("Your payout")), h("dd", { class: "total", "data-testid": "payout-total" }, money(entry.payout, entry.currency)),
      ),
    ),
  );
}
