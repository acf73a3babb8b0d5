// #/collections?sort=top|new|mine: public collections, best rated or newest, and the caller's own
// (private ones too); "New collection" composes one from the products picked on product pages.

import { api, seg } from "../../api.js";
import { session } from "../../auth.js";
import { link } from "../../router.js";
import { empty, h, loading, mount, noImage, pagedLoader, stars } from "../../ui.js";
import { communityTabs, draft, memberLink, problem, signInLink } from "./shared.js";
import { plural, t } from "../../i18n.js";

const SORTS = ["top", "new", "mine"];
const sortNames = () => ({ top: t("Top rated"), new: t("Newest"), mine: t("Mine") });

export async function render(view, { query, signal }) {
  const sort = SORTS.includes(query.get("sort")) ? query.get("sort") : "top";
  const picked = draft().length;
  const list = h("ul", { class: "collection-grid", "data-testid": "collections" });
  const more = h("div", { class: "pager" });
  const body = h("div", {}, loading(t("Loading collections…")));
  mount(
    view,
    communityTabs("collections"),
    h(
      "div",
      { class: "page-head" },
      h("h1", {}, t("Collections")),
      h("a", { class: "button", href: "#/collections/new" }, picked ? plural(picked, "New collection ({n} product picked)", "New collection ({n} products picked)") : t("New collection")),
    ),
    h("p", { class: "muted" }, t("Members put together products from different vendors: outfits, kits, gift ideas. Pick products with “Add to collection” on a product page.")),
    h("nav", { class: "window-switch", "aria-label": t("Show") }, SORTS.map((key) => h("a", { href: link("/collections", { sort: key }), class: "chip", "aria-current": key === sort ? "page" : null }, sortNames()[key]))),
    body,
  );
  if (sort === "mine" && !session()) {
    mount(body, signInLink(t("to see your collections.")));
    return;
  }
  const path = sort === "mine" ? "/me/collections" : "/collections";
  const load = pagedLoader({
    fetchPage: (cursor) => api.get(path, { query: { sort: sort === "mine" ? null : sort, cursor, limit: 12 }, signal }),
    into: list,
    renderItem: collectionCard,
    more,
    label: t("More collections"),
  });
  try {
    const first = await load(null);
    mount(body, first.items.length ? list : empty(sort === "mine" ? t("You have no collections yet.") : t("No public collections yet.")), more);
  } catch (error) {
    if (error.name === "AbortError") return;
    mount(body, problem(error, t("Could not load the collections")));
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
    h("span", { class: "muted small" }, t("by "), memberLink(collection.owner_id)),
    h(
      "span",
      { class: "meta small" },
      plural(collection.items.length, "{n} product", "{n} products"),
      collection.rating_count ? stars(collection.average, collection.rating_count) : null,
      collection.visibility === "private" ? h("span", { class: "badge" }, t("Private")) : null,
      collection.status !== "published" ? h("span", { class: `badge badge-${collection.status}` }, collection.status === "pending" ? t("Waiting for a moderator") : t("Not published")) : null,
    ),
  );
}
