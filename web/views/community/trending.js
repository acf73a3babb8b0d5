// #/community?window=24h|7d: what the community hearts most lately, and the top collections.

import { api, seg } from "../../api.js";
import { link } from "../../router.js";
import { empty, h, loading, money, mount, noImage } from "../../ui.js";
import { collectionCard } from "./collections.js";
import { communityTabs, problem, product } from "./shared.js";
import { t } from "../../i18n.js";

const windows = () => [
  ["24h", t("Last 24 hours")],
  ["7d", t("Last 7 days")],
];

export async function render(view, { query, signal }) {
  const period = query.get("window") === "7d" ? "7d" : "24h";
  const trending = h("section", { class: "community-section", "aria-labelledby": "trending-title" }, loading(t("Loading what is trending…")));
  const top = h("section", { class: "community-section", "aria-labelledby": "top-title" }, loading(t("Loading top collections…")));
  mount(
    view,
    communityTabs("trending"),
    h("h1", {}, t("Trending in the community")),
    h("p", { class: "muted" }, t("Products members heart most lately. Recent hearts count more; brand-new accounts count less.")),
    trending,
    top,
  );
  await Promise.all([showTrending(trending, period, signal), showTop(top, signal)]);
}

async function showTrending(section, period, signal) {
  const switcher = h(
    "nav",
    { class: "window-switch", "aria-label": t("Period") },
    windows().map(([key, label]) => h("a", { href: link("/community", { window: key }), class: "chip", "aria-current": key === period ? "page" : null }, label)),
  );
  const heading = h("h2", { id: "trending-title" }, t("Trending products"));
  let data;
  try {
    data = await api.get("/community/trending", { query: { window: period, limit: 12 }, signal });
  } catch (error) {
    if (error.name === "AbortError") return;
    mount(section, heading, switcher, problem(error, t("Could not load what is trending")));
    return;
  }
  const details = await Promise.all(data.items.map((item) => product(item.product_id)));
  mount(
    section,
    heading,
    switcher,
    data.items.length
      ? h("ol", { class: "trend-ranking", "data-testid": "trending" }, data.items.map((item, i) => trendItem(item, details[i])))
      : empty(period === "24h" ? t("Nothing hearted in the last 24 hours. Try the last 7 days.") : t("Nothing hearted in the last 7 days yet.")),
  );
}

function trendItem(item, detail) {
  const image = detail?.images?.[0];
  const offer = detail?.offers?.[0];
  return h(
    "li",
    { class: "card trend-item" },
    h(
      "a",
      { href: link(`/product/${seg(item.product_id)}`), class: "trend-link" },
      h("span", { class: "thumb small-thumb" }, image ? h("img", { src: image, alt: "", loading: "lazy" }) : noImage()),
      h("span", { class: "trend-text" },
        h("span", { class: "trend-title" }, detail?.title || t("A product")),
        offer ? h("span", { class: "price" }, money(offer.current_price, offer.currency)) : null),
    ),
    h("span", { class: "trend-hearts" }, h("span", { "aria-hidden": "true" }, "♥ "), String(item.hearts), h("span", { class: "visually-hidden" }, ` ${item.hearts === 1 ? t("heart") : t("hearts")}`)),
  );
}

async function showTop(section, signal) {
  const heading = h("h2", { id: "top-title" }, t("Top collections"));
  try {
    const page = await api.get("/collections", { query: { sort: "top", limit: 6 }, signal });
    mount(
      section,
      heading,
      page.items.length ? h("ul", { class: "collection-grid" }, page.items.map(collectionCard)) : empty(t("No public collections yet.")),
      h("p", {}, h("a", { href: "#/collections" }, t("All collections")), " · ", h("a", { href: "#/ideas" }, t("Product ideas"))),
    );
  } catch (error) {
    if (error.name === "AbortError") return;
    mount(section, heading, problem(error, t("Could not load the top collections")));
  }
}
