// #/collections?sort=top|new|mine: public collections, best rated or newest, and the caller's own
// (private ones too); "New collection" composes one from the products picked on product pages.

import { api, seg } from "../../api.js";
import { session } from "../../auth.js";
import { link } from "../../router.js";
import { empty, h, loading, mount, noImage, pagedLoader, stars } from "../../ui.js";
import { communityTabs, draft, memberLink, plural, problem, signInLink } from "./shared.js";

const SORTS = [
  ["top", "Top rated"],
  ["new", "Newest"],
  ["mine", "Mine"],
];

export async function render(view, { query, signal }) {
  const sort = SORTS.some(([key]) => key === query.get("sort")) ? query.get("sort") : "top";
  const picked = draft().length;
  const list = h("ul", { class: "collection-grid", "data-testid": "collections" });
  const more = h("div", { class: "pager" });
  const body = h("div", {}, loading("Loading collections…"));
  mount(
    view,
    communityTabs("collections"),
    h(
      "div",
      { class: "page-head" },
      h("h1", {}, "Collections"),
      h("a", { class: "button", href: "#/collections/new" }, picked ? `New collection (${plural(picked, "product")} picked)` : "New collection"),
    ),
    h("p", { class: "muted" }, "Members put together products from different vendors: outfits, kits, gift ideas. Pick products with “Add to collection” on a product page."),
    h("nav", { class: "window-switch", "aria-label": "Show" }, SORTS.map(([key, label]) => h("a", { href: link("/collections", { sort: key }), class: "chip", "aria-current": key === sort ? "page" : null }, label))),
    body,
  );
  if (sort === "mine" && !session()) {
    mount(body, signInLink("to see your collections."));
    return;
  }
  const path = sort === "mine" ? "/me/collections" : "/collections";
  const load = pagedLoader({
    fetchPage: (cursor) => api.get(path, { query: { sort: sort === "mine" ? null : sort, cursor, limit: 12 }, signal }),
    into: list,
    renderItem: collectionCard,
    more,
    label: "More collections",
  });
  try {
    const first = await load(null);
    mount(body, first.items.length ? list : empty(sort === "mine" ? "You have no collections yet." : "No public collections yet."), more);
  } catch (error) {
    if (error.name === "AbortError") return;
    mount(body, problem(error, "Could not load the collections"));
  }
}

/** A collection as a card in lists (its cover, title, maker, products and rating). */
export function collectionCard(collection) {
  return h(
    "li",
    { class: "card collection-card" },
    h(
      "a",
      { href: link(`/collections/${seg(collection.collection_id)}`), class: "product-link" },
      h("span", { class: "thumb cover" }, collection.cover_image ? h("img", { src: collection.cover_image, alt: "", loading: "lazy" }) : noImage()),
      h("span", { class: "title" }, collection.title),
    ),
    h("span", { class: "muted small" }, "by ", memberLink(collection.owner_id)),
    h(
      "span",
      { class: "meta small" },
      plural(collection.items.length, "product"),
      collection.rating_count ? stars(collection.average, collection.rating_count) : null,
      collection.visibility === "private" ? h("span", { class: "badge" }, "Private") : null,
      collection.status !== "published" ? h("span", { class: `badge badge-${collection.status}` }, collection.status === "pending" ? "Waiting for a moderator" : "Not published") : null,
    ),
  );
}
