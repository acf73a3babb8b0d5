// The review form of a review-request e-mail (#/review/<token>): the signed link names the
// member, order and product, so no sign-in is needed; the review is verified through the
// delivered order. A thank-you says so.

import { api, seg } from "../../api.js";
import { busy, errorBox, field, h, loading, mount } from "../../ui.js";
import { starInput } from "../community/shared.js";
import { linkProblem } from "./shared.js";
import { t, withNodes } from "../../i18n.js";

export async function render(view, { params, signal }) {
  const title = h("h1", {}, t("Write a review"));
  mount(view, title, loading());
  const path = `/review-invitations/${seg(params.id)}`;
  let invitation;
  try {
    invitation = await api.get(path, { signal });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    mount(view, title, linkProblem(error, t("This review link does not work")));
    return;
  }
  let product = null;
  try {
    product = await api.get(`/products/${seg(invitation.product_id)}`, { signal });
  } catch (error) {
    if (error.name === "AbortError") throw error;
  }
  const productLink = h("a", { href: `#/product/${seg(invitation.product_id)}`, "data-testid": "invited-product" }, product?.title || invitation.product_id);
  const intro = h("p", {}, withNodes(t("How do you like {product}? (order {order})", { order: invitation.order_id }), { product: productLink }));
  if (invitation.reviewed) {
    mount(view, title, intro, h("p", { class: "notice" }, t("You already reviewed this product. Thank you!")));
    return;
  }
  const rating = starInput(t("Your rating"));
  const heading = h("input", { type: "text", name: "title", maxlength: "120", required: true, autocomplete: "off" });
  const text = h("textarea", { name: "text", rows: "5", maxlength: "5000", required: true });
  const submit = h("button", { type: "submit", class: "button" }, t("Publish review"));
  const result = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "card community-form", "aria-label": t("Write a review") }, rating, field(t("Title"), heading), field(t("Your review"), text, t("What did you like, what not?")), h("div", { class: "actions" }, submit));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    mount(result);
    if (!rating.value()) {
      mount(result, errorBox({ message: t("Choose from 1 to 5 stars.") }, { title: t("Your rating is missing") }));
      return;
    }
    busy(submit, async () => {
      try {
        const review = await api.post(`${path}/review`, { rating: rating.value(), title: heading.value, text: text.value });
        form.remove();
        mount(
          result,
          h(
            "div",
            { class: "notice success-box", role: "status", "data-testid": "review-thanks" },
            h("p", {}, t("Thank you for your review!")),
            review.verified ? h("p", {}, h("span", { class: "chip", "data-testid": "verified" }, t("verified purchase")), t(" It shows as a verified purchase.")) : null,
            review.status !== "published" ? h("p", {}, t("It will appear once it has been checked.")) : null,
            h("p", {}, h("a", { href: `#/product/${seg(invitation.product_id)}` }, t("See it on the product page"))),
          ),
        );
      } catch (error) {
        mount(result, linkProblem(error, t("Could not publish your review")));
      }
    });
  });
  mount(view, title, intro, form, result);
}
