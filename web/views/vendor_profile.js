// The vendor workspace's profile tab (#/vendor?tab=profile): what shoppers see on the storefront
// (name, story, logo, contact), where the shop ships at what cost, and its return and service terms.
// Saving sends only what changed (PATCH /vendors/{id}); shipping rules are saved as a whole list.

import { api, seg } from "../api.js";
import { t } from "../i18n.js";
import { busy, errorBox, field, h, loading, mount, toMinor, toast } from "../ui.js";
import { link } from "../router.js";

const COUNTRY = /^([A-Z]{2}|\*)$/;

const euros = (minor) => (minor === null || minor === undefined ? "" : (minor / 100).toFixed(2));

export async function profileTab(panel, vendorId, signal) {
  mount(panel, loading(t("Loading your profile…")));
  const vendor = await api.get(`/vendors/${seg(vendorId)}`, { signal });
  mount(panel, profileForm(vendor));
}

function profileForm(vendor) {
  const input = (name, value, attrs = {}) => h("input", { name, value: value ?? "", ...attrs });
  const area = (name, value, rows = 4) => h("textarea", { name, rows }, value ?? "");
  const inputs = {
    name: input("name", vendor.name, { required: true, minlength: 2, maxlength: 80 }),
    story: area("story", vendor.story, 5),
    logo_url: input("logo_url", vendor.logo_url, { type: "url", placeholder: "https://" }),
    website: input("website", vendor.contact.website, { type: "url", placeholder: "https://" }),
    email: input("email", vendor.contact.email, { type: "email" }),
    phone: input("phone", vendor.contact.phone, { type: "tel", maxlength: 40 }),
    free_shipping_from: input("free_shipping_from", euros(vendor.free_shipping_from), { inputmode: "decimal" }),
    return_days: input("return_days", String(vendor.return_days), { type: "number", min: 0, max: 365, required: true }),
    return_policy: area("return_policy", vendor.return_policy),
    service_policy: area("service_policy", vendor.service_policy),
  };
  const rules = h("ul", { class: "shipping-rules", "data-testid": "shipping-rules" });
  const addRule = (rule) => rules.append(ruleRow(rule));
  (vendor.shipping_rules.length ? vendor.shipping_rules : []).forEach(addRule);
  const problem = h("div", { "aria-live": "assertive" });
  const save = h("button", { type: "submit", class: "button" }, t("Save profile"));
  const form = h(
    "form",
    {
      class: "card form profile-form",
      "aria-label": t("Shop profile"),
      onsubmit: (event) => {
        event.preventDefault();
        mount(problem);
        const read = readForm(inputs, rules);
        if (read.problems.length) {
          mount(problem, errorBox({ message: t("Please check the form"), details: read.problems }));
          return;
        }
        const patch = changes(vendor, read.values);
        if (!Object.keys(patch).length) {
          mount(problem, h("p", { class: "muted" }, t("Nothing changed.")));
          return;
        }
        busy(save, async () => {
          try {
            vendor = await api.patch(`/vendors/${seg(vendor.vendor_id)}`, patch);
            toast(t("Your profile is saved. Shoppers see it on your storefront."), "success");
          } catch (error) {
            mount(problem, errorBox(error, { title: t("Could not save your profile") }));
          }
        }, t("Saving…"));
      },
    },
    h("p", {}, h("a", { href: link(`/vendors/${encodeURIComponent(vendor.vendor_id)}`) }, t("View your storefront")), vendor.status === "approved" ? null : t(" (visible once approved)")),
    h(
      "fieldset",
      {},
      h("legend", {}, t("Your shop")),
      field(t("Shop name"), inputs.name),
      field(t("About your shop"), inputs.story, t("Shown on your storefront.")),
      field(t("Logo URL"), inputs.logo_url, t("A square image, https.")),
      field(t("Website"), inputs.website),
      field(t("E-mail for customers"), inputs.email),
      field(t("Phone"), inputs.phone),
    ),
    h(
      "fieldset",
      {},
      h("legend", {}, t("Shipping")),
      h("p", { class: "muted small" }, t("One line per destination. Countries as two-letter codes (NL, BE, DE) or * for everywhere else. A product's own shipping cost overrides these.")),
      rules,
      h("button", { type: "button", class: "button button-ghost button-small", onclick: () => { addRule(null); rules.lastElementChild.querySelector("input")?.focus(); } }, t("Add a destination")),
      field(t("Free shipping from (€)"), inputs.free_shipping_from, t("For every destination; empty: no general threshold.")),
    ),
    h(
      "fieldset",
      {},
      h("legend", {}, t("Returns and service")),
      field(t("Return window (days)"), inputs.return_days, t("0: you do not take returns.")),
      field(t("Return policy"), inputs.return_policy),
      field(t("Service"), inputs.service_policy, t("Opening hours, how fast you answer.")),
    ),
    problem,
    h("div", { class: "actions" }, save),
  );
  return form;
}

function ruleRow(rule) {
  const zone = h("input", { name: "zone", value: rule?.zone || "", required: true, maxlength: 40 });
  const countries = h("input", { name: "countries", value: rule ? rule.countries.join(", ") : "", required: true, autocapitalize: "characters" });
  const cost = h("input", { name: "cost", value: euros(rule?.cost ?? null), inputmode: "decimal", required: true });
  const freeFrom = h("input", { name: "free_from", value: euros(rule?.free_from ?? null), inputmode: "decimal" });
  const minDays = h("input", { name: "min_days", type: "number", min: 0, max: 90, value: String(rule?.min_days ?? 1), required: true });
  const maxDays = h("input", { name: "max_days", type: "number", min: 0, max: 90, value: String(rule?.max_days ?? 3), required: true });
  const row = h(
    "li",
    { class: "shipping-rule" },
    field(t("Destination"), zone),
    field(t("Countries"), countries),
    field(t("Cost (€)"), cost),
    field(t("Free from (€)"), freeFrom),
    field(t("Days from"), minDays),
    field(t("Days to"), maxDays),
  );
  row.append(h("button", { type: "button", class: "button button-ghost button-small", "aria-label": rule?.zone ? t("Remove destination {zone}", { zone: rule.zone }).trim() : t("Remove destination"), onclick: () => row.remove() }, t("Remove")));
  row.read = () => ({ zone, countries, cost, freeFrom, minDays, maxDays });
  return row;
}

/** The form's values in the API's shape, with a plain-words problem per field that does not parse. */
function readForm(inputs, rules) {
  const problems = [];
  const text = (el) => el.value.trim();
  const optional = (el) => text(el) || null;
  const amount = (el, label, required) => {
    if (!text(el)) {
      if (required) problems.push({ field: label, message: t("Write an amount like 4.95") });
      return null;
    }
    const minor = toMinor(text(el));
    if (minor === null) problems.push({ field: label, message: t("Write an amount like 4.95") });
    return minor;
  };
  const shipping = [...rules.children].map((row, i) => {
    const r = row.read();
    const n = i + 1;
    const countries = text(r.countries).toUpperCase().split(/[\s,;]+/).filter(Boolean);
    if (!countries.length || !countries.every((c) => COUNTRY.test(c))) {
      problems.push({ field: t("destination {n} countries", { n }), message: t("Two-letter codes like NL, BE, DE, or *") });
    }
    const minDays = Number(r.minDays.value);
    const maxDays = Number(r.maxDays.value);
    if (!(Number.isInteger(minDays) && Number.isInteger(maxDays) && minDays >= 0 && maxDays >= minDays && maxDays <= 90)) {
      problems.push({ field: t("destination {n} days", { n }), message: t("Whole days, from 0 to 90, the second not below the first") });
    }
    return {
      zone: text(r.zone) || `Zone ${i + 1}`,
      countries,
      cost: amount(r.cost, t("destination {n} cost", { n }), true),
      free_from: amount(r.freeFrom, t("destination {n} free from", { n }), false),
      min_days: minDays,
      max_days: maxDays,
    };
  });
  const returnDays = Number(inputs.return_days.value);
  if (!Number.isInteger(returnDays) || returnDays < 0 || returnDays > 365) problems.push({ field: t("return window"), message: t("Whole days, from 0 to 365") });
  const contact = Object.fromEntries(
    Object.entries({ website: optional(inputs.website), email: optional(inputs.email), phone: optional(inputs.phone) }).filter(([, v]) => v),
  );
  return {
    problems,
    values: {
      name: text(inputs.name),
      story: text(inputs.story),
      logo_url: optional(inputs.logo_url),
      contact,
      shipping_rules: shipping,
      free_shipping_from: amount(inputs.free_shipping_from, t("free shipping from"), false),
      return_days: returnDays,
      return_policy: text(inputs.return_policy),
      service_policy: text(inputs.service_policy),
    },
  };
}

/** The fields whose value differs from the vendor's (compared as JSON: contact and rules are objects). */
function changes(vendor, values) {
  const current = {
    ...vendor,
    contact: Object.fromEntries(Object.entries(vendor.contact).filter(([, v]) => v)),
  };
  return Object.fromEntries(Object.entries(values).filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(current[key] ?? null)));
}
