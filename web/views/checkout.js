// Checkout: delivery address, an optional gift card and points, a test card, and POST /checkout with
// an Idempotency-Key per attempt.
// A retry after a network failure reuses the attempt's key (so it cannot charge twice); any answer
// from the API ends the attempt and the next submit gets a new key.

import { api } from "../api.js";
import { cartChanged, link, navigate } from "../router.js";
import { countries, country } from "./cart.js";
import { empty, errorBox, field, h, loading, money, mount } from "../ui.js";
import { t } from "../i18n.js";
import { variantLine } from "./variants.js";

const cards = () => [
  ["tok_visa", t("Visa test card (succeeds)")],
  ["tok_mastercard", t("Mastercard test card (succeeds)")],
  ["tok_declined", t("Declined test card")],
  ["tok_chargeDeclinedInsufficientFunds", t("Declined: insufficient funds")],
  ["tok_error", t("Processing error")],
];
const ADDRESS_KEY = "plein.address";
/** What went wrong at checkout, in words that say what to do next. */
const failureTitles = () => ({
  gift_card_invalid: t("That gift card code is not known: check it and try again"),
  gift_card_empty: t("That gift card has been used up"),
  gift_card_currency_mismatch: t("That gift card is in another currency"),
  insufficient_points: t("You do not have that many points"),
  points_not_accepted: t("Points cannot pay at the moment: leave the points empty"),
  redemptions_unavailable: t("Gift cards and points cannot be checked right now: try again in a moment"),
  payment_declined: t("The order was not placed: your card was declined. Try another card or payment method."),
  payment_unavailable: t("The order was not placed: the payment service did not answer. Try again in a moment."),
});

export async function render(view, { signal, session }) {
  mount(view, h("h1", {}, t("Checkout")), loading(t("Loading your cart…")));
  let cart;
  try {
    cart = await api.get("/cart", { query: { country: country() }, signal });
  } catch (error) {
    if (error.name === "AbortError" || error.status === 401) throw error;
    mount(view, h("h1", {}, t("Checkout")), errorBox(error, { title: t("Could not load your cart") }));
    return;
  }
  if (!cart.vendors.length) {
    mount(view, h("h1", {}, t("Checkout")), empty(t("Your cart is empty."), h("a", { class: "button", href: "#/products" }, t("Find something"))));
    return;
  }
  const saved = JSON.parse(sessionStorage.getItem(ADDRESS_KEY) || "null") || {};
  const input = (name, attrs = {}) => h("input", { name, id: `addr-${name}`, value: saved[name] || "", ...attrs });
  const name = input("name", { autocomplete: "name", required: true, value: saved.name || session?.username || "" });
  const line1 = input("line1", { autocomplete: "address-line1", required: true });
  const line2 = input("line2", { autocomplete: "address-line2" });
  const postal = input("postal_code", { autocomplete: "postal-code", required: true, maxlength: "20" });
  const city = input("city", { autocomplete: "address-level2", required: true });
  const countrySelect = h(
    "select",
    { name: "country", id: "addr-country", autocomplete: "country", disabled: true },
    countries().map(([code, label]) => h("option", { value: code, selected: code === cart.country }, label)),
  );
  const card = h("select", { name: "payment_method", id: "payment-method" }, cards().map(([value, label]) => h("option", { value }, label)));
  // Gift cards and points: taken off the total by the rewards program when the order is placed.
  const giftCode = h("input", { name: "gift_card_code", id: "gift-card-code", autocomplete: "off", maxlength: "64", spellcheck: "false" });
  const points = h("input", { name: "points", id: "reward-points", type: "number", min: "0", step: "1", inputmode: "numeric", value: "" });
  const pointsHint = h("span", {}, t("Points pay too, after the gift card."));
  api
    .get("/rewards/me", { signal })
    .then((me) => {
      points.max = String(me.balance);
      pointsHint.textContent = t("You have {n} points; they pay after the gift card.", { n: me.balance });
    })
    .catch(() => {});
  const status = h("div", { "aria-live": "assertive" });
  const submit = h("button", { type: "submit", class: "button button-primary" }, t("Pay {amount}", { amount: money(cart.total, cart.currency) }));
  let attemptKey = null;

  const form = h(
    "form",
    {
      class: "card form",
      "aria-labelledby": "address-title",
      onsubmit: async (event) => {
        event.preventDefault();
        if (!form.reportValidity()) return;
        const address = {
          name: name.value.trim(),
          line1: line1.value.trim(),
          line2: line2.value.trim() || null,
          postal_code: postal.value.trim(),
          city: city.value.trim(),
          country: cart.country,
        };
        sessionStorage.setItem(ADDRESS_KEY, JSON.stringify(address));
        attemptKey = attemptKey || crypto.randomUUID();
        mount(status, loading(t("Placing your order…")));
        submit.disabled = true;
        try {
          const body = { shipping_address: address, payment_method: card.value, currency: cart.currency, expected_total: cart.total };
          if (giftCode.value.trim()) body.gift_card_code = giftCode.value.trim();
          if (Number(points.value) > 0) body.points = Math.floor(Number(points.value));
          const order = await api.post("/checkout", body, { headers: { "Idempotency-Key": attemptKey } });
          attemptKey = null;
          cartChanged(null);
          navigate(`/orders/${encodeURIComponent(order.order_id)}`, { placed: "1" });
        } catch (error) {
          if (error.code !== "network") attemptKey = null; // the API answered: the next submit is a new attempt
          const title = error.code === "network" ? t("No answer; submitting again is safe") : failureTitles()[error.code] || t("The order was not placed");
          mount(status, errorBox(error, { title }));
          submit.disabled = false;
        }
      },
    },
    h("h2", { id: "address-title" }, t("Delivery address")),
    field(t("Full name"), name),
    field(t("Address"), line1),
    field(t("Address line 2 (optional)"), line2),
    h("div", { class: "row" }, field(t("Postal code"), postal), field(t("City"), city)),
    field(t("Country"), countrySelect, h("span", {}, t("Change it in the "), h("a", { href: "#/cart" }, t("cart")), t(" (shipping depends on it)."))),
    h("h2", {}, t("Gift card or points (optional)")),
    h("div", { class: "row" }, field(t("Gift card code"), giftCode), field(t("Points to use"), points, pointsHint)),
    h("h2", {}, t("Payment")),
    field(t("Card"), card, t("Test cards only: no real money moves. It pays what the gift card and points leave.")),
    status,
    h("div", { class: "actions" }, h("a", { class: "button button-ghost", href: "#/cart" }, t("Back to cart")), submit),
  );

  mount(
    view,
    h("h1", {}, t("Checkout")),
    h(
      "div",
      { class: "checkout" },
      form,
      h(
        "aside",
        { class: "card summary", "aria-labelledby": "summary-title" },
        h("h2", { id: "summary-title" }, t("Order summary")),
        cart.vendors.map((group) =>
          h(
            "div",
            { class: "summary-group" },
            h("h3", {}, group.vendor_name || group.vendor_id),
            h("ul", { class: "plain" }, group.lines.map((l) => h("li", {}, `${l.quantity} × `, h("a", { href: link(`/product/${encodeURIComponent(l.product_id || "")}`) }, l.title || l.offer_id), h("span", { class: "right" }, money(l.line_total, cart.currency)), variantLine(l.variant)))),
            h("p", { class: "muted small" }, t("Shipping "), h("span", { class: "right" }, money(group.shipping, cart.currency))),
          ),
        ),
        h("dl", { class: "sums" },
          h("dt", {}, t("Items")), h("dd", {}, money(cart.items_total, cart.currency)),
          h("dt", {}, t("Shipping")), h("dd", {}, money(cart.shipping_total, cart.currency)),
          h("dt", { class: "total" }, t("Total")), h("dd", { class: "total" }, money(cart.total, cart.currency))),
      ),
    ),
  );
}
