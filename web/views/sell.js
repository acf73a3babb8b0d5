// Sell on Plein (#/sell): apply as a vendor, then follow the application. While it is pending the
// applicant may still change it; a declined application shows the admin's reason, and changing it
// resubmits it; once approved the vendor workspace opens after signing in again (the new group and
// vendor id are claims of a fresh token).

import { api, seg } from "../api.js";
import { signOut } from "../auth.js";
import { busy, date, errorBox, field, h, loading, mount, statusBadge, toast } from "../ui.js";
import { link, navigate } from "../router.js";
import { t } from "../i18n.js";

export async function render(view, { signal, session }) {
  mount(view, h("h1", {}, t("Sell on Plein")), loading(t("Loading your application…")));
  const vendor = await api.find("/me/vendor", { signal });
  if (!vendor) return mount(view, h("h1", {}, t("Sell on Plein")), pitch(), applicationForm(null));
  mount(view, h("h1", {}, vendor.status === "approved" ? vendor.name : t("Your vendor application")), statusCard(vendor, session));
  if (vendor.status === "pending" || vendor.status === "declined") view.append(applicationForm(vendor));
}

function pitch() {
  return h(
    "div",
    { class: "card" },
    h("p", {}, t("Bring your assortment to shoppers across the Netherlands, Belgium and Germany, next to other makers and shops.")),
    h(
      "ul",
      {},
      h("li", {}, t("Upload the product export you already have: Google Merchant feeds, Shopify or WooCommerce exports, or any spreadsheet.")),
      h("li", {}, t("Set your own prices, stock, shipping rules and return policy.")),
      h("li", {}, t("Pay a commission only on what you sell; we approve every shop by hand.")),
    ),
  );
}

function statusCard(vendor, session) {
  const parts = {
    pending: [
      h("p", {}, t("We received your application for {name} on {date}. An admin reviews it, usually within two working days; we let you know by notification and e-mail.", { name: vendor.name, date: date(vendor.created_at) })),
      h("p", { class: "muted small" }, t("You can still change it below.")),
    ],
    declined: [
      h("p", {}, t("We could not approve {name} yet. The reason:", { name: vendor.name })),
      h("blockquote", { "data-testid": "decline-reason" }, vendor.decline_reason || "—"),
      h("p", {}, t("Change your application below and submit it again.")),
    ],
    approved: [
      h("p", {}, t("{name} was approved on {date}.", { name: vendor.name, date: date(vendor.approved_at) })),
      session.vendorId === vendor.vendor_id
        ? h("a", { class: "button", href: "#/vendor" }, t("Open your vendor workspace"))
        : [
            h("p", {}, t("Sign in once more to open your vendor workspace.")),
            h(
              "button",
              {
                type: "button",
                class: "button",
                onclick: () => {
                  signOut();
                  navigate("/signin", { next: "#/vendor" });
                },
              },
              t("Sign in again"),
            ),
          ],
    ],
    suspended: [h("p", {}, t("{name} is suspended. Please contact us.", { name: vendor.name }))],
  };
  return h(
    "div",
    { class: "card application-status", "data-testid": "application-status" },
    h("p", {}, t("Status: "), statusBadge(vendor.status)),
    parts[vendor.status] || null,
  );
}

function applicationForm(vendor) {
  const name = h("input", { name: "name", required: true, minlength: 2, maxlength: 80, value: vendor?.name || "" });
  const story = h("textarea", { name: "story", rows: 5, maxlength: 5000 }, vendor?.story || "");
  const website = h("input", { name: "website", type: "url", placeholder: "https://", value: vendor?.contact.website || "" });
  const email = h("input", { name: "email", type: "email", autocomplete: "email", value: vendor?.contact.email || "" });
  const phone = h("input", { name: "phone", type: "tel", autocomplete: "tel", maxlength: 40, value: vendor?.contact.phone || "" });
  const problem = h("div", { "aria-live": "assertive" });
  const label = vendor ? (vendor.status === "declined" ? t("Submit again") : t("Save changes")) : t("Apply");
  const submit = h("button", { type: "submit", class: "button" }, label);
  return h(
    "form",
    {
      class: "card form",
      "aria-label": vendor ? t("Change your application") : t("Apply as a vendor"),
      onsubmit: async (event) => {
        event.preventDefault();
        mount(problem);
        const contact = Object.fromEntries(
          Object.entries({ website: website.value.trim(), email: email.value.trim(), phone: phone.value.trim() }).filter(([, v]) => v),
        );
        const body = { name: name.value.trim(), story: story.value.trim(), contact };
        try {
          await busy(submit, () =>
            vendor ? api.patch(`/vendors/${seg(vendor.vendor_id)}`, body) : api.post("/vendors", body),
          );
          toast(vendor ? t("Your application is updated.") : t("Thank you! Your application is in."));
          window.dispatchEvent(new Event("plein:rerender"));
        } catch (error) {
          mount(problem, errorBox(error, { title: t("Your application could not be saved") }));
        }
      },
    },
    vendor ? h("h2", {}, t("Your application")) : null,
    field(t("Shop name"), name),
    field(t("About your shop"), story, t("What you make or sell, since when, and where it comes from. Shoppers see this on your storefront.")),
    field(t("Website"), website, t("Optional: where we can see your products today.")),
    field(t("E-mail for questions about your application"), email),
    field(t("Phone"), phone, t("Optional.")),
    problem,
    h("div", { class: "actions" }, submit),
    vendor ? null : h("p", { class: "muted small" }, t("Applying is free. "), h("a", { href: link("/products") }, t("Back to the shop"))),
  );
}
