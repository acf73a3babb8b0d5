// #/collections/<id>: one collection: its products with each one's best offer, "add all to
// cart" (each product's best offer through PUT /cart/items), rating, comments and sharing;
// its owner also edits or deletes it.

import { api, seg } from "../../api.js";
import { session } from "../../auth.js";
import { cartChanged, link, navigate } from "../../router.js";
import { busy, date, empty, errorBox, field, h, loading, money, mount, noImage, pagedLoader, stars, toast } from "../../ui.js";
import { country } from "../cart.js";
import {
  bestOffer,
  commentItem,
  communityTabs,
  findCollection,
  memberLink,
  plainMessage,
  problem,
  product,
  shareButton,
  signInLink,
  starInput,
  statusNote,
} from "./shared.js";
import { plural, t } from "../../i18n.js";

export async function render(view, { params, signal }) {
  mount(view, communityTabs("collections"), h("h1", {}, t("Collection")), loading(t("Loading the collection…")));
  let collection;
  try {
    collection = await findCollection(params.id, signal);
  } catch (error) {
    if (error.name === "AbortError" || error.status === 401) throw error;
    mount(view, communityTabs("collections"), h("h1", {}, t("Collection")), problem(error, t("Could not load the collection")));
    return;
  }
  if (!collection) {
    mount(
      view,
      communityTabs("collections"),
      h("h1", {}, t("Collection not found")),
      errorBox({ message: t("This collection does not exist or is not public.") }),
      h("p", {}, h("a", { href: "#/collections" }, t("See all collections"))),
    );
    return;
  }
  draw(view, collection);
}

function draw(view, collection) {
  const user = session();
  const owner = user?.userId === collection.owner_id;
  const listed = collection.visibility === "public" && collection.status === "published";
  const rating = h("div", { class: "collection-rating", "data-testid": "collection-rating" }, ratingLine(collection));
  const comments = h("section", { class: "community-section", "aria-labelledby": "comments-title" });
  mount(
    view,
    communityTabs("collections"),
    h(
      "div",
      { class: "page-head" },
      h("h1", {}, collection.title),
      h("div", { class: "row" }, listed ? shareButton("collection", collection.collection_id) : null, owner ? ownerActions(collection) : null),
    ),
    h("p", { class: "muted" }, t("By "), memberLink(collection.owner_id),
      collection.published_at ? ` · ${t("published {date}", { date: date(collection.published_at) })}` : "",
      collection.visibility === "private" ? h("span", { class: "badge collection-private" }, t("Private: only you see it")) : null),
    statusNote(collection, "collection"),
    collection.cover_image ? h("img", { class: "collection-cover", src: collection.cover_image, alt: "" }) : null,
    collection.description ? h("p", { class: "community-text" }, collection.description) : null,
    rating,
    listed && user && !owner ? rateForm(collection, rating) : null,
    listed && !user ? signInLink(t("to rate this collection.")) : null,
    itemsSection(collection),
    listed ? comments : null,
  );
  if (listed) showComments(comments, collection);
}

function ratingLine(collection) {
  return collection.rating_count
    ? h("p", {}, stars(collection.average), ` ${t("{average} from {ratings}", { average: collection.average.toFixed(1), ratings: plural(collection.rating_count, "{n} rating", "{n} ratings") })}`)
    : h("p", { class: "muted" }, t("No ratings yet."));
}

function ownerActions(collection) {
  const confirmBox = h("div", { class: "delete-confirm", "aria-live": "polite" });
  const remove = h("button", { type: "button", class: "button button-danger" }, t("Delete"));
  remove.addEventListener("click", () => {
    const yes = h("button", { type: "button", class: "button button-danger" }, t("Yes, delete it"));
    yes.addEventListener("click", () =>
      busy(yes, async () => {
        try {
          await api.del(`/collections/${seg(collection.collection_id)}`);
          toast(t("Collection deleted."), "success");
          navigate("/collections", { sort: "mine" });
        } catch (error) {
          mount(confirmBox, problem(error, t("The collection was not deleted")));
        }
      }, t("Deleting…")),
    );
    mount(confirmBox, h("p", {}, t("Delete this collection for good?")), h("div", { class: "row" }, yes, h("button", { type: "button", class: "button button-ghost", onclick: () => mount(confirmBox) }, t("Keep it"))));
  });
  return h("div", { class: "owner-actions" }, h("a", { class: "button button-ghost", href: link(`/collections/${seg(collection.collection_id)}/edit`) }, t("Edit")), remove, confirmBox);
}

function rateForm(collection, rating) {
  const input = starInput(t("Your rating of this collection"));
  const send = h("button", { type: "submit", class: "button button-small" }, t("Rate"));
  const result = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "community-form rate-form" }, input, h("div", { class: "actions" }, send), result);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    mount(result);
    if (!input.value()) {
      mount(result, h("p", { class: "warn" }, t("Choose from 1 to 5 stars.")));
      return;
    }
    busy(send, async () => {
      try {
        const updated = await api.post(`/collections/${seg(collection.collection_id)}/ratings`, { stars: input.value() });
        mount(rating, ratingLine(updated));
        mount(result, h("p", { class: "ok" }, t("Thanks for rating! You can change your rating any time.")));
      } catch (error) {
        mount(result, problem(error, t("Your rating was not saved")));
      }
    }, t("Saving…"));
  });
  return form;
}

function itemsSection(collection) {
  const result = h("div", { "aria-live": "polite" });
  const addAll = h("button", { type: "button", class: "button button-primary", "data-testid": "add-all" }, t("Add all to cart"));
  addAll.addEventListener("click", () => busy(addAll, () => addAllToCart(collection, result), t("Adding…")));
  const list = h("ul", { class: "collection-items plain" }, collection.items.map(itemRow));
  return h(
    "section",
    { class: "community-section", "aria-labelledby": "items-title" },
    h("div", { class: "page-head" }, h("h2", { id: "items-title" }, t("Products ({n})", { n: collection.items.length })), collection.items.length ? addAll : null),
    result,
    collection.items.length ? list : empty(t("This collection has no products yet.")),
  );
}

function itemRow(item) {
  const name = h("a", { href: link(`/product/${seg(item.product_id)}`), class: "item-title" }, t("Loading…"));
  const offerLine = h("span", { class: "muted small" });
  const thumb = h("span", { class: "thumb small-thumb" }, noImage());
  product(item.product_id).then((p) => {
    if (!p) {
      name.textContent = t("A product that is no longer sold");
      return;
    }
    name.textContent = p.title;
    if (p.images?.[0]) mount(thumb, h("img", { src: p.images[0], alt: "", loading: "lazy" }));
    const best = bestOffer(p);
    offerLine.textContent = best
      ? t("{price} from {vendor}", { price: money(best.current_price, best.currency), vendor: best.vendor_name })
      : t("Not available for {country} right now", { country: country() });
  });
  return h(
    "li",
    { class: "collection-item", "data-product": item.product_id },
    thumb,
    h("div", { class: "collection-item-text" }, name, offerLine, item.note ? h("p", { class: "item-note community-text" }, item.note) : null),
  );
}

/** Puts each product's best offer in the cart (one more of it), then says what worked. */
async function addAllToCart(collection, result) {
  mount(result);
  if (!session()) {
    mount(result, signInLink(t("to add these products to your cart.")));
    return;
  }
  try {
    // Fresh offers (not the ones shown when the page opened): prices and stock may have changed.
    const found = await Promise.all(
      collection.items.map((i) => api.get(`/products/${seg(i.product_id)}`, { query: { country: country() } }).catch(() => null)),
    );
    let cart = await api.get("/cart", { query: { country: country() } });
    const added = [];
    const missed = [];
    for (const p of found) {
      const offer = bestOffer(p);
      if (!offer) {
        missed.push(t("{title}: no vendor can deliver it to you right now", { title: p?.title || t("A product") }));
        continue;
      }
      const existing = cart.vendors.flatMap((g) => g.lines).find((l) => l.offer_id === offer.offer_id);
      try {
        cart = await api.put(`/cart/items/${seg(offer.offer_id)}`, {
          quantity: (existing ? existing.quantity : 0) + 1,
          expected_unit_price: offer.current_price,
          currency: offer.currency,
        }, { query: { country: country() } });
        added.push(p.title);
      } catch (error) {
        missed.push(`${p.title}: ${cartProblem(error)}`);
      }
    }
    cartChanged(cart);
    mount(
      result,
      added.length ? h("p", { class: "notice success-box" }, `${plural(added.length, "Added {n} product to your cart.", "Added {n} products to your cart.")} `, h("a", { href: "#/cart" }, t("View cart"))) : null,
      missed.length ? errorBox({ message: t("Some products were not added:"), details: missed }, { title: t("Not everything fits in your cart") }) : null,
    );
    if (added.length) toast(plural(added.length, "Added {n} product to your cart.", "Added {n} products to your cart."), "success");
  } catch (error) {
    mount(result, problem(error, t("Could not add the products to your cart")));
  }
}

const cartProblems = () => ({
  insufficient_stock: t("not enough stock"),
  offer_unavailable: t("no longer offered"),
  offer_not_found: t("no longer offered"),
  not_shippable: t("the vendor does not deliver to you"),
  price_changed: t("the price just changed; open the product to see the new price"),
  cart_full: t("your cart is full"),
  quantity_above_maximum: t("you have the most you can order of it in your cart"),
});

const cartProblem = (error) => cartProblems()[error.code] || plainMessage(error);

async function showComments(section, collection) {
  const heading = h("h2", { id: "comments-title" }, t("Comments ({n})", { n: collection.comments }));
  const list = h("ul", { class: "comment-list plain", "data-testid": "comments" });
  const more = h("div", { class: "pager" });
  const load = pagedLoader({
    fetchPage: (cursor) => api.get(`/collections/${seg(collection.collection_id)}/comments`, { query: { cursor, limit: 20 } }),
    into: list,
    renderItem: (comment) => commentItem(comment, "comment"),
    more,
    label: t("More comments"),
  });
  mount(section, heading, loading());
  try {
    await load(null);
  } catch (error) {
    mount(section, heading, problem(error, t("Could not load the comments")));
    return;
  }
  mount(section, heading, session() ? commentForm(collection, list) : signInLink(t("to comment.")), list, more);
}

function commentForm(collection, list) {
  const text = h("textarea", { rows: "2", maxlength: "1000", required: true });
  const send = h("button", { type: "submit", class: "button" }, t("Comment"));
  const result = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "community-form" }, field(t("Your comment"), text), h("div", { class: "actions" }, send), result);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    mount(result);
    busy(send, async () => {
      try {
        const comment = await api.post(`/collections/${seg(collection.collection_id)}/comments`, { text: text.value });
        text.value = "";
        if (comment.status === "published") list.prepend(commentItem(comment, "comment"));
        else mount(result, statusNote(comment, "comment"));
      } catch (error) {
        mount(result, problem(error, t("Your comment was not saved"), { text: t("Your comment") }));
      }
    }, t("Posting…"));
  });
  return form;
}
