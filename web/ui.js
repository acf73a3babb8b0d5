// Small DOM helpers shared by the views: element builder (no innerHTML with data), money,
// dates, error, loading and empty states (in the interface language, i18n.js).

import { dateLocale, intlLocale, t } from "./i18n.js";

/**
 * Create an element. `attrs` keys starting with "on" add listeners; `class`, `for`, `aria-*`,
 * `data-*` and boolean attributes work as in HTML; children may be strings, nodes, arrays or null.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "class") {
      el.className = value;
    } else if (key === "value" && "value" in el) {
      el.value = value;
    } else if (key === "checked" || key === "selected" || key === "disabled") {
      el[key] = Boolean(value);
      if (value) el.setAttribute(key, "");
    } else {
      el.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace the content of `el`. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

const formatters = new Map();

/** Integer minor units → "€12.34" (en), "€ 12,34" (nl), "12,34 €" (de). */
export function money(minor, currency = "EUR") {
  if (minor === null || minor === undefined) return "—";
  const key = `${intlLocale()} ${currency}`;
  let fmt = formatters.get(key);
  if (!fmt) {
    fmt = new Intl.NumberFormat(intlLocale(), { style: "currency", currency });
    formatters.set(key, fmt);
  }
  return fmt.format(minor / 100);
}

/** An order id (32 hex digits) as people read it out: its first eight, "3F2A-91C0"; the full id stays
 * in the URL and is shown as the reference for customer service. */
export function orderNumber(orderId) {
  const id = String(orderId);
  return /^[0-9a-f]{12,}$/i.test(id) ? `${id.slice(0, 4)}-${id.slice(4, 8)}`.toUpperCase() : id;
}

/** "12.34" or "12,34" → 1234 minor units; null when not a number. */
export function toMinor(text) {
  const cleaned = String(text).trim().replace(",", ".");
  if (!/^\d+(\.\d{1,2})?$/.test(cleaned)) return null;
  return Math.round(Number(cleaned) * 100);
}

const SVG = "http://www.w3.org/2000/svg";

/** A neutral picture icon where a product has no (loadable) image. */
export function noImage(label = null) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", "no-image-icon");
  svg.setAttribute("aria-hidden", "true");
  for (const [tag, attrs] of [
    ["rect", { x: "3", y: "4", width: "18", height: "16", rx: "2" }],
    ["circle", { cx: "9", cy: "10", r: "2" }],
    ["path", { d: "M3 17l5-5 4 4 3-3 6 6" }],
  ]) {
    const el = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    svg.append(el);
  }
  return h("span", { class: "no-image", role: label ? "img" : null, "aria-label": label }, svg);
}

export function date(iso) {
  if (!iso) return "—";
  return new Date(iso).toLocaleString(dateLocale(), { dateStyle: "medium", timeStyle: "short" });
}

export function stars(rating, count) {
  const value = Number(rating || 0);
  const full = Math.round(value);
  return h(
    "span",
    { class: "stars", title: t("{rating} out of 5", { rating: value.toFixed(1) }) },
    h("span", { "aria-hidden": "true" }, "★".repeat(full) + "☆".repeat(5 - full)),
    h("span", { class: "visually-hidden" }, t("Rated {rating} out of 5", { rating: value.toFixed(1) })),
    count !== undefined ? h("span", { class: "muted" }, ` (${count})`) : null,
  );
}

/** The words for the statuses of orders, returns, offers, feeds and accounts (a function: the
 * language may change). */
function statusWords() {
  return {
    placed: t("placed"),
    paid: t("paid"),
    partially_shipped: t("partially shipped"),
    shipped: t("shipped"),
    delivered: t("delivered"),
    completed: t("completed"),
    cancelled: t("cancelled"),
    payment_failed: t("payment failed"),
    expired: t("expired"),
    requested: t("requested"),
    refunded: t("refunded"),
    rejected: t("rejected"),
    in_stock: t("in stock"),
    out_of_stock: t("out of stock"),
    preorder: t("preorder"),
    backorder: t("backorder"),
    withdrawn: t("withdrawn"),
    pending: t("pending"),
    approved: t("approved"),
    declined: t("declined"),
    suspended: t("suspended"),
    importing: t("importing"),
    failed: t("failed"),
  };
}

export function statusBadge(status) {
  const key = String(status);
  return h("span", { class: `badge badge-${key.replaceAll("_", "-")}` }, statusWords()[key] ?? key.replaceAll("_", " "));
}

export function loading(text = t("Loading…")) {
  return h("p", { class: "loading", role: "status" }, h("span", { class: "spinner", "aria-hidden": "true" }), text);
}

export function empty(text, ...actions) {
  return h("div", { class: "empty" }, h("p", {}, text), actions);
}

/** What any page says for the API's general error codes, in the shopper's language (the API's
 *  own messages are English). Views add the codes of their own domain. */
export const generalProblems = () => ({
  network: t("We cannot reach Plein right now. Check your connection and try again."),
  unauthorized: t("Please sign in to do this."),
  unauthenticated: t("Please sign in to do this."),
  throttled: t("Plein is busy right now. Try again in a moment."),
  busy: t("Plein is busy right now. Try again in a moment."),
  concurrent_update: t("Someone changed this at the same moment. Please try again."),
  invalid_cursor: t("The list changed while you were reading it. Reload the page."),
  payload_too_large: t("That is too long. Please shorten it."),
  validation_failed: t("Some values are not valid. Please check:"),
});

/** What is wrong with one field, by the API's detail code (pydantic's error types). */
export const fieldProblems = () => ({
  string_too_short: t("please fill this in"),
  missing: t("please fill this in"),
  string_too_long: t("is too long"),
  too_long: t("has too many entries"),
  less_than_equal: t("is too high"),
  greater_than_equal: t("is too low"),
  string_pattern_mismatch: t("is not in the right form"),
  url_parsing: t("is not a web address"),
});

/** A readable box for an ApiError (or any Error): the API's general codes and field problems in
 *  the shopper's language, other messages as the API wrote them. */
export function errorBox(error, { title } = {}) {
  const general = generalProblems()[error?.code];
  if (general) error = { ...error, message: general };
  const problems = fieldProblems();
  const details = (Array.isArray(error?.details) ? error.details : []).map((d) =>
    d && typeof d === "object" && problems[d.code] ? { ...d, message: problems[d.code] } : d,
  );
  return h(
    "div",
    { class: "error", role: "alert" },
    h("p", { class: "error-title" }, title || error?.message || t("Something went wrong")),
    title && error?.message ? h("p", {}, error.message) : null,
    details.length
      ? h(
          "ul",
          {},
          details.map((d) =>
            h("li", {}, typeof d === "string" ? d : [d.field ? h("code", {}, d.field) : null, d.field ? ": " : "", d.message || d.code]),
          ),
        )
      : null,
    // for customer service, out of the way: people read the words above
    error?.code
      ? h("details", { class: "muted small error-code" }, h("summary", {}, t("Details for customer service")), h("code", {}, `${error.code}${error.status ? ` · ${error.status}` : ""}`))
      : null,
  );
}

let toastTimer = null;

/** A short message at the bottom of the page (announced to screen readers). */
export function toast(text, kind = "info") {
  const el = document.getElementById("toast");
  if (!el) return;
  el.textContent = text;
  el.dataset.kind = kind;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    el.hidden = true;
  }, 4000);
}

/** Set the page title and move focus to the main heading after navigation. */
export function titled(main, heading) {
  document.title = `${heading} · Plein`;
  const h1 = main.querySelector("h1");
  const active = document.activeElement;
  if (active && active !== main && main.contains(active)) return;
  if (h1) {
    h1.setAttribute("tabindex", "-1");
    h1.focus({ preventScroll: true });
  }
}

/** Disable a button while `work` runs; returns its result. */
export async function busy(button, work, label = t("Working…")) {
  const original = button.textContent;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  button.textContent = label;
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
    button.textContent = original;
  }
}

export function field(label, input, hint) {
  const id = input.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  input.id = id;
  const hintId = hint ? `${id}-hint` : null;
  if (hintId) input.setAttribute("aria-describedby", hintId);
  return h("div", { class: "field" }, h("label", { for: id }, label), input, hint ? h("p", { class: "hint", id: hintId }, hint) : null);
}

// Appends the pages of a cursor-paginated list to `into`, with a "load more" button in `more`.
// Returns `load(cursor)`: call it with null for the first page; it resolves to that page.
export function pagedLoader({ fetchPage, into, renderItem, more, label }) {
  const load = async (cursor) => {
    const page = await fetchPage(cursor);
    into.append(...page.items.map(renderItem));
    mount(more);
    if (page.next_cursor) {
      const button = h("button", { type: "button", class: "button button-ghost" }, label);
      button.addEventListener("click", () => busy(button, () => load(page.next_cursor).catch((e) => mount(more, errorBox(e))), t("Loading…")));
      mount(more, button);
    }
    return page;
  };
  return load;
}
