// The cart: lines grouped by vendor with each vendor's shipping; change quantities, remove lines.

import { api, seg } from "../api.js";
import { cartChanged, link, navigate } from "../router.js";
import { busy, empty, errorBox, h, loading, money, mount, noImage, toast } from "../ui.js";
import { intlLocale, t } from "../i18n.js";
import { takeCartNotes } from "../guest_cart.js";
import { renderGuestCart } from "./guest_cart.js";
import { variantLine } from "./variants.js";

const SHIPPING_COUNTRIES = ["NL", "BE", "DE", "FR", "AT", "SK"];

/** [code, name] of the countries a shopper ships to, named in the interface language. */
export function countries() {
  const names = new Intl.DisplayNames([intlLocale()], { type: "region" });
  return SHIPPING_COUNTRIES.map((code) => [code, names.of(code)]);
}

export function country() {
  return sessionStorage.getItem("plein.country") || "NL";
}

const problems = () => ({
  price_changed: t("The price changed since you added it."),
  insufficient_stock: t("Not enough stock for this quantity."),
  out_of_stock: t("Out of stock."),
  withdrawn: t("The vendor no longer offers this."),
  not_shippable: t("This vendor does not ship to your country."),
});
export const problemText = (code) => problems()[code] || code.replaceAll("_", " ");

export async function render(view, { signal, session }) {
  if (!session) return renderGuestCart(view);
  mount(view, h("h1", {}, t("Your cart")), loading(t("Loading your cart…")));
  let cart;
  try {
    cart = await api.get("/cart", { query: { country: country() }, signal });
  } catch (error) {
    if (error.name === "AbortError" || error.status === 401) throw error;
    mount(view, h("h1", {}, t("Your cart")), errorBox(error, { title: t("Could not load your cart") }));
    return;
  }
  draw(view, cart);
  const notes = takeCartNotes();
  if (notes.length) view.prepend(h("div", { class: "notice warn-box", role: "status", "data-testid": "cart-notes" }, h("ul", {}, notes.map((note) => h("li", {}, note)))));
}

function draw(view, cart) {
  cartChanged(cart);
  const status = h("div", { "aria-live": "polite" });
  const update = async (button, work) => {
    mount(status);
    try {
      const next = await busy(button, work, t("Saving…"));
      draw(view, next);
      toast(t("Cart updated."), "success");
    } catch (error) {
      mount(status, errorBox(error, { title: t("Could not update the cart") }));
    }
  };
  if (!cart.vendors.length) {
    mount(view, h("h1", {}, t("Your cart")), empty(t("Your cart is empty."), h("a", { class: "button", href: "#/products" }, t("Find something"))));
    return;
  }
  const countrySelect = h(
    "select",
    {
      id: "cart-country",
      onchange: () => {
        sessionStorage.setItem("plein.country", countrySelect.value);
        navigate("/cart");
      },
    },
    countries().map(([code, name]) => h("option", { value: code, selected: code === cart.country }, name)),
  );
  mount(
    view,
    h("div", { class: "page-head" }, h("h1", {}, t("Your cart")),
      h("div", { class: "inline-field" }, h("label", { for: "cart-country" }, t("Ship to")), countrySelect)),
    status,
    cart.problems.length ? h("div", { class: "notice warn-box", role: "alert" }, h("p", {}, t("Please check your cart:")), h("ul", {}, cart.problems.map((p) => h("li", {}, problemText(p))))) : null,
    cart.vendors.map((group) =>
      h(
        "section",
        { class: "card vendor-group", "aria-label": t("From {vendor}", { vendor: group.vendor_name || group.vendor_id }) },
        h("h2", {}, t("From {vendor}", { vendor: group.vendor_name || group.vendor_id })),
        h("ul", { class: "lines", role: "list" }, group.lines.map((line) => lineItem(line, cart.currency, update))),
        h(
          "dl",
          { class: "sums" },
          h("dt", {}, t("Items")), h("dd", {}, money(group.subtotal, cart.currency)),
          h("dt", {}, t("Shipping")), h("dd", {}, group.shipping === null ? t("Does not ship here") : group.shipping === 0 ? t("Free") : money(group.shipping, cart.currency)),
        ),
      ),
    ),
    h(
      "section",
      { class: "card totals", "aria-label": t("Total") },
      h("dl", { class: "sums" },
        h("dt", {}, t("Items")), h("dd", {}, money(cart.items_total, cart.currency)),
        h("dt", {}, t("Shipping")), h("dd", {}, money(cart.shipping_total, cart.currency)),
        h("dt", { class: "total" }, t("Total")), h("dd", { class: "total", "data-testid": "cart-total" }, money(cart.total, cart.currency))),
      h("div", { class: "actions" },
        h("a", { class: "button button-ghost", href: "#/products" }, t("Continue shopping")),
        cart.total === null || cart.problems.length
          ? h("button", { type: "button", class: "button", disabled: true, title: t("Solve the problems above first") }, t("Checkout"))
          : h("a", { class: "button button-primary", href: "#/checkout" }, t("Checkout"))),
    ),
  );
}

function lineItem(line, currency, update) {
  const qtyId = `qty-${line.offer_id}`.replace(/[^A-Za-z0-9_-]/g, "_");
  const quantity = h("input", { type: "number", id: qtyId, min: "1", max: String(Math.max(line.available, line.quantity, 1)), value: String(line.quantity), class: "qty" });
  const save = h("button", { type: "button", class: "button button-small button-ghost" }, t("Update"));
  const remove = h("button", { type: "button", class: "button button-small button-danger", "aria-label": t("Remove {item}", { item: line.title || line.offer_id }) }, t("Remove"));
  const put = (qty) => api.put(`/cart/items/${seg(line.offer_id)}`, { quantity: qty, expected_unit_price: line.unit_price ?? undefined }, { query: { country: country() } });
  save.addEventListener("click", () => update(save, () => put(Math.max(1, Number(quantity.value) || 1))));
  quantity.addEventListener("keydown", (e) => {
    if (e.key === "Enter") save.click();
  });
  remove.addEventListener("click", () => update(remove, () => api.del(`/cart/items/${seg(line.offer_id)}`, { query: { country: country() } })));
  const accept = line.price_changed && line.unit_price !== null
    ? h("button", { type: "button", class: "button button-small", onclick: (e) => update(e.currentTarget, () => put(line.quantity)) }, t("Accept new price {amount}", { amount: money(line.unit_price, currency) }))
    : null;
  return h(
    "li",
    { class: "line" },
    h("div", { class: "thumb small-thumb" }, line.image_link ? h("img", { src: line.image_link, alt: "" }) : noImage()),
    h(
      "div",
      { class: "line-main" },
      line.product_id ? h("a", { href: link(`/product/${encodeURIComponent(line.product_id)}`) }, line.title || line.offer_id) : h("span", {}, line.title || line.offer_id),
      variantLine(line.variant),
      h("div", { class: "muted small" }, line.sku ? `SKU ${line.sku} · ` : "", t("{amount} each", { amount: money(line.unit_price ?? line.seen_unit_price, currency) })),
      line.problems.length ? h("ul", { class: "line-problems" }, line.problems.map((p) => h("li", { class: "warn" }, problemText(p)))) : null,
      accept,
    ),
    h("div", { class: "line-qty" }, h("label", { for: qtyId, class: "visually-hidden" }, t("Quantity of {item}", { item: line.title || line.offer_id })), quantity, save, remove),
    h("div", { class: "line-total" }, money(line.line_total, currency)),
  );
}
