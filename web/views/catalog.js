// Catalog search: query box with suggestions, facets with counts, sorts, cursor pagination.
// The URL is the state: #/products?q=&category=&brand=&vendor=&price_min=&price_max=&rating_min=&in_stock=&sort=&cursor=

import { api } from "../api.js";
import { link, navigate } from "../router.js";
import { empty, errorBox, h, loading, money, mount, noImage, stars } from "../ui.js";
import { language, plural, t } from "../i18n.js";
import { hitPrice, variantSummary } from "./variants.js";

const FILTERS = ["q", "category", "brand", "vendor", "price_min", "price_max", "rating_min", "in_stock", "sort"];
const sorts = () => [
  ["relevance", t("Relevance")],
  ["price_asc", t("Price: low to high")],
  ["price_desc", t("Price: high to low")],
  ["popular", t("Popular")],
  ["rating", t("Best rated")],
  ["newest", t("Newest")],
];
const PAGE_SIZE = 24;

/** The filters in the URL as an object (brand and vendor may repeat). */
function state(query) {
  const s = {};
  for (const key of FILTERS) {
    const values = query.getAll(key).filter(Boolean);
    if (!values.length) continue;
    s[key] = key === "brand" || key === "vendor" ? values : values[0];
  }
  return s;
}

function withChange(s, change) {
  const next = { ...s, ...change };
  for (const [k, v] of Object.entries(next)) if (v === null || v === undefined || (Array.isArray(v) && !v.length)) delete next[k];
  return next;
}

export async function render(view, { query, signal }) {
  const s = state(query);
  const cursor = query.get("cursor");
  const page = Number(query.get("page") || "1");
  const heading = h("h1", {}, s.q ? t("Results for “{q}”", { q: s.q }) : t("Shop"));
  const results = h("section", { class: "results", "aria-labelledby": "results-title" }, loading(t("Searching…")));
  const facets = h("aside", { class: "facets", "aria-label": t("Filters") });
  const landing = !Object.keys(s).length && !cursor;
  const trending = landing ? h("section", { class: "trending", "aria-labelledby": "trending-title", hidden: true }) : null;
  mount(
    view,
    h("div", { class: "page-head" }, heading, searchForm(s, signal)),
    trending,
    h("div", { class: "catalog" }, facets, results),
  );
  if (trending) loadTrending(trending, signal);

  let data;
  try {
    data = await api.get("/products", {
      query: { ...s, in_stock: s.in_stock ? "true" : null, limit: PAGE_SIZE, cursor, lang: language() },
      signal,
    });
  } catch (error) {
    if (error.name === "AbortError" || error.status === 401) throw error;
    mount(results, h("h2", { id: "results-title", class: "visually-hidden" }, t("Results")), errorBox(error, { title: t("Search failed") }));
    return;
  }
  mount(facets, facetPanel(s, data.facets));
  const first = (page - 1) * PAGE_SIZE + 1;
  const last = first + data.items.length - 1;
  mount(
    results,
    h(
      "div",
      { class: "results-head" },
      h("h2", { id: "results-title", class: "count-line", "aria-live": "polite" },
        data.total ? t("{first}–{last} of {total} products", { first, last, total: data.total }) : t("No products")),
      sortSelect(s),
    ),
    activeFilters(s, data.facets, data.category_labels.at(-1) || s.category),
    data.items.length
      ? h("ul", { class: "grid", role: "list" }, data.items.map((item) => productCard(item)))
      : empty(
          s.q || Object.keys(s).length > 1 ? t("Nothing matches. Try fewer filters or another word.") : t("The catalog is empty."),
          Object.keys(s).length ? h("a", { class: "button button-ghost", href: "#/products" }, t("Clear search")) : null,
        ),
    pager(s, cursor, page, data.next_cursor),
  );
}

async function loadTrending(section, signal) {
  try {
    const data = await api.get("/trending", { query: { window: "7d", limit: 6 }, signal });
    if (!data.items.length) return;
    mount(
      section,
      h("h2", { id: "trending-title" }, data.source === "events" ? t("Trending this week") : t("Popular now")),
      h("ul", { class: "trending-list", role: "list" }, data.items.map(({ product }) =>
        h("li", {}, h("a", { href: link(`/product/${encodeURIComponent(product.product_id)}`), class: "trend" },
          h("span", { class: "trend-title" }, product.title),
          variantSummary(product),
          hitPrice(product))))),
    );
    section.hidden = false;
  } catch {
    // Trending is a nicety: the search results below still work without it.
  }
}

function productCard(item) {
  return h(
    "li",
    { class: "card product-card" },
    h(
      "a",
      { href: link(`/product/${encodeURIComponent(item.product_id)}`), class: "product-link" },
      h("div", { class: "thumb" }, item.image_link ? h("img", { src: item.image_link, alt: "", loading: "lazy" }) : noImage()),
      h("span", { class: "title" }, item.title),
    ),
    item.brand ? h("span", { class: "muted small" }, item.brand) : null,
    variantSummary(item),
    hitPrice(item),
    h(
      "span",
      { class: "meta small" },
      item.rating_count ? stars(item.rating, item.rating_count) : null,
      h("span", { class: item.in_stock ? "ok" : "warn" }, item.in_stock ? t("In stock") : t("Out of stock")),
      item.vendor_count > 1 ? h("span", { class: "muted" }, t("{n} vendors", { n: item.vendor_count })) : null,
    ),
  );
}

function pager(s, cursor, page, nextCursor) {
  if (!cursor && !nextCursor) return null;
  return h(
    "nav",
    { class: "pager", "aria-label": t("Pages") },
    cursor ? h("a", { class: "button button-ghost", href: link("/products", s) }, t("« First page")) : null,
    cursor ? h("button", { type: "button", class: "button button-ghost", onclick: () => history.back() }, t("‹ Previous")) : null,
    h("span", { class: "muted" }, t("Page {page}", { page })),
    nextCursor ? h("a", { class: "button", rel: "next", href: link("/products", { ...s, cursor: nextCursor, page: page + 1 }) }, t("Next page ›")) : null,
  );
}

function sortSelect(s) {
  const select = h(
    "select",
    { id: "sort", onchange: () => navigate("/products", withChange(s, { sort: select.value === "relevance" ? null : select.value })) },
    sorts().map(([value, label]) => h("option", { value, selected: (s.sort || "relevance") === value }, label)),
  );
  return h("div", { class: "inline-field" }, h("label", { for: "sort" }, t("Sort by")), select);
}

function activeFilters(s, facets, categoryName) {
  const chips = [];
  const label = (list, value) => list.find((b) => b.value === value)?.label || value;
  if (s.category) chips.push([t("Category: {name}", { name: categoryName }), { category: null }]);
  for (const b of s.brand || []) chips.push([t("Brand: {name}", { name: b }), { brand: s.brand.filter((x) => x !== b) }]);
  for (const v of s.vendor || []) chips.push([t("Vendor: {name}", { name: label(facets.vendor, v) }), { vendor: s.vendor.filter((x) => x !== v) }]);
  if (s.price_min || s.price_max)
    chips.push([t("Price: {from} – {to}", { from: s.price_min ? money(Number(s.price_min)) : t("any"), to: s.price_max ? money(Number(s.price_max)) : t("any") }), { price_min: null, price_max: null }]);
  if (s.rating_min) chips.push([t("{stars}★ and up", { stars: s.rating_min }), { rating_min: null }]);
  if (s.in_stock) chips.push([t("In stock"), { in_stock: null }]);
  if (!chips.length) return null;
  return h(
    "ul",
    { class: "chips", "aria-label": t("Active filters") },
    chips.map(([text, change]) =>
      h("li", {}, h("a", { class: "chip chip-remove", href: link("/products", withChange(s, change)), "aria-label": t("Remove filter {name}", { name: text }) }, text, h("span", { "aria-hidden": "true" }, " ×"))),
    ),
  );
}

function facetPanel(s, facets) {
  const groups = [];
  if (facets.category.length)
    groups.push(
      facetGroup(
        t("Category"),
        h(
          "ul",
          { class: "facet-links" },
          facets.category.map((b) =>
            h(
              "li",
              {},
              h(
                "a",
                { href: link("/products", withChange(s, { category: s.category === b.value ? null : b.value })), "aria-current": s.category === b.value ? "true" : null },
                b.label,
                h("span", { class: "count" }, String(b.count)),
              ),
            ),
          ),
        ),
      ),
    );
  for (const [key, title] of [["brand", t("Brand")], ["vendor", t("Vendor")]]) {
    if (!facets[key].length) continue;
    const chosen = s[key] || [];
    groups.push(
      facetGroup(
        title,
        h(
          "ul",
          { class: "facet-checks" },
          facets[key].map((b) => {
            const id = `facet-${key}-${b.value}`.replace(/[^A-Za-z0-9_-]/g, "_");
            const checked = chosen.includes(b.value);
            return h(
              "li",
              {},
              h("input", {
                type: "checkbox",
                id,
                checked,
                onchange: () => navigate("/products", withChange(s, { [key]: checked ? chosen.filter((x) => x !== b.value) : [...chosen, b.value] })),
              }),
              h("label", { for: id }, b.label, h("span", { class: "count" }, String(b.count))),
            );
          }),
        ),
      ),
    );
  }
  if (facets.price.length)
    groups.push(
      facetGroup(
        t("Price"),
        h(
          "ul",
          { class: "facet-links" },
          facets.price.map((b) => {
            // The facet's upper bound is exclusive, price_max is inclusive.
            const min = b.min ?? null;
            const max = b.max !== null && b.max !== undefined ? b.max - 1 : null;
            const active = String(s.price_min ?? "") === String(min ?? "") && String(s.price_max ?? "") === String(max ?? "");
            const text = b.min === null || b.min === undefined ? t("Under {amount}", { amount: money(b.max) }) : b.max === null || b.max === undefined ? t("{amount} and up", { amount: money(b.min) }) : `${money(b.min)} – ${money(b.max)}`;
            return h(
              "li",
              {},
              h(
                "a",
                { href: link("/products", withChange(s, active ? { price_min: null, price_max: null } : { price_min: min, price_max: max })), "aria-current": active ? "true" : null },
                text,
                h("span", { class: "count" }, String(b.count)),
              ),
            );
          }),
        ),
      ),
    );
  if (facets.rating.length)
    groups.push(
      facetGroup(
        t("Rating"),
        h(
          "ul",
          { class: "facet-links" },
          facets.rating.map((b) => {
            const active = String(s.rating_min) === String(b.min);
            return h(
              "li",
              {},
              h(
                "a",
                { href: link("/products", withChange(s, { rating_min: active ? null : b.min })), "aria-current": active ? "true" : null },
                h("span", { "aria-hidden": "true" }, "★".repeat(b.min) + "☆".repeat(5 - b.min)),
                h("span", { class: "visually-hidden" }, plural(b.min, "{n} star", "{n} stars")),
                t(" & up"),
                h("span", { class: "count" }, String(b.count)),
              ),
            );
          }),
        ),
      ),
    );
  const stockId = "facet-in-stock";
  groups.unshift(
    h(
      "div",
      { class: "facet facet-stock" },
      h("input", { type: "checkbox", id: stockId, checked: Boolean(s.in_stock), onchange: () => navigate("/products", withChange(s, { in_stock: s.in_stock ? null : "true" })) }),
      h("label", { for: stockId }, t("Only in stock")),
    ),
  );
  return [h("h2", { class: "visually-hidden" }, t("Filters")), groups];
}

function facetGroup(title, body) {
  const wide = window.matchMedia("(min-width: 861px)").matches;
  return h("details", { class: "facet", open: wide }, h("summary", {}, title), body);
}

/** The search box: a combobox whose suggestions come from GET /products/suggest. */
function searchForm(s, pageSignal) {
  const input = h("input", {
    type: "search",
    id: "q",
    name: "q",
    value: s.q || "",
    placeholder: t("Search products, brands…"),
    autocomplete: "off",
    role: "combobox",
    "aria-autocomplete": "list",
    "aria-expanded": "false",
    "aria-controls": "suggestions",
  });
  const list = h("ul", { id: "suggestions", role: "listbox", class: "suggestions", hidden: true, "aria-label": t("Suggestions") });
  let items = [];
  let active = -1;
  let pending = null;
  let timer = null;

  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const choose = (suggestion) => {
    close();
    if (suggestion.kind === "product" && suggestion.product_id) navigate(`/product/${encodeURIComponent(suggestion.product_id)}`);
    else if (suggestion.kind === "brand") navigate("/products", { brand: suggestion.text });
    else if (suggestion.kind === "category") navigate("/products", { category: suggestion.text });
    else navigate("/products", withChange(s, { q: suggestion.text, cursor: null }));
  };
  const highlight = (index) => {
    active = index;
    [...list.children].forEach((li, i) => li.setAttribute("aria-selected", String(i === index)));
    if (index >= 0) input.setAttribute("aria-activedescendant", `suggestion-${index}`);
    else input.removeAttribute("aria-activedescendant");
  };
  const show = (suggestions) => {
    items = suggestions;
    mount(
      list,
      suggestions.map((sg, i) =>
        h(
          "li",
          {
            id: `suggestion-${i}`,
            role: "option",
            "aria-selected": "false",
            onmousedown: (e) => {
              e.preventDefault();
              choose(sg);
            },
          },
          h("span", {}, sg.text),
          h("span", { class: "kind" }, sg.kind),
        ),
      ),
    );
    list.hidden = !suggestions.length;
    input.setAttribute("aria-expanded", String(Boolean(suggestions.length)));
    active = -1;
  };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const text = input.value.trim();
    if (!text) return close();
    timer = setTimeout(async () => {
      pending?.abort();
      pending = new AbortController();
      pageSignal.addEventListener("abort", () => pending?.abort(), { once: true });
      try {
        const data = await api.get("/products/suggest", { query: { q: text, limit: 8 }, signal: pending.signal });
        if (input.value.trim() === text) show(data.suggestions || []);
      } catch {
        close();
      }
    }, 150);
  });
  input.addEventListener("keydown", (event) => {
    if (list.hidden) return;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      highlight((active + 1) % items.length);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      highlight((active - 1 + items.length) % items.length);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      choose(items[active]);
    } else if (event.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 100));

  return h(
    "form",
    {
      class: "search",
      role: "search",
      onsubmit: (event) => {
        event.preventDefault();
        close();
        navigate("/products", withChange(s, { q: input.value.trim() || null }));
      },
    },
    h("label", { for: "q", class: "visually-hidden" }, t("Search")),
    h("div", { class: "combo" }, input, list),
    h("button", { type: "submit", class: "button" }, t("Search")),
  );
}
