// The vendor's workspace (#/vendor?tab=offers|feeds|orders|payouts|profile): offers with a quick price/stock edit,
// feed upload (presigned S3 POST with upload progress, then import progress) with the import history,
// sub-orders to ship, and the shop's profile, shipping and return terms (views/vendor_profile.js).

import { api, seg } from "../api.js";
import { t, plural } from "../i18n.js";
import { link } from "../router.js";
import { busy, date, empty, errorBox, field, h, loading, money, mount, orderNumber, pagedLoader, stars, statusBadge, toMinor, toast } from "../ui.js";
import { mappingEditor, savedMapping, savedMappingNote } from "./feed_mapping.js";
import { feedSourceCard } from "./feed_source.js";
import { profileTab } from "./vendor_profile.js";
import { payoutsTab } from "./vendor_payouts.js";
import { bulkSelection } from "./vendor_bulk.js";
import { variantLine } from "./variants.js";

// functions, not constants: the words follow the language, which loads after this module
const tabs = () => [
  ["offers", t("Offers")],
  ["feeds", t("Feed upload")],
  ["orders", t("Orders")],
  ["payouts", t("Payouts")],
  ["profile", t("Profile")],
];
const AVAILABILITY = ["in_stock", "out_of_stock", "preorder", "backorder"];
const availabilityWords = () => ({ in_stock: t("in stock"), out_of_stock: t("out of stock"), preorder: t("preorder"), backorder: t("backorder") });

export async function render(view, { query, signal, session }) {
  if (!session.groups.includes("vendor") || !session.vendorId) {
    mount(
      view,
      h("h1", {}, t("Vendor workspace")),
      empty(
        session.groups.includes("vendor")
          ? t("Your account is in the vendor group but not bound to a vendor (no custom:vendor_id claim).")
          : t("This page is for vendors. Sign in with a vendor account."),
        h("a", { class: "button", href: "#/sell" }, session.groups.includes("vendor") ? t("Your vendor application") : t("Apply to sell on Plein")),
        h("a", { class: "button button-ghost", href: link("/signin", { next: "#/vendor" }) }, t("Sign in as a vendor")),
      ),
    );
    return;
  }
  const vendorId = session.vendorId;
  const TABS = tabs();
  const tab = TABS.some(([key]) => key === query.get("tab")) ? query.get("tab") : "offers";
  const title = h("h1", {}, t("Vendor workspace"));
  const stats = h("div", { class: "stats" });
  const panel = h("div", { class: "tab-panel", role: "region", "aria-label": TABS.find(([k]) => k === tab)[1] });
  mount(
    view,
    h("div", { class: "page-head" }, title, h("span", { class: "muted" }, t("Vendor id "), h("code", {}, vendorId))),
    stats,
    h(
      "nav",
      { class: "tabs", "aria-label": t("Vendor sections") },
      TABS.map(([key, label]) => h("a", { href: link("/vendor", { tab: key }), "aria-current": key === tab ? "page" : null }, label)),
    ),
    panel,
  );
  loadHeader(vendorId, title, stats, signal);
  // After an import the figures follow: the last feed at once, the offer counts once the table's
  // stream has counted them (a few seconds)
  const refresh = () => {
    for (const wait of [0, 3000, 8000]) setTimeout(() => signal.aborted || loadHeader(vendorId, title, stats, signal), wait);
  };
  document.addEventListener("plein:feed-imported", refresh);
  signal.addEventListener("abort", () => document.removeEventListener("plein:feed-imported", refresh), { once: true });
  if (tab === "offers") await offersTab(panel, vendorId, signal, query);
  else if (tab === "feeds") await feedsTab(panel, vendorId, signal);
  else if (tab === "orders") await ordersTab(panel, vendorId, signal, query.get("show") === "to-ship");
  else if (tab === "payouts") await payoutsTab(panel, vendorId, signal, query);
  else await profileTab(panel, vendorId, signal);
}

async function loadHeader(vendorId, title, stats, signal) {
  try {
    const [vendor, dash, rating] = await Promise.all([
      api.get(`/vendors/${seg(vendorId)}`, { signal }),
      api.get(`/vendors/${seg(vendorId)}/dashboard`, { signal }).catch(() => null),
      api.get(`/vendors/${seg(vendorId)}/rating`, { signal }).catch(() => null),
    ]);
    title.textContent = vendor.name;
    document.title = `${vendor.name} · Plein`;
    if (dash) {
      const sold = dash.items_sold ?? 0;
      const stat = (value, label) => h("div", { class: "card stat" }, h("strong", {}, String(value)), h("span", { class: "muted small" }, label));
      mount(
        stats,
        stat(dash.offers, t("live offers")),
        stat(dash.out_of_stock, t("out of stock")),
        dash.sales !== null && dash.sales !== undefined ? stat(dash.sales, plural(sold, "orders · {n} item", "orders · {n} items")) : null,
        dash.revenue ? stat(money(dash.revenue), t("sold")) : null,
        dash.last_feed ? stat(statusWord(dash.last_feed.status), t("last feed {date}", { date: date(dash.last_feed.finished_at) })) : null,
        vendor.status !== "approved" ? stat(statusWord(vendor.status), t("account")) : null,
        // The vendor rating: reviews of verified purchases from this vendor (community).
        rating
          ? h(
              "div",
              { class: "card stat", "data-testid": "vendor-rating" },
              h("strong", {}, rating.count ? rating.average.toFixed(1) : "–"),
              h("span", { class: "muted small" }, rating.count ? stars(rating.average, rating.count) : t("no reviews yet")),
            )
          : null,
      );
    }
  } catch (error) {
    if (error.name !== "AbortError") mount(stats, errorBox(error, { title: t("Could not load the vendor profile") }));
  }
}

/** The words for the statuses of feeds and vendor accounts (the badges' words, without a badge). */
function statusWord(status) {
  const words = {
    pending: t("pending"),
    importing: t("importing"),
    completed: t("completed"),
    failed: t("failed"),
    approved: t("approved"),
    declined: t("declined"),
    suspended: t("suspended"),
  };
  return words[status] ?? String(status).replaceAll("_", " ");
}

// ---------------------------------------------------------------- offers

const LISTINGS = ["live", "out_of_stock", "withdrawn"];
const listingWords = () => ({ live: t("Live"), out_of_stock: t("Out of stock"), withdrawn: t("Withdrawn") });
const SORTS = ["sku", "price_asc", "price_desc", "stock_asc"];
const sortWords = () => ({ sku: t("SKU"), price_asc: t("Price: low to high"), price_desc: t("Price: high to low"), stock_asc: t("Lowest stock first") });

/** Which offers to show and in what order: a listing, the start of the SKU and a sort (`?tab=offers&listing=&sku=&sort=`). */
function offerFilters(query) {
  const listing = LISTINGS.includes(query.get("listing")) ? query.get("listing") : "live";
  const sku = (query.get("sku") || "").trim();
  const sort = SORTS.includes(query.get("sort")) ? query.get("sort") : "sku";
  const chosen = h("select", { name: "listing" }, LISTINGS.map((key) => h("option", { value: key, selected: key === listing }, listingWords()[key])));
  const order = h("select", { name: "sort" }, SORTS.map((key) => h("option", { value: key, selected: key === sort }, sortWords()[key])));
  const prefix = h("input", { name: "sku", value: sku, maxlength: 50, autocapitalize: "characters", spellcheck: "false" });
  const form = h(
    "form",
    {
      class: "filter-bar",
      role: "search",
      "aria-label": t("Find offers"),
      onsubmit: (event) => {
        event.preventDefault();
        location.hash = link("/vendor", { tab: "offers", listing: chosen.value === "live" ? null : chosen.value, sku: prefix.value.trim(), sort: order.value === "sku" ? null : order.value });
      },
    },
    field(t("Show"), chosen),
    field(t("SKU starts with"), prefix),
    field(t("Sort by"), order),
    h("button", { type: "submit", class: "button button-small" }, t("Show offers")),
  );
  return { listing, sku, sort, form };
}

async function offersTab(panel, vendorId, signal, query) {
  mount(panel, loading(t("Loading offers…")));
  const { listing, sku, sort, form } = offerFilters(query);
  const filtered = listing !== "live" || sku;
  const body = h("tbody");
  const more = h("div", { class: "pager" });
  const selection = bulkSelection(vendorId);
  const load = pagedLoader({
    fetchPage: (cursor) => api.get(`/vendors/${seg(vendorId)}/offers`, { query: { limit: 50, cursor, listing, sku, sort }, signal }),
    into: body,
    renderItem: (offer) => offerRow(vendorId, offer, selection),
    more,
    label: t("Load more offers"),
  });
  try {
    const first = await load(null);
    if (!first.items.length) {
      mount(
        panel,
        form,
        filtered
          ? empty(t("No offer matches."), h("a", { class: "button button-ghost", href: link("/vendor", { tab: "offers" }) }, t("Show all live offers")))
          : empty(t("No offers yet. Upload a feed to add your assortment."), h("a", { class: "button", href: link("/vendor", { tab: "feeds" }) }, t("Upload a feed"))),
      );
      return;
    }
  } catch (error) {
    if (error.name === "AbortError" || error.status === 401) throw error;
    mount(panel, form, errorBox(error, { title: t("Could not load your offers") }));
    return;
  }
  mount(
    panel,
    form,
    selection.bar,
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "table offers-admin" },
        h("caption", { class: "visually-hidden" }, t("Your offers")),
        h("thead", {}, h("tr", {}, [selection.headerCell(), ...[t("SKU"), t("Title"), t("Price"), t("Stock"), t("Availability")].map((label) => h("th", { scope: "col" }, label)), h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, t("Actions")))])),
        body,
      ),
    ),
    more,
  );
}

function offerRow(vendorId, offer, selection) {
  const row = h("tr", { "data-sku": offer.sku });
  const draw = (o) => {
    const live = o.status !== "withdrawn";
    const edit = h("button", { type: "button", class: "button button-small button-ghost", "aria-label": t("Edit {sku}", { sku: o.sku }), "aria-expanded": "false" }, t("Edit"));
    edit.addEventListener("click", () => toggleEditor(vendorId, row, o, draw, edit));
    const withdraw = h("button", { type: "button", class: "button button-small button-ghost", "aria-label": t("Withdraw {sku}", { sku: o.sku }) }, t("Withdraw"));
    withdraw.addEventListener("click", () => confirmWithdraw(vendorId, row, o, draw, withdraw));
    mount(
      row,
      selection.cell(o, draw),
      h("td", { "data-label": t("SKU") }, h("code", {}, o.sku)),
      h("td", { "data-label": t("Title") }, h("a", { href: link(`/product/${encodeURIComponent(o.product_id)}`) }, o.title)),
      h("td", { "data-label": t("Price"), class: "num" },
        h("span", {}, o.sale_price !== null && o.sale_price !== undefined ? [h("del", { class: "muted" }, money(o.price, o.currency)), " ", h("strong", { class: "sale" }, money(o.sale_price, o.currency))] : money(o.price, o.currency))),
      h("td", { "data-label": t("Stock"), class: "num" }, String(o.quantity)),
      h("td", { "data-label": t("Availability") }, statusBadge(!live ? "withdrawn" : o.quantity === 0 && o.availability === "in_stock" ? "out_of_stock" : o.availability)),
      h("td", {}, live ? h("div", { class: "row-actions" }, edit, withdraw) : null),
    );
  };
  draw(offer);
  return row;
}

/** Withdraw after a second click (shoppers can no longer buy it; a later feed or PUT brings it back). */
function confirmWithdraw(vendorId, row, offer, draw, button) {
  const cell = button.parentElement;
  const yes = h("button", { type: "button", class: "button button-small button-danger" }, t("Yes, withdraw {sku}", { sku: offer.sku }));
  const no = h("button", { type: "button", class: "button button-small button-ghost" }, t("Keep"));
  const problem = h("span", { "aria-live": "assertive" });
  no.addEventListener("click", () => draw(offer));
  yes.addEventListener("click", () =>
    busy(yes, async () => {
      try {
        await api.del(`/vendors/${seg(vendorId)}/offers/${seg(offer.sku)}`);
        toast(t("{sku} is withdrawn: shoppers no longer see it.", { sku: offer.sku }), "success");
        draw({ ...offer, status: "withdrawn" });
      } catch (error) {
        mount(problem, errorBox(error, { title: t("Could not withdraw") }));
      }
    }, t("Withdrawing…")),
  );
  mount(cell, h("div", { class: "row-actions" }, no, yes), problem);
  no.focus();
}

function toggleEditor(vendorId, row, offer, draw, button) {
  const next = row.nextElementSibling;
  if (next && next.classList.contains("edit-row")) {
    next.remove();
    button.setAttribute("aria-expanded", "false");
    button.focus();
    return;
  }
  const id = `edit-${offer.sku}`.replace(/[^A-Za-z0-9_-]/g, "_");
  const price = h("input", { id: `${id}-price`, inputmode: "decimal", value: (offer.price / 100).toFixed(2), required: true });
  const sale = h("input", { id: `${id}-sale`, inputmode: "decimal", value: offer.sale_price !== null && offer.sale_price !== undefined ? (offer.sale_price / 100).toFixed(2) : "" });
  const quantity = h("input", { id: `${id}-qty`, type: "number", min: "0", value: String(offer.quantity), required: true });
  const availability = h("select", { id: `${id}-avail` }, AVAILABILITY.map((a) => h("option", { value: a, selected: a === offer.availability }, availabilityWords()[a])));
  const status = h("div", { "aria-live": "assertive" });
  const save = h("button", { type: "submit", class: "button button-small" }, t("Save"));
  const cancel = h("button", { type: "button", class: "button button-small button-ghost" }, t("Cancel"));
  const form = h(
    "form",
    { class: "edit-form", "aria-label": t("Edit price and stock of {sku}", { sku: offer.sku }) },
    field(t("Price (€)"), price),
    field(t("Sale price (€)"), sale, t("Empty: no sale")),
    field(t("Stock"), quantity),
    field(t("Availability"), availability),
    h("div", { class: "actions" }, cancel, save),
  );
  const editRow = h("tr", { class: "edit-row" }, h("td", { colspan: "7" }, form, status));
  cancel.addEventListener("click", () => toggleEditor(vendorId, row, offer, draw, button));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const patch = {};
    const newPrice = toMinor(price.value);
    const newSale = sale.value.trim() ? toMinor(sale.value) : null;
    const newQty = Number(quantity.value);
    const problems = [];
    if (newPrice === null) problems.push({ field: t("price"), message: t("Write a price like 12.95") });
    if (sale.value.trim() && newSale === null) problems.push({ field: t("sale price"), message: t("Write a price like 9.95, or leave it empty") });
    if (!Number.isInteger(newQty) || newQty < 0) problems.push({ field: t("stock"), message: t("Write a whole number, 0 or more") });
    if (problems.length) {
      mount(status, errorBox({ message: t("Please check the form"), details: problems }));
      return;
    }
    if (newPrice !== offer.price) patch.price = newPrice;
    if (newSale !== (offer.sale_price ?? null)) patch.sale_price = newSale;
    if (newQty !== offer.quantity) patch.quantity = newQty;
    if (availability.value !== offer.availability) patch.availability = availability.value;
    if (!Object.keys(patch).length) {
      mount(status, h("p", { class: "muted" }, t("Nothing changed.")));
      return;
    }
    busy(save, async () => {
      try {
        const updated = await api.patch(`/vendors/${seg(vendorId)}/offers/${seg(offer.sku)}`, patch);
        editRow.remove();
        draw(updated);
        toast(t("Saved {sku}.", { sku: updated.sku }), "success");
        row.querySelector("button")?.focus();
      } catch (error) {
        mount(status, errorBox(error, { title: t("Could not save") }));
      }
    }, t("Saving…"));
  });
  row.after(editRow);
  button.setAttribute("aria-expanded", "true");
  price.focus();
}

// ---------------------------------------------------------------- feeds

const modes = () => [
  ["upsert", t("Add and update (offers not in the file stay)")],
  ["partial", t("Partial: only price and stock columns")],
  ["replace", t("Replace: offers not in the file are withdrawn")],
];
const FINAL = new Set(["completed", "failed"]);

async function feedsTab(panel, vendorId, signal) {
  const file = h("input", { type: "file", id: "feed-file", name: "file", accept: ".csv,.tsv,.txt,.jsonl,.ndjson,.json,.xml,.xlsx", required: true });
  const mode = h("select", { id: "feed-mode", name: "mode" }, modes().map(([value, label]) => h("option", { value }, label)));
  const submit = h("button", { type: "submit", class: "button" }, t("Upload feed"));
  const progressArea = h("div", { class: "feed-progress", "aria-live": "polite" });
  const previewArea = h("div", { class: "feed-preview" });
  const mappingNote = h("div", {});
  const mappingArea = h("div", {});
  let saved = null;
  const showSaved = () => mount(mappingNote, saved ? savedMappingNote(vendorId, saved, async () => { saved = null; showSaved(); await runPreview(); }, signal) : null);
  const previewWith = async (mapping) => {
    const chosen = file.files?.[0];
    if (!chosen) return null;
    mount(previewArea, loading(t("Checking the first rows…")));
    try {
      const body = { sample: await sampleOf(chosen), mode: mode.value, ...(mapping ? { mapping } : {}) };
      const result = await api.post(`/vendors/${seg(vendorId)}/feeds/preview`, body, { signal });
      mount(previewArea, previewView(result));
      return result;
    } catch (error) {
      if (error.name === "AbortError") return null;
      mount(previewArea, errorBox(error, { title: t("This file would not import") }));
      return null;
    }
  };
  const runPreview = async () => {
    mount(previewArea);
    mount(mappingArea);
    const result = await previewWith(null);
    // A file whose columns are not Merchant Center names, or one read through the saved mapping: offer the mapping.
    if (result && (result.missing.length || result.mapped)) {
      mount(mappingArea, mappingEditor({
        vendorId,
        columns: Object.keys(result.columns),
        recognised: result.columns,
        saved,
        preview: previewWith,
        onSaved: async (stored) => { saved = stored; showSaved(); await runPreview(); },
        signal,
      }));
    }
  };
  file.addEventListener("change", runPreview);
  mode.addEventListener("change", runPreview);
  const form = h(
    "form",
    {
      class: "card form",
      "aria-labelledby": "feed-title",
      onsubmit: async (event) => {
        event.preventDefault();
        const chosen = file.files?.[0];
        if (!chosen) return;
        submit.disabled = true;
        try {
          await uploadFeed(vendorId, chosen, mode.value, progressArea, signal);
          if (!signal.aborted) await history.refresh();
        } finally {
          submit.disabled = false;
        }
      },
    },
    h("h2", { id: "feed-title" }, t("Upload a product feed")),
    h("p", { class: "muted" }, t("CSV or TSV, Excel (.xlsx), JSON Lines, or Google Merchant XML, with Google Merchant Center field names (id, title, price, availability, gtin, …) plus quantity; Shopify and WooCommerce product exports as they are; or your own spreadsheet with a column mapping.")),
    mappingNote,
    field(t("Feed file"), file, t("Choosing a file checks its first rows before anything is uploaded.")),
    field(t("Mode"), mode),
    previewArea,
    h("div", { class: "actions" }, submit),
  );
  const history = importHistory(vendorId, signal);
  const source = feedSourceCard(vendorId, modes(), signal);
  mount(panel, form, mappingArea, progressArea, source.area, history.section);
  await source.load();
  try {
    saved = await savedMapping(vendorId, signal);
    showSaved();
  } catch (error) {
    if (error.name === "AbortError" || error.status === 401) throw error;
  }
  await history.refresh();
}

const historyCounts = () => [["created", t("Created")], ["updated", t("Updated")], ["unchanged", t("Unchanged")], ["withdrawn", t("Withdrawn")], ["rejected", t("Rejected")]];

/** The vendor's imports of the last 60 days, newest first, with a fresh error report link each. */
function importHistory(vendorId, signal) {
  const holder = h("div", {}, loading(t("Loading your imports…")));
  const section = h(
    "section",
    { class: "card import-history", "aria-labelledby": "history-title" },
    h("h2", { id: "history-title" }, t("Import history")),
    h("p", { class: "muted small" }, t("Imports of the last 60 days, newest first. Error report links are valid for 15 minutes; reopen this tab for fresh ones.")),
    holder,
  );
  const refresh = async () => {
    const body = h("tbody");
    const more = h("div", { class: "pager" });
    const load = pagedLoader({
      fetchPage: (cursor) => api.get(`/vendors/${seg(vendorId)}/feeds`, { query: { limit: 20, cursor }, signal }),
      into: body,
      renderItem: historyRow,
      more,
      label: t("Load older imports"),
    });
    try {
      const first = await load(null);
      if (!first.items.length && !first.next_cursor) {
        mount(holder, h("p", { class: "muted" }, t("No imports yet. Your uploads will be listed here with their counts and error reports.")));
        return;
      }
    } catch (error) {
      if (error.name === "AbortError" || error.status === 401) throw error;
      mount(holder, errorBox(error, { title: t("Could not load your imports") }));
      return;
    }
    mount(
      holder,
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "table" },
          h("caption", { class: "visually-hidden" }, t("Your imports, newest first")),
          h("thead", {}, h("tr", {}, [t("Started"), t("File"), t("Mode"), t("Status"), ...historyCounts().map(([, label]) => label), t("Error report")].map((label) => h("th", { scope: "col" }, label)))),
          body,
        ),
      ),
      more,
    );
  };
  return { section, refresh };
}

function historyRow(feed) {
  const c = feed.counts;
  const lines = feed.error_report_lines;
  const report = feed.error_report_url && /^https?:\/\//.test(feed.error_report_url)
    ? h("a", { href: feed.error_report_url, target: "_blank", rel: "noopener", download: "" }, plural(lines, "{n} line", "{n} lines"))
    : h("span", { class: "muted" }, t("none"));
  return h(
    "tr",
    { "data-feed": feed.feed_id },
    h("td", { "data-label": t("Started") }, date(feed.started_at || feed.created_at)),
    h("td", { "data-label": t("File") }, feed.filename, feed.format ? h("span", { class: "muted small" }, feed.mapped ? t(" · {format} through your mapping", { format: feed.format }) : ` · ${feed.format}`) : null),
    h("td", { "data-label": t("Mode") }, feed.mode),
    h("td", { "data-label": t("Status") }, statusBadge(feed.status), feed.reason ? h("div", { class: "small muted" }, feed.reason) : null),
    ...historyCounts().map(([key, label]) => h("td", { "data-label": label, class: key === "rejected" && c[key] ? "num warn" : "num" }, String(c[key] ?? 0))),
    h("td", { "data-label": t("Error report") }, report),
  );
}

const SAMPLE_BYTES = 64 * 1024;

/** The first rows of a file as text, cut at a line end. */
async function sampleOf(file) {
  const text = await file.slice(0, SAMPLE_BYTES).text();
  if (file.size <= SAMPLE_BYTES) return text;
  const end = text.lastIndexOf("\n");
  return end > 0 ? text.slice(0, end + 1) : text;
}

function previewView(result) {
  const columns = Object.entries(result.columns);
  const ignored = columns.filter(([, field]) => !field).map(([column]) => column);
  const good = result.rows.length;
  const bad = result.errors.length;
  return h(
    "div",
    { class: "preview" },
    h("p", {}, h("strong", {}, `${result.format.toUpperCase()} · ${result.encoding}`), result.mapped ? t(" · read through your column mapping") : "", plural(good, " · {n} good row", " · {n} good rows"),
      result.errors.length ? h("span", { class: "warn" }, plural(bad, " · {n} problem", " · {n} problems")) : t(" · no problems"), t(" in the first rows")),
    result.missing.length
      ? h("p", { class: "warn", role: "status" }, t("No column gives {fields}: map your columns below, or use Merchant Center column names.", { fields: result.missing.join(", ") }))
      : null,
    h("details", {}, h("summary", {}, t("Columns")),
      h("ul", { class: "plain small" }, columns.map(([column, fieldName]) => h("li", {}, h("code", {}, column), " → ", fieldName ? h("strong", {}, fieldName) : h("span", { class: "muted" }, t("ignored"))))),
      ignored.length ? h("p", { class: "muted small" }, result.mapped ? t("Ignored columns are not in your mapping.") : t("Ignored columns are not Google Merchant Center fields.")) : null),
    result.errors.length
      ? h("details", { open: true }, h("summary", {}, t("Problems")),
          h("ul", { class: "small" }, result.errors.slice(0, 20).map((e) => h("li", {}, t("Line {line}", { line: e.line }), e.field ? [", ", h("code", {}, e.field)] : "", `: ${e.message}`))))
      : null,
  );
}

async function uploadFeed(vendorId, chosen, mode, area, signal) {
  const filename = chosen.name.replace(/[^A-Za-z0-9._ -]/g, "_").slice(0, 200) || "feed.csv";
  const uploadBar = h("progress", { max: "100", value: "0", id: "upload-progress", "aria-label": t("Upload progress") });
  const uploadText = h("span", { class: "muted small" }, t("Preparing…"));
  const statusBox = h("div", {});
  mount(area, h("div", { class: "card" }, h("h2", {}, t("Importing {file}", { file: filename })),
    h("label", { for: "upload-progress" }, t("Upload")), uploadBar, uploadText, statusBox));
  let created;
  try {
    created = await api.post(`/vendors/${seg(vendorId)}/feeds`, { filename, mode, content_type: chosen.type || null });
  } catch (error) {
    mount(statusBox, errorBox(error, { title: t("Could not start the upload") }));
    return;
  }
  if (chosen.size > created.max_bytes) {
    mount(statusBox, errorBox({ message: t("The file is {size}; the limit is {limit}.", { size: formatBytes(chosen.size), limit: formatBytes(created.max_bytes) }) }, { title: t("File too large") }));
    return;
  }
  try {
    await postToS3(created.upload, chosen, (loaded, total) => {
      const percent = total ? Math.round((loaded / total) * 100) : 0;
      uploadBar.value = percent;
      uploadText.textContent = t("{loaded} of {total} ({percent}%)", { loaded: formatBytes(loaded), total: formatBytes(total), percent });
    }, signal);
  } catch (error) {
    mount(statusBox, errorBox(error, { title: t("The upload failed") }));
    return;
  }
  uploadBar.value = 100;
  uploadText.textContent = t("Uploaded {size}. The import starts in a moment.", { size: formatBytes(chosen.size) });
  await pollFeed(vendorId, created.feed_id, statusBox, signal);
}

/** POST the file to S3 with the presigned form fields; reports upload progress. */
function postToS3(upload, file, onProgress, signal) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [key, value] of Object.entries(upload.fields)) form.append(key, value);
    if (!("Content-Type" in upload.fields) && !("content-type" in upload.fields) && file.type) form.append("Content-Type", file.type);
    form.append("file", file);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", upload.url);
    xhr.upload.addEventListener("progress", (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size));
    xhr.addEventListener("load", () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve();
      else {
        const code = /<Code>([^<]+)<\/Code>/.exec(xhr.responseText || "")?.[1] || "upload_failed";
        const message = /<Message>([^<]+)<\/Message>/.exec(xhr.responseText || "")?.[1] || t("Storage answered HTTP {status}", { status: xhr.status });
        reject(Object.assign(new Error(message), { code, status: xhr.status }));
      }
    });
    xhr.addEventListener("error", () => reject(Object.assign(new Error(t("Could not reach the file storage.")), { code: "network" })));
    xhr.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
    signal?.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(form);
  });
}

async function pollFeed(vendorId, feedId, box, signal) {
  let delay = 500;
  for (;;) {
    if (signal.aborted) return;
    let status;
    try {
      status = await api.get(`/vendors/${seg(vendorId)}/feeds/${seg(feedId)}`, { signal });
    } catch (error) {
      if (error.name === "AbortError") return;
      mount(box, errorBox(error, { title: t("Could not read the import status") }));
      return;
    }
    mount(box, feedStatus(status));
    if (FINAL.has(status.status)) {
      toast(status.status === "completed" ? t("Feed imported.") : t("The feed import failed."), status.status === "completed" ? "success" : "error");
      document.dispatchEvent(new CustomEvent("plein:feed-imported", { detail: status }));
      return;
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 1.5, 3000);
  }
}

function feedStatus(status) {
  const c = status.counts;
  const percent = Math.round((status.progress || 0) * 100);
  const lines = status.error_report_lines;
  return h(
    "div",
    { class: "feed-status", "data-status": status.status },
    h("p", {}, t("Import "), statusBadge(status.status), " ", h("span", { class: "muted small" }, `${status.filename} · ${status.mode}${status.format ? ` · ${status.format}` : ""}`)),
    h("label", { for: `import-${status.feed_id}` }, t("Read {percent}% of the file", { percent })),
    h("progress", { id: `import-${status.feed_id}`, max: "100", value: String(percent) }),
    h(
      "div",
      { class: "counts" },
      [["received", t("rows read")], ["created", t("created")], ["updated", t("updated")], ["unchanged", t("unchanged")], ["withdrawn", t("withdrawn")], ["rejected", t("rejected")]].map(([k, label]) =>
        h("div", { class: k === "rejected" && c[k] ? "warn" : null }, h("strong", {}, String(c[k] ?? 0)), h("span", { class: "small muted" }, label)),
      ),
    ),
    status.reason ? errorBox({ message: status.reason }, { title: status.status === "failed" ? t("The import failed") : t("Note") }) : null,
    status.error_report_url && /^https?:\/\//.test(status.error_report_url)
      ? h("p", {}, h("a", { href: status.error_report_url, target: "_blank", rel: "noopener", download: "" }, plural(lines, "Download the error report ({n} line)", "Download the error report ({n} lines)")))
      : null,
    status.finished_at ? h("p", { class: "muted small" }, t("Finished {date}", { date: date(status.finished_at) })) : null,
  );
}

function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

// ---------------------------------------------------------------- orders

async function ordersTab(panel, vendorId, signal, toShip) {
  mount(panel, loading(t("Loading orders…")));
  const filters = h(
    "nav",
    { class: "window-switch", "aria-label": t("Which orders") },
    h("a", { class: "chip", href: link("/vendor", { tab: "orders" }), "aria-current": toShip ? null : "page" }, t("All orders")),
    h("a", { class: "chip", href: link("/vendor", { tab: "orders", show: "to-ship" }), "aria-current": toShip ? "page" : null }, t("To ship")),
  );
  const list = h("div", { class: "vendor-orders" });
  const more = h("div", { class: "pager" });
  const status = toShip ? "paid" : null;
  const load = pagedLoader({
    fetchPage: (cursor) => api.get(`/vendors/${seg(vendorId)}/orders`, { query: { limit: 20, cursor, status }, signal }),
    into: list,
    renderItem: (item) => vendorOrder(vendorId, item),
    more,
    label: t("Load more orders"),
  });
  try {
    const first = await load(null);
    if (!first.items.length) {
      mount(panel, filters, empty(toShip ? t("Nothing left to ship. Well done!") : t("No orders yet.")));
      return;
    }
  } catch (error) {
    if (error.name === "AbortError" || error.status === 401) throw error;
    mount(panel, filters, errorBox(error, { title: t("Could not load your orders") }));
    return;
  }
  mount(panel, filters, list, more);
}

function vendorOrder(vendorId, item) {
  const card = h("section", { class: "card vendor-group", "aria-label": t("Order {number}", { number: orderNumber(item.order_id) }) });
  const draw = (it) => {
    const sub = it.sub_order;
    const a = it.shipping_address;
    mount(
      card,
      h("div", { class: "group-head" }, h("h2", {}, t("Order {number}", { number: orderNumber(it.order_id) })), statusBadge(sub.status)),
      h("p", { class: "muted small" }, t("Reference {reference} · placed {date} · ship to {address}", {
        reference: it.order_id,
        date: date(it.created_at),
        address: `${a.name}, ${a.line1}, ${a.postal_code} ${a.city}, ${a.country}`,
      })),
      h("ul", { class: "plain" }, sub.lines.map((l) => h("li", {}, `${l.quantity} × `, h("code", {}, l.sku), ` ${l.title}`, h("span", { class: "right" }, money(l.line_total, it.currency)), variantLine(l.variant)))),
      h("dl", { class: "sums" },
        h("dt", {}, t("Items")), h("dd", {}, money(sub.subtotal, it.currency)),
        h("dt", {}, t("Shipping")), h("dd", {}, money(sub.shipping, it.currency)),
        h("dt", {}, t("Commission")), h("dd", {}, `−${money(sub.commission, it.currency)}`),
        h("dt", { class: "total" }, t("Your payout")), h("dd", { class: "total" }, money(sub.payout, it.currency))),
      sub.tracking_number ? h("p", {}, t("Shipped with {carrier}, tracking ", { carrier: sub.carrier }), h("code", {}, sub.tracking_number)) : null,
      sub.returns.length ? h("ul", { class: "plain" }, sub.returns.map((r) => returnItem(vendorId, it, r, draw))) : null,
      sub.status === "paid" ? shipForm(vendorId, it, draw) : null,
      sub.status === "shipped" ? deliverButton(vendorId, it, draw) : null,
    );
  };
  draw(item);
  return card;
}

function returnItem(vendorId, item, ret, draw) {
  const line = item.sub_order.lines.find((l) => l.offer_id === ret.offer_id);
  const status = h("div", { "aria-live": "assertive" });
  const decide = (decision) => async (event) => {
    const button = event.currentTarget;
    await busy(button, async () => {
      try {
        await api.post(`/vendors/${seg(vendorId)}/returns/${seg(ret.return_id)}/decision`, { decision, restock: true });
        toast(decision === "accept" ? t("Return accepted and refunded.") : t("Return rejected."), "success");
        draw(await api.get(`/vendors/${seg(vendorId)}/orders/${seg(item.order_id)}`));
      } catch (error) {
        mount(status, errorBox(error, { title: t("Could not decide the return") }));
      }
    }, t("Saving…"));
  };
  // Money moves on "accept": a second click, naming the amount, confirms it
  const refund = line ? line.unit_price * ret.quantity : null;
  const actions = h("span", { class: "actions inline" });
  const choose = () =>
    mount(
      actions,
      h("button", { type: "button", class: "button button-small button-danger", onclick: decide("reject") }, t("Reject")),
      h("button", { type: "button", class: "button button-small", onclick: confirmRefund }, t("Accept and refund")),
    );
  function confirmRefund() {
    mount(
      actions,
      h("span", {}, refund !== null ? t("Refund {amount} to the shopper? ", { amount: money(refund, item.currency) }) : t("Refund the shopper? ")),
      h("button", { type: "button", class: "button button-small button-ghost", onclick: choose }, t("Not yet")),
      h("button", { type: "button", class: "button button-small", onclick: decide("accept") }, t("Yes, refund")),
    );
    actions.querySelector("button")?.focus();
  }
  if (ret.status === "requested") choose();
  return h(
    "li",
    { class: "return-item" },
    t("Return of {n} × {item}: “{reason}” ", { n: ret.quantity, item: line?.title || ret.offer_id, reason: ret.reason }),
    statusBadge(ret.status),
    ret.status === "requested" ? actions : ret.refund_amount ? h("span", { class: "muted" }, t(" refunded {amount}", { amount: money(ret.refund_amount, item.currency) })) : null,
    status,
  );
}

function shipForm(vendorId, item, draw) {
  const id = `ship-${item.order_id}`.replace(/[^A-Za-z0-9_-]/g, "_");
  const carrier = h("input", { id: `${id}-carrier`, required: true, maxlength: "60", list: "carriers", value: "PostNL" });
  const tracking = h("input", { id: `${id}-tracking`, required: true, maxlength: "100" });
  const status = h("div", { "aria-live": "assertive" });
  const submit = h("button", { type: "submit", class: "button button-small" }, t("Mark shipped"));
  return h(
    "form",
    {
      class: "edit-form",
      "aria-label": t("Ship order {order}", { order: item.order_id }),
      onsubmit: (event) => {
        event.preventDefault();
        busy(submit, async () => {
          try {
            const updated = await api.post(`/vendors/${seg(vendorId)}/orders/${seg(item.order_id)}/ship`, { carrier: carrier.value.trim(), tracking_number: tracking.value.trim() });
            toast(t("Order {number} shipped.", { number: orderNumber(item.order_id) }), "success");
            draw(updated);
          } catch (error) {
            mount(status, errorBox(error, { title: t("Could not mark it shipped") }));
          }
        }, t("Saving…"));
      },
    },
    h("datalist", { id: "carriers" }, ["PostNL", "DHL", "DPD", "UPS", "GLS", "bpost"].map((c) => h("option", { value: c }))),
    field(t("Carrier"), carrier),
    field(t("Tracking number"), tracking),
    h("div", { class: "actions" }, submit),
    status,
  );
}

function deliverButton(vendorId, item, draw) {
  const status = h("div", { "aria-live": "assertive" });
  const button = h("button", { type: "button", class: "button button-small button-ghost" }, t("Mark delivered"));
  button.addEventListener("click", () =>
    busy(button, async () => {
      try {
        draw(await api.post(`/vendors/${seg(vendorId)}/orders/${seg(item.order_id)}/deliver`));
        toast(t("Order {number} delivered.", { number: orderNumber(item.order_id) }), "success");
      } catch (error) {
        mount(status, errorBox(error, { title: t("Could not mark it delivered") }));
      }
    }, t("Saving…")),
  );
  return h("div", { class: "actions" }, button, status);
}
