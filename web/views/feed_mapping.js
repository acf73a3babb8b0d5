// The column mapping of a vendor's own spreadsheet (#/vendor?tab=feeds): which column holds which
// field and how values are written. Tried with the preview before it is saved; once saved, every
// upload with its SKU column is read through it (PUT/GET/DELETE /vendors/{id}/feed-mapping).

import { api, seg } from "../api.js";
import { busy, errorBox, field, h, mount, toast } from "../ui.js";

export const FIELDS = [
  ["id", "SKU (id)"],
  ["title", "Title"],
  ["description", "Description"],
  ["price", "Price"],
  ["sale_price", "Sale price"],
  ["sale_price_effective_date", "Sale period"],
  ["quantity", "Stock"],
  ["availability", "Availability"],
  ["condition", "Condition"],
  ["brand", "Brand"],
  ["gtin", "GTIN / EAN"],
  ["mpn", "Manufacturer part number"],
  ["product_type", "Category"],
  ["google_product_category", "Google product category"],
  ["item_group_id", "Variant group"],
  ["color", "Colour"],
  ["size", "Size"],
  ["material", "Material"],
  ["gender", "Gender"],
  ["age_group", "Age group"],
  ["link", "Product page link"],
  ["image_link", "Image link"],
  ["additional_image_link", "More image links"],
  ["shipping", "Shipping"],
  ["shipping_weight", "Weight"],
  ["max_handling_time", "Handling days"],
];
const CURRENCIES = ["EUR", "GBP", "CHF", "USD", "CZK", "PLN", "SEK", "DKK"];
const UNITS = ["kg", "g", "lb", "oz"];

const mappingPath = (vendorId) => `/vendors/${seg(vendorId)}/feed-mapping`;

/** The vendor's saved mapping, or null when none is saved. */
export function savedMapping(vendorId, signal) {
  return api.find(mappingPath(vendorId), { signal });
}

/** "Küche/Töpfe => Home > Kitchen > Pots" lines ⇄ the categories object. */
function categoriesText(categories) {
  return Object.entries(categories || {}).map(([from, to]) => `${from} => ${to}`).join("\n");
}

function parseCategories(text) {
  const categories = {};
  for (const line of text.split("\n")) {
    const [from, to] = line.split("=>").map((part) => part?.trim());
    if (from && to) categories[from] = to;
  }
  return categories;
}

/**
 * The editor for the columns of the previewed file. `preview(mapping)` shows the first rows read
 * through a mapping; `onSaved(saved)` runs after the mapping was saved.
 */
export function mappingEditor({ vendorId, columns, recognised, saved, preview, onSaved, signal }) {
  const current = saved?.mapping;
  const savedTarget = new Map(Object.entries(current?.columns || {}).map(([column, target]) => [column.trim().toLowerCase(), target]));
  const rows = columns.map((column, index) => {
    const id = `map-column-${index}`;
    const chosen = savedTarget.get(column.trim().toLowerCase()) || recognised[column] || "";
    const select = h(
      "select",
      { id, "data-column": column },
      h("option", { value: "" }, "— ignore —"),
      FIELDS.map(([value, label]) => h("option", { value, selected: value === chosen }, label)),
    );
    return h("tr", {}, h("th", { scope: "row" }, h("label", { for: id }, column || `(column ${index + 1})`)), h("td", {}, select));
  });
  const decimalComma = h("input", { type: "checkbox", id: "map-decimal-comma", checked: current?.decimal_comma });
  const dayFirst = h("input", { type: "checkbox", id: "map-day-first", checked: current?.day_first });
  const currency = h("select", { id: "map-currency" }, h("option", { value: "" }, "written in each amount"),
    CURRENCIES.map((code) => h("option", { value: code, selected: code === current?.currency }, code)));
  const unit = h("select", { id: "map-weight-unit" }, h("option", { value: "" }, "written with each weight"),
    UNITS.map((code) => h("option", { value: code, selected: code === current?.weight_unit }, code)));
  const categories = h("textarea", { id: "map-categories", rows: "3", placeholder: "Küche/Töpfe => Home > Kitchen > Pots" });
  categories.value = categoriesText(current?.categories);
  const problem = h("div", { "aria-live": "polite" });

  const mapping = () => {
    const chosen = {};
    for (const select of form.querySelectorAll("select[data-column]")) if (select.value) chosen[select.dataset.column] = select.value;
    return {
      columns: chosen,
      decimal_comma: decimalComma.checked,
      day_first: dayFirst.checked,
      currency: currency.value || null,
      weight_unit: unit.value || null,
      categories: parseCategories(categories.value),
    };
  };
  const tryButton = h("button", { type: "button", class: "button button-ghost" }, "Preview with this mapping");
  const saveButton = h("button", { type: "submit", class: "button" }, "Save mapping");
  tryButton.addEventListener("click", () => busy(tryButton, async () => {
    mount(problem);
    await preview(mapping());
  }, "Checking…"));
  const form = h(
    "form",
    {
      class: "card form feed-mapping",
      "aria-labelledby": "mapping-title",
      onsubmit: (event) => {
        event.preventDefault();
        busy(saveButton, async () => {
          mount(problem);
          try {
            const stored = await api.put(mappingPath(vendorId), mapping(), { signal });
            toast("Column mapping saved: uploads with these columns are read through it.", "success");
            await onSaved(stored);
          } catch (error) {
            if (error.name === "AbortError") return;
            mount(problem, errorBox(error, { title: "The mapping was not saved" }));
          }
        }, "Saving…");
      },
    },
    h("h2", { id: "mapping-title" }, "Map your columns"),
    h("p", { class: "muted" }, "Tell us which column holds what. Once saved, every upload whose first line has your SKU column is read this way."),
    h("div", { class: "table-wrap" }, h("table", { class: "table" },
      h("caption", { class: "visually-hidden" }, "Columns of your file and the field each holds"),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Your column"), h("th", { scope: "col" }, "Holds"))),
      h("tbody", {}, rows))),
    h("fieldset", {}, h("legend", {}, "How values are written"),
      h("label", { class: "choice" }, decimalComma, " Amounts use a decimal comma (1.234,50)"),
      h("label", { class: "choice" }, dayFirst, " Dates start with the day (31.12.2026)"),
      field("Currency of amounts without one", currency),
      field("Unit of weights without one", unit),
      field("Your categories onto ours, one per line", categories, "Your category => Marketplace > Path")),
    problem,
    h("div", { class: "actions" }, tryButton, saveButton),
  );
  return form;
}

/** The saved mapping in one line, with a way to forget it. */
export function savedMappingNote(vendorId, saved, onForgotten, signal) {
  const idColumn = Object.entries(saved.mapping.columns).find(([, target]) => target === "id")?.[0];
  const forget = h("button", { type: "button", class: "button button-small button-ghost" }, "Forget mapping");
  forget.addEventListener("click", () => busy(forget, async () => {
    try {
      await api.del(mappingPath(vendorId), { signal });
      toast("Column mapping forgotten.", "info");
      await onForgotten();
    } catch (error) {
      if (error.name !== "AbortError") toast(error.message || "The mapping was not forgotten.", "error");
    }
  }, "Forgetting…"));
  return h("p", { class: "mapping-note" }, `Your column mapping is saved: files with the column “${idColumn}” are read through it (${Object.keys(saved.mapping.columns).length} columns). `, forget);
}
