// The column mapping of a vendor's own spreadsheet (#/vendor?tab=feeds): which column holds which
// field and how values are written. Tried with the preview before it is saved; once saved, every
// upload with its SKU column is read through it (PUT/GET/DELETE /vendors/{id}/feed-mapping).

import { api, seg } from "../api.js";
import { t } from "../i18n.js";
import { busy, errorBox, field, h, mount, toast } from "../ui.js";

// a function, not a constant: the words follow the language, which loads after this module
export const fields = () => [
  ["id", t("SKU (id)")],
  ["title", t("Title")],
  ["description", t("Description")],
  ["price", t("Price")],
  ["sale_price", t("Sale price")],
  ["sale_price_effective_date", t("Sale period")],
  ["quantity", t("Stock")],
  ["availability", t("Availability")],
  ["condition", t("Condition")],
  ["brand", t("Brand")],
  ["gtin", t("GTIN / EAN")],
  ["mpn", t("Manufacturer part number")],
  ["product_type", t("Category")],
  ["google_product_category", t("Google product category")],
  ["item_group_id", t("Variant group")],
  ["color", t("Colour")],
  ["size", t("Size")],
  ["material", t("Material")],
  ["gender", t("Gender")],
  ["age_group", t("Age group")],
  ["link", t("Product page link")],
  ["image_link", t("Image link")],
  ["additional_image_link", t("More image links")],
  ["shipping", t("Shipping")],
  ["shipping_weight", t("Weight")],
  ["max_handling_time", t("Handling days")],
];
const CURRENCIES = ["EUR", "GBP", "CHF", "USD", "CZK", "PLN", "SEK", "DKK"];
const UNITS = ["kg", "g", "lb", "oz"];

const mappingPath = (vendorId) => `/vendors/${seg(vendorId)}/feed-mapping`;

/** The vendor's saved mapping, or null when none is saved. */
export function savedMapping(vendorId, signal) {
  return api.find(mappingPath(vendorId), { signal });
}

/** "Küche/Töpfe => 661" lines ⇄ the categories object. */
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
      h("option", { value: "" }, t("— ignore —")),
      fields().map(([value, label]) => h("option", { value, selected: value === chosen }, label)),
    );
    return h("tr", {}, h("th", { scope: "row" }, h("label", { for: id }, column || t("(column {n})", { n: index + 1 }))), h("td", {}, select));
  });
  const decimalComma = h("input", { type: "checkbox", id: "map-decimal-comma", checked: current?.decimal_comma });
  const dayFirst = h("input", { type: "checkbox", id: "map-day-first", checked: current?.day_first });
  const currency = h("select", { id: "map-currency" }, h("option", { value: "" }, t("written in each amount")),
    CURRENCIES.map((code) => h("option", { value: code, selected: code === current?.currency }, code)));
  const unit = h("select", { id: "map-weight-unit" }, h("option", { value: "" }, t("written with each weight")),
    UNITS.map((code) => h("option", { value: code, selected: code === current?.weight_unit }, code)));
  const categories = h("textarea", { id: "map-categories", rows: "3", placeholder: "Küche/Töpfe => 661" });
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
  const tryButton = h("button", { type: "button", class: "button button-ghost" }, t("Preview with this mapping"));
  const saveButton = h("button", { type: "submit", class: "button" }, t("Save mapping"));
  tryButton.addEventListener("click", () => busy(tryButton, async () => {
    mount(problem);
    await preview(mapping());
  }, t("Checking…")));
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
            toast(t("Column mapping saved: uploads with these columns are read through it."), "success");
            await onSaved(stored);
          } catch (error) {
            if (error.name === "AbortError") return;
            mount(problem, errorBox(error, { title: t("The mapping was not saved") }));
          }
        }, t("Saving…"));
      },
    },
    h("h2", { id: "mapping-title" }, t("Map your columns")),
    h("p", { class: "muted" }, t("Tell us which column holds what. Once saved, every upload whose first line has your SKU column is read this way.")),
    h("div", { class: "table-wrap" }, h("table", { class: "table" },
      h("caption", { class: "visually-hidden" }, t("Columns of your file and the field each holds")),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("Your column")), h("th", { scope: "col" }, t("Holds")))),
      h("tbody", {}, rows))),
    h("fieldset", {}, h("legend", {}, t("How values are written")),
      h("label", { class: "choice" }, decimalComma, t(" Amounts use a decimal comma (1.234,50)")),
      h("label", { class: "choice" }, dayFirst, t(" Dates start with the day (31.12.2026)")),
      field(t("Currency of amounts without one"), currency),
      field(t("Unit of weights without one"), unit),
      field(t("Your categories onto ours, one per line"), categories, t("Your category => one of Google's product categories, the marketplace's tree: its number (such as 661) or its path in English, Dutch or German"))),
    problem,
    h("div", { class: "actions" }, tryButton, saveButton),
  );
  return form;
}

/** The saved mapping in one line, with a way to forget it. */
export function savedMappingNote(vendorId, saved, onForgotten, signal) {
  const idColumn = Object.entries(saved.mapping.columns).find(([, target]) => target === "id")?.[0];
  const forget = h("button", { type: "button", class: "button button-small button-ghost" }, t("Forget mapping"));
  forget.addEventListener("click", () => busy(forget, async () => {
    try {
      await api.del(mappingPath(vendorId), { signal });
      toast(t("Column mapping forgotten."), "info");
      await onForgotten();
    } catch (error) {
      if (error.name !== "AbortError") toast(error.message || t("The mapping was not forgotten."), "error");
    }
  }, t("Forgetting…")));
  return h("p", { class: "mapping-note" }, t("Your column mapping is saved: files with the column “{column}” are read through it ({count} columns). ", { column: idColumn, count: Object.keys(saved.mapping.columns).length }), forget);
}
