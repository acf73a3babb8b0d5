// #/feed: new reviews and public collections of the members the caller follows.

import { api, seg } from "../../api.js";
import { link } from "../../router.js";
import { date, empty, h, loading, mount } from "../../ui.js";
import { communityTabs, memberLink, problem, productLink } from "./shared.js";
import { t, withNodes } from "../../i18n.js";

export async function render(view, { signal }) {
  const heading = h("h1", {}, t("Following"));
  mount(view, communityTabs("feed"), heading, loading());
  let feed;
  try {
    feed = await api.get("/me/feed", { query: { limit: 30 }, signal });
  } catch (error) {
    if (error.name === "AbortError" || error.status === 401) throw error;
    mount(view, communityTabs("feed"), heading, problem(error, t("Could not load your feed")));
    return;
  }
  mount(
    view,
    communityTabs("feed"),
    heading,
    feed.items.length
      ? h("ul", { class: "feed plain", "data-testid": "feed" }, feed.items.map(feedItem))
      : empty(
          t("Nothing here yet. Follow members to see their new reviews and collections."),
          h("a", { class: "button button-ghost", href: "#/collections" }, t("Discover collections")),
        ),
  );
}

function feedItem(item) {
  const member = memberLink(item.user_id);
  const what =
    item.kind === "review"
      ? withNodes(t("{member} reviewed {product}: {review}"), {
          member,
          product: item.product_id ? productLink(item.product_id) : t("a product"),
          review: h("a", { href: link(`/product/${seg(item.product_id || "")}`) }, `“${item.title}”`),
        })
      : withNodes(t("{member} published the collection {collection}"), { member, collection: h("a", { href: link(`/collections/${seg(item.id)}`) }, item.title) });
  return h("li", { class: "card feed-item" }, h("p", {}, what), h("p", { class: "muted small" }, date(item.at)));
}
