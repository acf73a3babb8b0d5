// The cart of a shopper who has not signed in: kept in this browser (localStorage) with the price
// they saw, and moved into their account's cart when they sign in (PUT /cart/items for each line,
// on top of what that cart holds). What cannot move as it was is said in words: a changed price
// (the line moves at the new price), less stock (the line moves with what is left), an offer no
// longer sold (the line is dropped).

import { t } from "./i18n.js";
import { chosenOptions } from "./views/variants.js";

const KEY = "plein.guestCart";
const NOTES_KEY = "plein.cartNotes";
const MAX_QUANTITY = 99;

/** The guest's lines: {offer_id, product_id, title, variant, image_link, vendor_name, unit_price, currency, quantity}. */
export function guestLines() {
  try {
    const lines = JSON.parse(localStorage.getItem(KEY) || "[]");
    return Array.isArray(lines) ? lines.filter((l) => l && l.offer_id && Number(l.quantity) > 0) : [];
  } catch {
    return [];
  }
}

export function guestUnits() {
  return guestLines().reduce((n, line) => n + Number(line.quantity), 0);
}

function save(lines) {
  if (lines.length) localStorage.setItem(KEY, JSON.stringify(lines));
  else localStorage.removeItem(KEY);
  document.dispatchEvent(new CustomEvent("plein:guest-cart"));
}

/** Add units of an offer of `product` (as the product page shows them); returns the units of it now in the cart. */
export function addToGuestCart(product, offer, quantity) {
  const lines = guestLines();
  const line = lines.find((l) => l.offer_id === offer.offer_id);
  const wanted = Math.min(MAX_QUANTITY, (line ? Number(line.quantity) : 0) + quantity);
  const fresh = {
    offer_id: offer.offer_id,
    product_id: product.product_id,
    title: product.title,
    variant: chosenOptions(product),
    image_link: (product.images || [])[0] || null,
    vendor_name: offer.vendor_name,
    unit_price: offer.current_price,
    currency: offer.currency,
    quantity: wanted,
  };
  save(line ? lines.map((l) => (l.offer_id === offer.offer_id ? fresh : l)) : [...lines, fresh]);
  return wanted;
}

export function setGuestQuantity(offerId, quantity) {
  const lines = guestLines();
  save(quantity > 0 ? lines.map((l) => (l.offer_id === offerId ? { ...l, quantity: Math.min(MAX_QUANTITY, quantity) } : l)) : lines.filter((l) => l.offer_id !== offerId));
}

/** Notes about the last move into the account's cart, shown once on the cart page. */
export function takeCartNotes() {
  const notes = JSON.parse(sessionStorage.getItem(NOTES_KEY) || "[]");
  sessionStorage.removeItem(NOTES_KEY);
  return notes;
}

/**
 * Move the guest's lines into the signed-in account's cart. `api` is api.js's client (passed in:
 * api.js imports auth.js, which the shell imports before this). Lines that moved, even changed,
 * leave this browser; a line that failed for a reason worth retrying (no connection) stays.
 * Resolves to {moved (units), notes}.
 */
export function mergeGuestCart(api) {
  // one move at a time: two sign-in events close together must not add the lines twice
  moving ??= moveLines(api).finally(() => {
    moving = null;
  });
  return moving;
}

let moving = null;

async function moveLines(api) {
  const lines = guestLines();
  if (!lines.length) return { moved: 0, notes: [] };
  const cart = await api.get("/cart");
  const inCart = new Map(cart.vendors.flatMap((g) => g.lines).map((l) => [l.offer_id, l.quantity]));
  const notes = [];
  const kept = [];
  let moved = 0;
  for (const line of lines) {
    const name = line.title || t("an item from {vendor}", { vendor: line.vendor_name });
    const quantity = Math.min(MAX_QUANTITY, (inCart.get(line.offer_id) || 0) + Number(line.quantity));
    const put = (body) => api.put(`/cart/items/${encodeURIComponent(line.offer_id)}`, body);
    try {
      await put({ quantity, expected_unit_price: line.unit_price, currency: line.currency });
      moved += Number(line.quantity);
    } catch (error) {
      const outcome = await retried(error, put, quantity, line).catch(() => null);
      if (outcome === null) {
        kept.push(line);
        notes.push(t("{item} could not be moved yet; it stays in this browser's cart.", { item: name }));
        continue;
      }
      moved += outcome.moved;
      notes.push(outcome.note(name));
    }
  }
  save(kept);
  if (notes.length) sessionStorage.setItem(NOTES_KEY, JSON.stringify(notes));
  return { moved, notes };
}

/** A second try after a refusal that a changed line can satisfy; null when it is worth trying later. */
async function retried(error, put, quantity, line) {
  if (error.code === "price_changed") {
    await put({ quantity });
    return { moved: Number(line.quantity), note: (name) => t("The price of {item} has changed since you added it: check it in your cart.", { item: name }) };
  }
  if (error.code === "insufficient_stock") {
    const left = Number(error.details?.[0]?.message || 0);
    if (left > 0) await put({ quantity: left });
    return {
      moved: Math.max(0, Math.min(left, Number(line.quantity))),
      note: (name) => (left > 0 ? t("Only {n} of {item} are left: your cart holds those.", { n: left, item: name }) : t("{item} is sold out and was not added.", { item: name })),
    };
  }
  if (error.code === "offer_unavailable" || error.code === "offer_not_found" || error.status === 404) {
    return { moved: 0, note: (name) => t("{item} is no longer sold and was not added.", { item: name }) };
  }
  if (error.status === 422 || error.status === 409) {
    return { moved: 0, note: (name) => t("{item} could not be added: {reason}", { item: name, reason: error.message }) };
  }
  return null;
}
