// A vendor's storefront (#/vendors/<id>), public: who they are, where they ship and at what cost,
// their return and service terms, and their live offers, page by page.

import { api, seg } from "../api.js";
import { empty, h, loading, money, mount, noImage, pagedLoader } from "../ui.js";
import { link } from "../router.js";
import { t } from "../i18n.js";

export async function render(view, { params, signal }) {
  mount(view, loading(t("Loading the shop…")));
  const first = await api.find(`/vendors/${seg(params.id)}/storefront`, { query: { limit: 24 }, signal });
  if (!first) {
    mount(view, h("h1", {}, t("Shop not found")), empty(t("This shop does not exist or does not sell on Plein (yet)."), h("a", { class: "button", href: "#/products" }, t("Back to the shop"))));
    return;
  }
  const vendor = first.vendor;
  const grid = h("ul", { class: "grid", "data-testid": "storefront-offers" });
  const more = h("div", { class: "pager" });
  let served = false;
  const load = pagedLoader({
    // the first page came with the profile; later pages by cursor
    fetchPage: async (cursor) => {
      let page = first;
      if (served) page = await api.get(`/vendors/${seg(params.id)}/storefront`, { query: { limit: 24, cursor }, signal });
      served = true;
      return { items: page.offers, next_cursor: page.next_cursor };
    },
    into: grid,
    renderItem: offerCard,
    more,
    label: t("More from this shop"),
  });
  await load(null); // the page in hand: no request
  mount(
    view,
    h(
      "div",
      { class: "storefront-head" },
      vendor.logo_url ? h("img", { class: "storefront-logo", src: vendor.logo_url, alt: "" }) : null,
      h("div", {}, h("h1", {}, vendor.name), vendor.website ? h("p", {}, h("a", { href: vendor.website, rel: "noopener noreferrer", target: "_blank" }, vendor.website.replace(/^https?:\/\//, ""))) : null),
    ),
    vendor.story ? h("p", { class: "story" }, vendor.story) : null,
    terms(vendor),
    h("h2", {}, t("Products")),
    first.offers.length ? [grid, more] : empty(t("This shop has nothing on sale right now.")),
  );
}

function terms(vendor) {
  const rules = vendor.shipping_rules || [];
  return h(
    "details",
    { class: "card storefront-terms", open: true },
    h("summary", {}, t("Shipping, returns and service")),
    rules.length
      ? h(
          "table",
          { class: "table" },
          h("caption", { class: "visually-hidden" }, t("Shipping costs per destination")),
          h("thead", {}, h("tr", {}, [t("Ships to"), t("Cost"), t("Free from"), t("Delivery")].map((label) => h("th", { scope: "col" }, label)))),
          h(
            "tbody",
            {},
            rules.map((rule) =>
              h(
                "tr",
                {},
                h("td", { "data-label": t("Ships to") }, `${rule.zone} (${rule.countries.includes("*") ? t("everywhere else") : rule.countries.join(", ")})`),
                h("td", { "data-label": t("Cost") }, rule.cost ? money(rule.cost) : t("Free")),
                h("td", { "data-label": t("Free from") }, rule.free_from ? money(rule.free_from) : vendor.free_shipping_from ? money(vendor.free_shipping_from) : "—"),
                h("td", { "data-label": t("Delivery") }, t("{min}–{max} days", { min: rule.min_days, max: rule.max_days })),
              ),
            ),
          ),
        )
      : h("p", { class: "muted" }, t("Shipping costs are shown with each product.")),
    h("p", {}, vendor.return_days ? t("Returns within {n} days of delivery.", { n: vendor.return_days }) : t("This shop does not take returns.")),
    vendor.return_policy ? h("p", { class: "muted small" }, vendor.return_policy) : null,
    vendor.service_policy ? h("p", { class: "muted small" }, vendor.service_policy) : null,
  );
}

/** Whether the offer's sale price applies now (it may have a start and an end). */
function saleNow(offer, now = Date.now()) {
  if (offer.sale_price === null || offer.sale_price === undefined || offer.sale_price >= offer.price) return false;
  const started = !offer.sale_starts_at || Date.parse(offer.sale_starts_at) <= now;
  const running = !offer.sale_ends_at || Date.parse(offer.sale_ends_at) > now;
  return started && running;
}

function offerCard(offer) {
  const onSale = saleNow(offer);
  const inStock = offer.quantity > 0 && offer.availability !== "out_of_stock";
  return h(
    "li",
    { class: "card product-card" },
    h(
      "a",
      { href: link(`/product/${encodeURIComponent(offer.product_id)}`), class: "product-link" },
      h("div", { class: "thumb" }, offer.image_link ? h("img", { src: offer.image_link, alt: "", loading: "lazy" }) : noImage()),
      h("span", { class: "title" }, offer.title),
    ),
    offer.brand ? h("span", { class: "muted small" }, offer.brand) : null,
    h("span", { class: "price" }, onSale ? [h("del", { class: "muted" }, money(offer.price, offer.currency)), " ", h("span", { class: "sale" }, money(offer.sale_price, offer.currency))] : money(offer.price, offer.currency)),
    h("span", { class: `small ${inStock ? "ok" : "warn"}` }, inStock ? t("In stock") : t("Out of stock")),
  );
}
