// The interface language: Dutch, German or English, chosen in the header (kept in localStorage),
// else the browser's first supported language, else English. Messages are keyed by their English
// text (as gettext does): `t("Add to cart")`, `t("{n} items", { n })`; a text without a translation
// shows in English. Catalogs: locales/nl.js and locales/de.js (tests/unit/web checks that they
// cover every t("...") of the translated views). Prices and dates follow the language's locale.

export const LANGUAGES = [
  ["nl", "Nederlands"],
  ["de", "Deutsch"],
  ["en", "English"],
];
const INTL = { nl: "nl-NL", de: "de-DE", en: "en-IE" };
const KEY = "plein.lang";

let current = "en";
let messages = {};

/** The stored choice, else the browser's first supported language, else English. */
function preferred() {
  const stored = localStorage.getItem(KEY);
  if (INTL[stored]) return stored;
  for (const tag of navigator.languages || [navigator.language || "en"]) {
    const code = String(tag).slice(0, 2).toLowerCase();
    if (INTL[code]) return code;
  }
  return "en";
}

async function load(code) {
  try {
    messages = code === "en" ? {} : (await import(`./locales/${code}.js`)).default;
    current = code;
  } catch (error) {
    // a catalog that cannot load (offline, a stale cache) leaves the shop in English, not broken
    console.error(error);
    messages = {};
    current = "en";
  }
  document.documentElement.lang = current;
}

/** Load the preferred language's messages (once, at start). */
export function startLanguage() {
  return load(preferred());
}

/** Switch the interface language and remember it. */
export async function setLanguage(code) {
  if (!INTL[code]) return;
  localStorage.setItem(KEY, code);
  await load(code);
}

export function language() {
  return current;
}

/** The Intl locale for numbers and dates in the current language. */
export function intlLocale() {
  return INTL[current];
}

/** `text` in the current language, with `{name}` placeholders filled from `values`. */
export function t(text, values) {
  const template = messages[text] ?? text;
  if (!values) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/** A translated sentence with nodes (links) in its {placeholders}, as children for h():
 * `withNodes(t("{member} follows {other}"), { member: a, other: b })` gives [a, " follows ", b]. */
export function withNodes(text, nodes) {
  return text.split(/\{(\w+)\}/).map((part, i) => (i % 2 ? nodes[part] ?? `{${part}}` : part)).filter((part) => part !== "");
}

/** A number as the current language writes it: 1,250 or 1.250. */
export function formatNumber(n) {
  return new Intl.NumberFormat(INTL[current]).format(n);
}

/** The locale for dates and times: English ones as en-GB writes them (24-hour clock), the others per language. */
export function dateLocale() {
  return current === "en" ? "en-GB" : INTL[current];
}

/** One of two texts by count (`{n}` filled by formatNumber): `plural(n, "{n} item", "{n} items")`. */
export function plural(n, one, other) {
  return t(n === 1 ? one : other, { n: formatNumber(n) });
}
