// A product: content, images and every vendor's offer (best price first), with "add to cart".

import { api, seg } from "../api.js";
import { session } from "../auth.js";
import { cartChanged, link } from "../router.js";
import { country } from "./cart.js";
import { busy, empty, errorBox, h, loading, money, mount, noImage, stars, statusBadge, toast } from "../ui.js";
import { language, t } from "../i18n.js";
import { addToGuestCart } from "../guest_cart.js";
import { askAdvisor } from "./ask_advisor.js";
import { productCommunity } from "./product_community.js";
import { variantSelector } from "./variants.js";

export async function render(view, { params, signal }) {
  mount(view, loading(t("Loading product…")));
  let product;
  try {
    product = await api.get(`/products/${seg(params.id)}`, { query: { country: country(), lang: language() }, signal });
  } catch (error) {
    if (error.name === "AbortError" || error.status === 401) throw error;
    mount(
      view,
      h("h1", {}, error.status === 404 ? t("Product not found") : t("Could not load the product")),
      errorBox(error),
      h("p", {}, h("a", { href: "#/products" }, t("Back to the shop"))),
    );
    return;
  }
  const trail = product.category.length
    ? h(
        "nav",
        { class: "breadcrumbs", "aria-label": t("Category") },
        h("ol", {}, product.category.map((_, i) => {
          const path = product.category.slice(0, i + 1).join(" > ");
          return h("li", {}, h("a", { href: link("/products", { category: path }) }, product.category_labels[i]));
        })),
      )
    : null;
  const attributes = Object.entries(product.attributes || {});
  mount(
    view,
    trail,
    h(
      "article",
      { class: "product" },
      gallery(product),
      h(
        "div",
        { class: "product-info" },
        h("h1", {}, product.title),
        product.brand ? h("p", { class: "muted" }, t("by "), h("a", { href: link("/products", { brand: product.brand }) }, product.brand)) : null,
        h("p", {}, stars(product.rating, product.rating_count), product.hearts ? h("span", { class: "muted" }, ` · ♥ ${product.hearts}`) : null),
        product.offers.length
          ? h("p", { class: "price big" }, product.offers.length > 1 ? t("from ") : "", money(product.offers[0].current_price, product.offers[0].currency))
          : null,
        variantSelector(product),
        h("div", { class: "description" }, (product.description || "").split(/\n{2,}/).map((p) => h("p", {}, p))),
        attributes.length || product.gtin
          ? h(
              "dl",
              { class: "attributes" },
              attributes.map(([k, v]) => [h("dt", {}, attributeName(k)), h("dd", {}, v)]),
              product.gtin ? [h("dt", {}, "GTIN"), h("dd", {}, product.gtin)] : null,
            )
          : null,
      ),
    ),
    h("section", { class: "offers", "aria-labelledby": "offers-title" },
      h("h2", { id: "offers-title" }, t("Offers ({n})", { n: product.offers.length })),
      product.offers.length ? offerTable(product) : empty(t("No vendor offers this product right now."))),
    askAdvisor(product, { signal }),
    productCommunity(product, { signal }),
  );
}

function gallery(product) {
  const images = product.images || [];
  if (!images.length) return h("div", { class: "gallery" }, noImage());
  const main = h("img", { src: images[0], alt: product.title, class: "main-image" });
  return h(
    "div",
    { class: "gallery" },
    main,
    images.length > 1
      ? h(
          "ul",
          { class: "thumbs", "aria-label": t("More images") },
          images.map((src, i) =>
            h(
              "li",
              {},
              h(
                "button",
                { type: "button", class: "thumb-button", "aria-label": t("Show image {n}", { n: i + 1 }), onclick: () => { main.src = src; } },
                h("img", { src, alt: "", loading: "lazy" }),
              ),
            ),
          ),
        )
      : null,
  );
}

/** The words for the merchant attributes a product page lists. */
function attributeName(key) {
  const names = { color: t("colour"), size: t("size"), material: t("material"), gender: t("gender"), age_group: t("age group"), pattern: t("pattern") };
  return names[key] ?? key.replaceAll("_", " ");
}

function offerTable(product) {
  return h(
    "table",
    { class: "table offers-table" },
    h("caption", { class: "visually-hidden" }, t("Offers, best price including shipping first")),
    h("thead", {}, h("tr", {}, [...[t("Vendor"), t("Price"), t("Shipping"), t("Delivery"), t("Availability")].map((label) => h("th", { scope: "col" }, label)), h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, t("Add to cart")))])),
    h("tbody", {}, product.offers.map((offer, i) => offerRow(product, offer, i === 0))),
  );
}

function offerRow(product, offer, best) {
  const ship = offer.shipping;
  const quantity = h("input", { type: "number", min: "1", max: "99", value: "1", class: "qty", "aria-label": t("Quantity from {vendor}", { vendor: offer.vendor_name }) });
  const add = h("button", { type: "button", class: "button", disabled: !offer.available, "data-offer": offer.offer_id }, t("Add to cart"));
  const result = h("div", { class: "row-result", "aria-live": "polite" });
  add.addEventListener("click", () =>
    busy(add, async () => {
      mount(result);
      if (!session()) {
        const inCart = addToGuestCart(product, offer, Math.max(1, Number(quantity.value) || 1));
        toast(t("Added to your cart ({n} in cart).", { n: inCart }), "success");
        mount(result, h("p", { class: "ok" }, t("Added. "), h("a", { href: "#/cart" }, t("View cart"))));
        return;
      }
      try {
        const cart = await api.get("/cart", { query: { country: country() } });
        const existing = cart.vendors.flatMap((g) => g.lines).find((l) => l.offer_id === offer.offer_id);
        const wanted = (existing ? existing.quantity : 0) + Math.max(1, Number(quantity.value) || 1);
        const updated = await api.put(`/cart/items/${seg(offer.offer_id)}`, {
          quantity: wanted,
          expected_unit_price: offer.current_price,
          currency: offer.currency,
        }, { query: { country: country() } });
        cartChanged(updated);
        toast(t("Added to your cart ({n} in cart).", { n: wanted }), "success");
        mount(result, h("p", { class: "ok" }, t("Added. "), h("a", { href: "#/cart" }, t("View cart"))));
      } catch (error) {
        mount(result, errorBox(error, { title: t("Could not add to the cart") }));
      }
    }, t("Adding…")),
  );
  // said before anything lands in the cart (the country is chosen in the cart)
  const ships = ship.cost !== null && ship.cost !== undefined;
  const shippingText = !ships ? h("span", { class: "warn", "data-testid": "no-shipping" }, t("{vendor} does not ship to {country}", { vendor: offer.vendor_name, country: country() })) : ship.cost === 0 ? t("Free") : money(ship.cost, offer.currency);
  const days = ship.min_days !== null && ship.min_days !== undefined ? t("{min}–{max} days", { min: ship.min_days, max: ship.max_days }) : "—";
  const cell = (label, ...content) => h("td", { "data-label": label }, h("div", { class: "cell" }, content));
  return h(
    "tr",
    { class: best ? "best" : null },
    cell(t("Vendor"), h("a", { class: "vendor-link", href: link(`/vendors/${encodeURIComponent(offer.vendor_id)}`) }, h("strong", {}, offer.vendor_name)), best ? h("span", { class: "badge badge-best" }, t("Best price")) : null,
      h("div", { class: "muted small" }, offer.condition !== "new" ? `${offer.condition === "used" ? t("used") : t("refurbished")} · ` : "", offer.vendor_return_days ? t("{n}-day returns", { n: offer.vendor_return_days }) : "")),
    cell(
      t("Price"),
      offer.sale_price !== null && offer.sale_price !== undefined && offer.sale_price < offer.price
        ? [h("del", { class: "muted" }, money(offer.price, offer.currency)), " ", h("strong", { class: "sale" }, money(offer.current_price, offer.currency))]
        : h("strong", {}, money(offer.current_price, offer.currency)),
    ),
    cell(t("Shipping"), shippingText, ship.free_from ? h("div", { class: "muted small" }, t("free from {amount}", { amount: money(ship.free_from, offer.currency) })) : null),
    cell(t("Delivery"), days),
    cell(t("Availability"), h("span", { class: offer.available ? "ok" : "warn" }, offer.available ? t("In stock") : statusBadge(offer.availability).textContent)),
    h("td", { class: "add-cell" }, h("div", { class: "add" }, quantity, add), result),
  );
}
