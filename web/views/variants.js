// Variant families (one article in several colours, sizes, …): the selector on the product page,
// what a product card says about them ("3 colours · 4 sizes", "from €X") and which variant a cart or
// order line is ("Colour: weiß · Size: 42").
// The API gives a search hit and a product page `options` ([{name, values}], in the order to show)
// and `variants` ([{product_id, title, options: {name: value}, price, in_stock, image_link}]); both
// are empty for a product without variants. A hit's product_id is already the variant to open.
// Cart and order lines carry `variant` ({name: value}, in the order to show; {} without variants).

import { navigate } from "../router.js";
import { h, money } from "../ui.js";
import { formatNumber, plural, t, withNodes } from "../i18n.js";

/** An option's name as a label ("Colour"); a name the client does not know stays as the API wrote it. */
export function optionName(name) {
  const names = { color: t("Colour"), size: t("Size"), material: t("Material"), pattern: t("Pattern"), gender: t("Gender"), age_group: t("Age group") };
  return names[name] ?? name;
}

/** The option values of the variant a product page shows ({name: value}); {} without variants. */
export function chosenOptions(product) {
  return (product.variants || []).find((v) => v.product_id === product.product_id)?.options || {};
}

/** "Colour: weiß · Size: 42" under a cart or order line's title; null for a line without a variant. */
export function variantLine(variant) {
  const values = Object.entries(variant || {}).map(([name, value]) => t("{name}: {value}", { name: optionName(name), value }));
  return values.length ? h("div", { class: "muted small", "data-testid": "variant-line" }, values.join(" · ")) : null;
}

/** "3 colours": an option with its number of values. */
function optionCount(name, n) {
  switch (name) {
    case "color":
      return plural(n, "{n} colour", "{n} colours");
    case "size":
      return plural(n, "{n} size", "{n} sizes");
    case "material":
      return plural(n, "{n} material", "{n} materials");
    case "pattern":
      return plural(n, "{n} pattern", "{n} patterns");
    case "gender":
      return plural(n, "{n} gender", "{n} genders");
    case "age_group":
      return plural(n, "{n} age group", "{n} age groups");
    default:
      return t("{name}: {n}", { name, n: formatNumber(n) });
  }
}

/** Whether a hit's variants cost different amounts (its price is then the lowest: "from"). */
function pricesDiffer(hit) {
  return new Set((hit.variants || []).map((v) => v.price)).size > 1;
}

/** A search hit's price: "from €X" when vendors or variants ask different prices. */
export function hitPrice(hit) {
  return h("span", { class: "price" }, hit.offer_count > 1 || pricesDiffer(hit) ? t("from ") : "", money(hit.price, hit.currency));
}

/** "3 colours · 4 sizes" for a hit with more than one variant, else null. */
export function variantSummary(hit) {
  if ((hit.variants || []).length < 2) return null;
  const counts = (hit.options || []).filter((o) => (o.values || []).length > 1).map((o) => optionCount(o.name, o.values.length));
  return counts.length ? h("span", { class: "variant-summary muted small", "data-testid": "variant-summary" }, counts.join(" · ")) : null;
}

/**
 * Where a click on `value` of option `name` leads: the variant with that value that keeps every other
 * value selected now (an in-stock one first); when there is none, an in-stock variant with that value
 * that keeps most of them (the options come in the order that matters: colour before size), else any.
 * Null when no variant has the value.
 */
export function variantFor(variants, options, selected, name, value) {
  const others = options.filter((o) => o.name !== name);
  const all = 2 ** others.length - 1;
  // the other options kept, earlier ones weighing more than all later ones together
  const kept = (v) => others.reduce((sum, o, j) => sum + (v.options?.[o.name] === selected[o.name] ? 2 ** (others.length - 1 - j) : 0), 0);
  const ranked = variants
    .filter((v) => v.options?.[name] === value)
    .map((v, i) => ({ v, i, kept: kept(v) }))
    .map((r) => ({ ...r, exact: r.kept === all ? 1 : 0, stock: r.v.in_stock ? 1 : 0 }))
    .sort((a, b) => b.exact - a.exact || b.stock - a.stock || b.kept - a.kept || a.i - b.i);
  return ranked[0]?.v ?? null;
}

/** The product page's selector: per option a group of buttons, one per value; null without variants. */
export function variantSelector(product) {
  const variants = product.variants || [];
  const options = (product.options || []).filter((o) => (o.values || []).length);
  if (!variants.length || !options.length) return null;
  const selected = chosenOptions(product);
  return h(
    "div",
    { class: "variant-selector", "data-testid": "variant-selector" },
    options.map((option, i) => {
      const labelId = `variant-option-${i}`;
      const chosen = selected[option.name];
      return h(
        "div",
        { class: "variant-option", role: "group", "aria-labelledby": labelId, "data-option": option.name },
        h(
          "p",
          { class: "variant-option-name", id: labelId },
          chosen ? withNodes(t("{name}: {value}"), { name: optionName(option.name), value: h("strong", {}, chosen) }) : optionName(option.name),
        ),
        h(
          "div",
          { class: "variant-values" },
          option.values.map((value) => {
            const target = variantFor(variants, options, selected, option.name, value);
            const available = Boolean(target?.in_stock);
            return h(
              "button",
              {
                type: "button",
                class: available ? "variant-value" : "variant-value sold-out",
                "aria-pressed": String(value === chosen),
                "aria-label": available ? null : t("{value} (sold out)", { value }),
                "data-product": target?.product_id,
                disabled: !target,
                onclick: () => {
                  if (target && target.product_id !== product.product_id) navigate(`/product/${encodeURIComponent(target.product_id)}`);
                },
              },
              value,
            );
          }),
        ),
      );
    }),
  );
}
