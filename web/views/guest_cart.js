// The cart page before signing in: the lines kept in this browser (guest_cart.js), at the prices
// seen when they were added, grouped by vendor; shipping and stock are checked once the shopper
// signs in and the lines move into their account's cart.

import { guestLines, setGuestQuantity } from "../guest_cart.js";
import { t } from "../i18n.js";
import { link } from "../router.js";
import { empty, h, money, mount, noImage } from "../ui.js";
import { variantLine } from "./variants.js";

export function renderGuestCart(view) {
  const lines = guestLines();
  const title = h("h1", {}, t("Your cart"));
  const signIn = link("/signin", { next: "#/cart" });
  if (!lines.length) {
    mount(view, title, empty(t("Your cart is empty."), h("a", { class: "button", href: "#/products" }, t("Find something"))));
    return;
  }
  const byVendor = new Map();
  for (const line of lines) byVendor.set(line.vendor_name, [...(byVendor.get(line.vendor_name) || []), line]);
  const currency = lines[0].currency;
  const total = lines.reduce((sum, line) => sum + line.unit_price * line.quantity, 0);
  mount(
    view,
    title,
    h("p", { class: "notice", "data-testid": "guest-cart" }, t("You are not signed in: this cart is kept in this browser. Sign in to check shipping and stock and to check out; your items come along.")),
    h(
      "div",
      { class: "checkout" },
      h(
        "div",
        {},
        [...byVendor].map(([vendor, group]) =>
          h(
            "section",
            { class: "card vendor-group", "aria-label": t("From {vendor}", { vendor }) },
            h("h2", {}, t("From {vendor}", { vendor })),
            h("ul", { class: "lines", role: "list" }, group.map((line) => guestLine(view, line))),
          ),
        ),
      ),
      h(
        "aside",
        { class: "card totals", "aria-label": t("Total") },
        h("dl", { class: "sums" }, h("dt", { class: "total" }, t("Items")), h("dd", { class: "total", "data-testid": "guest-total" }, money(total, currency))),
        h("p", { class: "muted small" }, t("Shipping is added per vendor when you sign in.")),
        h("div", { class: "actions" }, h("a", { class: "button button-primary", href: signIn }, t("Sign in to check out"))),
        h("p", { class: "small" }, t("New to Plein? "), h("a", { href: "#/signup" }, t("Create an account"))),
      ),
    ),
  );
}

function guestLine(view, line) {
  const id = `guest-qty-${line.offer_id}`.replace(/[^A-Za-z0-9_-]/g, "_");
  const name = line.title || line.offer_id;
  const quantity = h("input", { id, type: "number", min: "0", max: "99", value: String(line.quantity), class: "qty" });
  quantity.addEventListener("change", () => {
    setGuestQuantity(line.offer_id, Math.max(0, Math.floor(Number(quantity.value) || 0)));
    renderGuestCart(view);
  });
  const remove = h("button", { type: "button", class: "button button-small button-danger", "aria-label": t("Remove {item}", { item: name }) }, t("Remove"));
  remove.addEventListener("click", () => {
    setGuestQuantity(line.offer_id, 0);
    renderGuestCart(view);
  });
  return h(
    "li",
    { class: "line" },
    h("div", { class: "thumb small-thumb" }, line.image_link ? h("img", { src: line.image_link, alt: "" }) : noImage()),
    h("div", { class: "line-main" },
      h("a", { href: link(`/product/${encodeURIComponent(line.product_id)}`) }, name),
      variantLine(line.variant),
      h("div", { class: "muted small" }, t("{amount} each", { amount: money(line.unit_price, line.currency) }))),
    h("div", { class: "line-qty" }, h("label", { for: id, class: "visually-hidden" }, t("Quantity of {item}", { item: name })), quantity, remove),
    h("div", { class: "line-total" }, money(line.unit_price * line.quantity, line.currency)),
  );
}
