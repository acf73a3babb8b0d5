// Bulk edit of a vendor's offers: tick offers on the offers tab, then change their prices by a
// percentage, set their stock, or withdraw them. Price and stock changes go through the batch
// endpoint (PATCH /vendors/{id}/offers, 100 SKUs per transaction), so each SKU reports whether it
// changed; a withdrawal asks first, naming how many offers.

import { api, seg } from "../api.js";
import { busy, errorBox, h, mount, toast } from "../ui.js";
import { plural, t } from "../i18n.js";

const BATCH = 100;

/** The selection of one offers table: a checkbox per live offer, one in the header, and the bar. */
export function bulkSelection(vendorId) {
  const chosen = new Map(); // sku → { offer, draw }
  const boxes = new Map(); // sku → checkbox
  const all = h("input", { type: "checkbox", "aria-label": t("Select every offer shown") });
  const count = h("strong", { "aria-live": "polite" });
  const report = h("div", { class: "bulk-report", "aria-live": "assertive" });
  const percent = h("input", { id: "bulk-percent", type: "number", step: "1", min: "-90", max: "500", placeholder: "-10", required: true });
  const stock = h("input", { id: "bulk-stock", type: "number", step: "1", min: "0", max: "10000000", required: true });
  const withdrawArea = h("div", { class: "row-actions" });
  const bar = h(
    "section",
    { class: "bulk-bar card", "aria-label": t("Change the selected offers"), hidden: true },
    h("p", {}, count),
    h(
      "form",
      { class: "inline-field", onsubmit: (event) => (event.preventDefault(), changePrices(event.submitter)) },
      h("label", { for: "bulk-percent" }, t("Change prices by (%)")),
      percent,
      h("button", { type: "submit", class: "button button-small" }, t("Apply to prices")),
    ),
    h(
      "form",
      { class: "inline-field", onsubmit: (event) => (event.preventDefault(), setStock(event.submitter)) },
      h("label", { for: "bulk-stock" }, t("Set stock to")),
      stock,
      h("button", { type: "submit", class: "button button-small" }, t("Apply to stock")),
    ),
    withdrawArea,
    report,
  );

  function refresh() {
    bar.hidden = chosen.size === 0;
    count.textContent = plural(chosen.size, "{n} offer selected", "{n} offers selected");
    all.checked = boxes.size > 0 && chosen.size === boxes.size;
    all.indeterminate = chosen.size > 0 && chosen.size < boxes.size;
    mount(withdrawArea, withdrawButton());
  }

  all.addEventListener("change", () => {
    const wanted = all.checked; // each box's click refreshes `all` on the way
    for (const box of boxes.values()) if (box.checked !== wanted) box.click();
  });

  /** Send price or quantity changes per SKU in batches; redraw what changed, list what did not. */
  async function apply(changes, button, verb) {
    mount(report);
    const problems = [];
    let changed = 0;
    await busy(button, async () => {
      for (let start = 0; start < changes.length; start += BATCH) {
        const part = changes.slice(start, start + BATCH);
        try {
          const answer = await api.patch(`/vendors/${seg(vendorId)}/offers`, { items: part.map((c) => ({ sku: c.sku, ...c.patch })) });
          for (const result of answer.items) {
            const change = part.find((c) => c.sku === result.sku);
            if (result.result === "updated") {
              changed += 1;
              const entry = chosen.get(result.sku);
              if (entry) {
                entry.offer = { ...entry.offer, ...change.patch };
                entry.draw(entry.offer);
              }
            } else if (result.result !== "unchanged") {
              problems.push(h("li", {}, h("code", {}, result.sku), ": ", result.message || t("This offer no longer exists.")));
            }
          }
        } catch (error) {
          mount(report, errorBox(error, { title: t("Could not change the selected offers") }));
          return;
        }
      }
    }, verb);
    if (changed) toast(plural(changed, "{n} offer changed.", "{n} offers changed."), "success");
    if (problems.length) mount(report, h("p", {}, t("These offers were left as they were:")), h("ul", {}, problems));
    else if (!changed) mount(report, h("p", {}, t("Nothing to change: the offers already have these values.")));
  }

  function changePrices(button) {
    const factor = 1 + Number(percent.value) / 100;
    const changes = [...chosen.values()].map(({ offer }) => ({ sku: offer.sku, patch: { price: Math.max(1, Math.round(offer.price * factor)) } }));
    return apply(changes, button, t("Changing prices…"));
  }

  function setStock(button) {
    const quantity = Number(stock.value);
    const changes = [...chosen.values()].map(({ offer }) => ({ sku: offer.sku, patch: { quantity } }));
    return apply(changes, button, t("Setting stock…"));
  }

  function withdrawButton() {
    const ask = h("button", { type: "button", class: "button button-small button-ghost" }, t("Withdraw selected"));
    ask.addEventListener("click", () => {
      const yes = h("button", { type: "button", class: "button button-small button-danger" }, plural(chosen.size, "Yes, withdraw {n} offer", "Yes, withdraw {n} offers"));
      const no = h("button", { type: "button", class: "button button-small button-ghost" }, t("Keep"));
      no.addEventListener("click", () => mount(withdrawArea, withdrawButton()));
      yes.addEventListener("click", () => withdraw(yes));
      mount(withdrawArea, h("span", {}, t("Shoppers will no longer see them.")), no, yes);
      no.focus();
    });
    return ask;
  }

  async function withdraw(button) {
    let done = 0;
    await busy(button, async () => {
      for (const [sku, entry] of [...chosen]) {
        try {
          await api.del(`/vendors/${seg(vendorId)}/offers/${seg(sku)}`);
        } catch (error) {
          mount(report, errorBox(error, { title: t("Could not withdraw {sku}", { sku }) }));
          break;
        }
        done += 1;
        forget(sku);
        entry.draw({ ...entry.offer, status: "withdrawn" });
      }
    }, t("Withdrawing…"));
    if (done) toast(plural(done, "{n} offer withdrawn.", "{n} offers withdrawn."), "success");
    refresh();
  }

  function forget(sku) {
    chosen.delete(sku);
    boxes.delete(sku);
  }

  return {
    bar,
    /** The header cell: select every offer shown. */
    headerCell: () => h("th", { scope: "col", class: "select" }, h("span", { class: "visually-hidden" }, t("Select")), all),
    /** The first cell of an offer's row: its checkbox while it is live. */
    cell(offer, draw) {
      if (offer.status === "withdrawn") {
        forget(offer.sku);
        return h("td", { class: "select" });
      }
      const box = h("input", { type: "checkbox", "aria-label": t("Select {sku}", { sku: offer.sku }), checked: chosen.has(offer.sku) });
      boxes.set(offer.sku, box);
      if (chosen.has(offer.sku)) chosen.set(offer.sku, { offer, draw }); // redrawn after an edit: keep its new values
      box.addEventListener("change", () => {
        if (box.checked) chosen.set(offer.sku, { offer, draw });
        else chosen.delete(offer.sku);
        refresh();
      });
      return h("td", { class: "select" }, box);
    },
  };
}
