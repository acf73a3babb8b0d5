// The vendor's workspace (#/vendor?tab=offers|feeds|orders|payouts|profile): offers with a quick price/stock edit,
// feed upload (presigned S3 POST with upload progress, then import progress) with the import history,
// sub-orders to ship, and the shop's profile, shipping and return terms (views/vendor_profile.js).

import { api, seg } from "../api.js";
import { link } from "../router.js";
import { busy, date, empty, errorBox, field, h, loading, money, mount, orderNumber, pagedLoader, stars, statusBadge, toMinor, toast } from "../ui.js";
import { mappingEditor, savedMapping, savedMappingNote } from "./feed_mapping.js";
import { feedSourceCard } from "./feed_source.js";
import { profileTab } from "./vendor_profile.js";
import { payoutsTab } from "./vendor_payouts.js";

const TABS = [
  ["offers", "Offers"],
  ["feeds", "Feed upload"],
  ["orders", "Orders"],
  ["payouts", "Payouts"],
  ["profile", "Profile"],
];
const AVAILABILITY = ["in_stock", "out_of_stock", "preorder", "backorder"];

export async function render(view, { query, signal, session }) {
  if (!session.groups.includes("vendor") || !session.vendorId) {
    mount(
      view,
      h("h1", {}, "Vendor workspace"),
      empty(
        session.groups.includes("vendor")
          ? "Your account is in the vendor group but not bound to a vendor (no custom:vendor_id claim)."
          : "This page is for vendors. Sign in with a vendor account.",
        h("a", { class: "button", href: "#/sell" }, session.groups.includes("vendor") ? "Your vendor application" : "Apply to sell on Plein"),
        h("a", { class: "button button-ghost", href: link("/signin", { next: "#/vendor" }) }, "Sign in as a vendor"),
      ),
    );
    return;
  }
  const vendorId = session.vendorId;
  const tab = TABS.some(([key]) => key === query.get("tab")) ? query.get("tab") : "offers";
  const title = h("h1", {}, "Vendor workspace");
  const stats = h("div", { class: "stats" });
  const panel = h("div", { class: "tab-panel", role: "region", "aria-label": TABS.find(([k]) => k === tab)[1] });
  mount(
    view,
    h("div", { class: "page-head" }, title, h("span", { class: "muted" }, `Vendor id `, h("code", {}, vendorId))),
    stats,
    h(
      "nav",
      { class: "tabs", "aria-label": "Vendor sections" },
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
      const stat = (value, label) => h("div", { class: "card stat" }, h("strong", {}, String(value)), h("span", { class: "muted small" }, label));
      mount(
        stats,
        stat(dash.offers, "live offers"),
        stat(dash.out_of_stock, "out of stock"),
        dash.sales !== null && dash.sales !== undefined ? stat(dash.sales, `orders · ${dash.items_sold ?? 0} items`) : null,
        dash.revenue ? stat(money(dash.revenue), "sold") : null,
        dash.last_feed ? stat(dash.last_feed.status.replaceAll("_", " "), `last feed ${date(dash.last_feed.finished_at)}`) : null,
        vendor.status !== "approved" ? stat(vendor.status, "account") : null,
        // The vendor rating: reviews of verified purchases from this vendor (community).
        rating
          ? h(
              "div",
              { class: "card stat", "data-testid": "vendor-rating" },
              h("strong", {}, rating.count ? rating.average.toFixed(1) : "–"),
              h("span", { class: "muted small" }, rating.count ? stars(rating.average, rating.count) : "no reviews yet"),
            )
          : null,
      );
    }
  } catch (error) {
    if (error.name !== "AbortError") mount(stats, errorBox(error, { title: "Could not load the vendor profile" }));
  }
}

// ---------------------------------------------------------------- offers

const LISTINGS = [
  ["live", "Live"],
  ["out_of_stock", "Out of stock"],
  ["withdrawn", "Withdrawn"],
];

/** Which offers to show: a listing and the start of the SKU (`?tab=offers&listing=&sku=`). */
function offerFilters(query) {
  const listing = LISTINGS.some(([key]) => key === query.get("listing")) ? query.get("listing") : "live";
  const sku = (query.get("sku") || "").trim();
  const chosen = h("select", { name: "listing" }, LISTINGS.map(([key, label]) => h("option", { value: key, selected: key === listing }, label)));
  const prefix = h("input", { name: "sku", value: sku, maxlength: 50, autocapitalize: "characters", spellcheck: "false" });
  const form = h(
    "form",
    {
      class: "filter-bar",
      role: "search",
      "aria-label": "Find offers",
      onsubmit: (event) => {
        event.preventDefault();
        location.hash = link("/vendor", { tab: "offers", listing: chosen.value === "live" ? null : chosen.value, sku: prefix.value.trim() });
      },
    },
    field("Show", chosen),
    field("SKU starts with", prefix),
    h("button", { type: "submit", class: "button button-small" }, "Show offers"),
  );
  return { listing, sku, form };
}

async function offersTab(panel, vendorId, signal, query) {
  mount(panel, loading("Loading offers…"));
  const { listing, sku, form } = offerFilters(query);
  const filtered = listing !== "live" || sku;
  const body = h("tbody");
  const more = h("div", { class: "pager" });
  const load = pagedLoader({
    fetchPage: (cursor) => api.get(`/vendors/${seg(vendorId)}/offers`, { query: { limit: 50, cursor, listing, sku }, signal }),
    into: body,
    renderItem: (offer) => offerRow(vendorId, offer),
    more,
    label: "Load more offers",
  });
  try {
    const first = await load(null);
    if (!first.items.length) {
      mount(
        panel,
        form,
        filtered
          ? empty("No offer matches.", h("a", { class: "button button-ghost", href: link("/vendor", { tab: "offers" }) }, "Show all live offers"))
          : empty("No offers yet. Upload a feed to add your assortment.", h("a", { class: "button", href: link("/vendor", { tab: "feeds" }) }, "Upload a feed")),
      );
      return;
    }
  } catch (error) {
    if (error.name === "AbortError" || error.status === 401) throw error;
    mount(panel, form, errorBox(error, { title: "Could not load your offers" }));
    return;
  }
  mount(
    panel,
    form,
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "table offers-admin" },
        h("caption", { class: "visually-hidden" }, "Your offers"),
        h("thead", {}, h("tr", {}, [...["SKU", "Title", "Price", "Stock", "Availability"].map((t) => h("th", { scope: "col" }, t)), h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Actions"))])),
        body,
      ),
    ),
    more,
  );
}

function offerRow(vendorId, offer) {
  const row = h("tr", { "data-sku": offer.sku });
  const draw = (o) => {
    const live = o.status !== "withdrawn";
    const edit = h("button", { type: "button", class: "button button-small button-ghost", "aria-label": `Edit ${o.sku}`, "aria-expanded": "false" }, "Edit");
    edit.addEventListener("click", () => toggleEditor(vendorId, row, o, draw, edit));
    const withdraw = h("button", { type: "button", class: "button button-small button-ghost", "aria-label": `Withdraw ${o.sku}` }, "Withdraw");
    withdraw.addEventListener("click", () => confirmWithdraw(vendorId, row, o, draw, withdraw));
    mount(
      row,
      h("td", { "data-label": "SKU" }, h("code", {}, o.sku)),
      h("td", { "data-label": "Title" }, h("a", { href: link(`/product/${encodeURIComponent(o.product_id)}`) }, o.title)),
      h("td", { "data-label": "Price", class: "num" },
        h("span", {}, o.sale_price !== null && o.sale_price !== undefined ? [h("del", { class: "muted" }, money(o.price, o.currency)), " ", h("strong", { class: "sale" }, money(o.sale_price, o.currency))] : money(o.price, o.currency))),
      h("td", { "data-label": "Stock", class: "num" }, String(o.quantity)),
      h("td", { "data-label": "Availability" }, statusBadge(!live ? "withdrawn" : o.quantity === 0 && o.availability === "in_stock" ? "out_of_stock" : o.availability)),
      h("td", {}, live ? h("div", { class: "row-actions" }, edit, withdraw) : null),
    );
  };
  draw(offer);
  return row;
}

/** Withdraw after a second click (shoppers can no longer buy it; a later feed or PUT brings it back). */
function confirmWithdraw(vendorId, row, offer, draw, button) {
  const cell = button.parentElement;
  const yes = h("button", { type: "button", class: "button button-small button-danger" }, `Yes, withdraw ${offer.sku}`);
  const no = h("button", { type: "button", class: "button button-small button-ghost" }, "Keep");
  const problem = h("span", { "aria-live": "assertive" });
  no.addEventListener("click", () => draw(offer));
  yes.addEventListener("click", () =>
    busy(yes, async () => {
      try {
        await api.del(`/vendors/${seg(vendorId)}/offers/${seg(offer.sku)}`);
        toast(`${offer.sku} is withdrawn: shoppers no longer see it.`, "success");
        draw({ ...offer, status: "withdrawn" });
      } catch (error) {
        mount(problem, errorBox(error, { title: "Could not withdraw" }));
      }
    }, "Withdrawing…"),
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
  const availability = h("select", { id: `${id}-avail` }, AVAILABILITY.map((a) => h("option", { value: a, selected: a === offer.availability }, a.replaceAll("_", " "))));
  const status = h("div", { "aria-live": "assertive" });
  const save = h("button", { type: "submit", class: "button button-small" }, "Save");
  const cancel = h("button", { type: "button", class: "button button-small button-ghost" }, "Cancel");
  const form = h(
    "form",
    { class: "edit-form", "aria-label": `Edit price and stock of ${offer.sku}` },
    field("Price (€)", price),
    field("Sale price (€)", sale, "Empty: no sale"),
    field("Stock", quantity),
    field("Availability", availability),
    h("div", { class: "actions" }, cancel, save),
  );
  const editRow = h("tr", { class: "edit-row" }, h("td", { colspan: "6" }, form, status));
  cancel.addEventListener("click", () => toggleEditor(vendorId, row, offer, draw, button));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const patch = {};
    const newPrice = toMinor(price.value);
    const newSale = sale.value.trim() ? toMinor(sale.value) : null;
    const newQty = Number(quantity.value);
    const problems = [];
    if (newPrice === null) problems.push({ field: "price", message: "Write a price like 12.95" });
    if (sale.value.trim() && newSale === null) problems.push({ field: "sale price", message: "Write a price like 9.95, or leave it empty" });
    if (!Number.isInteger(newQty) || newQty < 0) problems.push({ field: "stock", message: "Write a whole number, 0 or more" });
    if (problems.length) {
      mount(status, errorBox({ message: "Please check the form", details: problems }));
      return;
    }
    if (newPrice !== offer.price) patch.price = newPrice;
    if (newSale !== (offer.sale_price ?? null)) patch.sale_price = newSale;
    if (newQty !== offer.quantity) patch.quantity = newQty;
    if (availability.value !== offer.availability) patch.availability = availability.value;
    if (!Object.keys(patch).length) {
      mount(status, h("p", { class: "muted" }, "Nothing changed."));
      return;
    }
    busy(save, async () => {
      try {
        const updated = await api.patch(`/vendors/${seg(vendorId)}/offers/${seg(offer.sku)}`, patch);
        editRow.remove();
        draw(updated);
        toast(`Saved ${updated.sku}.`, "success");
        row.querySelector("button")?.focus();
      } catch (error) {
        mount(status, errorBox(error, { title: "Could not save" }));
      }
    }, "Saving…");
  });
  row.after(editRow);
  button.setAttribute("aria-expanded", "true");
  price.focus();
}

// ---------------------------------------------------------------- feeds

const MODES = [
  ["upsert", "Add and update (offers not in the file stay)"],
  ["partial", "Partial: only price and stock columns"],
  ["replace", "Replace: offers not in the file are withdrawn"],
];
const FINAL = new Set(["completed", "failed"]);

async function feedsTab(panel, vendorId, signal) {
  const file = h("input", { type: "file", id: "feed-file", name: "file", accept: ".csv,.tsv,.txt,.jsonl,.ndjson,.json,.xml,.xlsx", required: true });
  const mode = h("select", { id: "feed-mode", name: "mode" }, MODES.map(([value, label]) => h("option", { value }, label)));
  const submit = h("button", { type: "submit", class: "button" }, "Upload feed");
  const progressArea = h("div", { class: "feed-progress", "aria-live": "polite" });
  const previewArea = h("div", { class: "feed-preview" });
  const mappingNote = h("div", {});
  const mappingArea = h("div", {});
  let saved = null;
  const showSaved = () => mount(mappingNote, saved ? savedMappingNote(vendorId, saved, async () => { saved = null; showSaved(); await runPreview(); }, signal) : null);
  const previewWith = async (mapping) => {
    const chosen = file.files?.[0];
    if (!chosen) return null;
    mount(previewArea, loading("Checking the first rows…"));
    try {
      const body = { sample: await sampleOf(chosen), mode: mode.value, ...(mapping ? { mapping } : {}) };
      const result = await api.post(`/vendors/${seg(vendorId)}/feeds/preview`, body, { signal });
      mount(previewArea, previewView(result));
      return result;
    } catch (error) {
      if (error.name === "AbortError") return null;
      mount(previewArea, errorBox(error, { title: "This file would not import" }));
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
    h("h2", { id: "feed-title" }, "Upload a product feed"),
    h("p", { class: "muted" }, "CSV or TSV, Excel (.xlsx), JSON Lines, or Google Merchant XML, with Google Merchant Center field names (id, title, price, availability, gtin, …) plus quantity; Shopify and WooCommerce product exports as they are; or your own spreadsheet with a column mapping."),
    mappingNote,
    field("Feed file", file, "Choosing a file checks its first rows before anything is uploaded."),
    field("Mode", mode),
    previewArea,
    h("div", { class: "actions" }, submit),
  );
  const history = importHistory(vendorId, signal);
  const source = feedSourceCard(vendorId, MODES, signal);
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

const HISTORY_COUNTS = [["created", "Created"], ["updated", "Updated"], ["unchanged", "Unchanged"], ["withdrawn", "Withdrawn"], ["rejected", "Rejected"]];

/** The vendor's imports of the last 60 days, newest first, with a fresh error report link each. */
function importHistory(vendorId, signal) {
  const holder = h("div", {}, loading("Loading your imports…"));
  const section = h(
    "section",
    { class: "card import-history", "aria-labelledby": "history-title" },
    h("h2", { id: "history-title" }, "Import history"),
    h("p", { class: "muted small" }, "Imports of the last 60 days, newest first. Error report links are valid for 15 minutes; reopen this tab for fresh ones."),
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
      label: "Load older imports",
    });
    try {
      const first = await load(null);
      if (!first.items.length && !first.next_cursor) {
        mount(holder, h("p", { class: "muted" }, "No imports yet. Your uploads will be listed here with their counts and error reports."));
        return;
      }
    } catch (error) {
      if (error.name === "AbortError" || error.status === 401) throw error;
      mount(holder, errorBox(error, { title: "Could not load your imports" }));
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
          h("caption", { class: "visually-hidden" }, "Your imports, newest first"),
          h("thead", {}, h("tr", {}, ["Started", "File", "Mode", "Status", ...HISTORY_COUNTS.map(([, label]) => label), "Error report"].map((t) => h("th", { scope: "col" }, t)))),
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
  const report = feed.error_report_url && /^https?:\/\//.test(feed.error_report_url)
    ? h("a", { href: feed.error_report_url, target: "_blank", rel: "noopener", download: "" }, `${feed.error_report_lines} line${feed.error_report_lines === 1 ? "" : "s"}`)
    : h("span", { class: "muted" }, "none");
  return h(
    "tr",
    { "data-feed": feed.feed_id },
    h("td", { "data-label": "Started" }, date(feed.started_at || feed.created_at)),
    h("td", { "data-label": "File" }, feed.filename, feed.format ? h("span", { class: "muted small" }, ` · ${feed.format}${feed.mapped ? " through your mapping" : ""}`) : null),
    h("td", { "data-label": "Mode" }, feed.mode),
    h("td", { "data-label": "Status" }, statusBadge(feed.status), feed.reason ? h("div", { class: "small muted" }, feed.reason) : null),
    ...HISTORY_COUNTS.map(([key, label]) => h("td", { "data-label": label, class: key === "rejected" && c[key] ? "num warn" : "num" }, String(c[key] ?? 0))),
    h("td", { "data-label": "Error report" }, report),
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
  return h(
    "div",
    { class: "preview" },
    h("p", {}, h("strong", {}, `${result.format.toUpperCase()} · ${result.encoding}`), result.mapped ? " · read through your column mapping" : "", ` · ${result.rows.length} good row${result.rows.length === 1 ? "" : "s"}`,
      result.errors.length ? h("span", { class: "warn" }, ` · ${result.errors.length} problem${result.errors.length === 1 ? "" : "s"}`) : " · no problems", " in the first rows"),
    result.missing.length
      ? h("p", { class: "warn", role: "status" }, `No column gives ${result.missing.join(", ")}: map your columns below, or use Merchant Center column names.`)
      : null,
    h("details", {}, h("summary", {}, "Columns"),
      h("ul", { class: "plain small" }, columns.map(([column, fieldName]) => h("li", {}, h("code", {}, column), " → ", fieldName ? h("strong", {}, fieldName) : h("span", { class: "muted" }, "ignored")))),
      ignored.length ? h("p", { class: "muted small" }, result.mapped ? "Ignored columns are not in your mapping." : "Ignored columns are not Google Merchant Center fields.") : null),
    result.errors.length
      ? h("details", { open: true }, h("summary", {}, "Problems"),
          h("ul", { class: "small" }, result.errors.slice(0, 20).map((e) => h("li", {}, `Line ${e.line}`, e.field ? [", ", h("code", {}, e.field)] : "", `: ${e.message}`))))
      : null,
  );
}

async function uploadFeed(vendorId, chosen, mode, area, signal) {
  const filename = chosen.name.replace(/[^A-Za-z0-9._ -]/g, "_").slice(0, 200) || "feed.csv";
  const uploadBar = h("progress", { max: "100", value: "0", id: "upload-progress", "aria-label": "Upload progress" });
  const uploadText = h("span", { class: "muted small" }, "Preparing…");
  const statusBox = h("div", {});
  mount(area, h("div", { class: "card" }, h("h2", {}, `Importing ${filename}`),
    h("label", { for: "upload-progress" }, "Upload"), uploadBar, uploadText, statusBox));
  let created;
  try {
    created = await api.post(`/vendors/${seg(vendorId)}/feeds`, { filename, mode, content_type: chosen.type || null });
  } catch (error) {
    mount(statusBox, errorBox(error, { title: "Could not start the upload" }));
    return;
  }
  if (chosen.size > created.max_bytes) {
    mount(statusBox, errorBox({ message: `The file is ${formatBytes(chosen.size)}; the limit is ${formatBytes(created.max_bytes)}.` }, { title: "File too large" }));
    return;
  }
  try {
    await postToS3(created.upload, chosen, (loaded, total) => {
      const percent = total ? Math.round((loaded / total) * 100) : 0;
      uploadBar.value = percent;
      uploadText.textContent = `${formatBytes(loaded)} of ${formatBytes(total)} (${percent}%)`;
    }, signal);
  } catch (error) {
    mount(statusBox, errorBox(error, { title: "The upload failed" }));
    return;
  }
  uploadBar.value = 100;
  uploadText.textContent = `Uploaded ${formatBytes(chosen.size)}. The import starts in a moment.`;
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
        const message = /<Message>([^<]+)<\/Message>/.exec(xhr.responseText || "")?.[1] || `Storage answered HTTP ${xhr.status}`;
        reject(Object.assign(new Error(message), { code, status: xhr.status }));
      }
    });
    xhr.addEventListener("error", () => reject(Object.assign(new Error("Could not reach the file storage."), { code: "network" })));
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
      mount(box, errorBox(error, { title: "Could not read the import status" }));
      return;
    }
    mount(box, feedStatus(status));
    if (FINAL.has(status.status)) {
      toast(status.status === "completed" ? "Feed imported." : "The feed import failed.", status.status === "completed" ? "success" : "error");
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
  return h(
    "div",
    { class: "feed-status", "data-status": status.status },
    h("p", {}, "Import ", statusBadge(status.status), " ", h("span", { class: "muted small" }, `${status.filename} · ${status.mode}${status.format ? ` · ${status.format}` : ""}`)),
    h("label", { for: `import-${status.feed_id}` }, `Read ${percent}% of the file`),
    h("progress", { id: `import-${status.feed_id}`, max: "100", value: String(percent) }),
    h(
      "div",
      { class: "counts" },
      [["received", "rows read"], ["created", "created"], ["updated", "updated"], ["unchanged", "unchanged"], ["withdrawn", "withdrawn"], ["rejected", "rejected"]].map(([k, label]) =>
        h("div", { class: k === "rejected" && c[k] ? "warn" : null }, h("strong", {}, String(c[k] ?? 0)), h("span", { class: "small muted" }, label)),
      ),
    ),
    status.reason ? errorBox({ message: status.reason }, { title: status.status === "failed" ? "The import failed" : "Note" }) : null,
    status.error_report_url && /^https?:\/\//.test(status.error_report_url)
      ? h("p", {}, h("a", { href: status.error_report_url, target: "_blank", rel: "noopener", download: "" }, `Download the error report (${status.error_report_lines} line${status.error_report_lines === 1 ? "" : "s"})`))
      : null,
    status.finished_at ? h("p", { class: "muted small" }, `Finished ${date(status.finished_at)}`) : null,
  );
}

function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

// ---------------------------------------------------------------- orders

async function ordersTab(panel, vendorId, signal, toShip) {
  mount(panel, loading("Loading orders…"));
  const filters = h(
    "nav",
    { class: "window-switch", "aria-label": "Which orders" },
    h("a", { class: "chip", href: link("/vendor", { tab: "orders" }), "aria-current": toShip ? null : "page" }, "All orders"),
    h("a", { class: "chip", href: link("/vendor", { tab: "orders", show: "to-ship" }), "aria-current": toShip ? "page" : null }, "To ship"),
  );
  const list = h("div", { class: "vendor-orders" });
  const more = h("div", { class: "pager" });
  const status = toShip ? "paid" : null;
  const load = pagedLoader({
    fetchPage: (cursor) => api.get(`/vendors/${seg(vendorId)}/orders`, { query: { limit: 20, cursor, status }, signal }),
    into: list,
    renderItem: (item) => vendorOrder(vendorId, item),
    more,
    label: "Load more orders",
  });
  try {
    const first = await load(null);
    if (!first.items.length) {
      mount(panel, filters, empty(toShip ? "Nothing left to ship. Well done!" : "No orders yet."));
      return;
    }
  } catch (error) {
    if (error.name === "AbortError" || error.status === 401) throw error;
    mount(panel, filters, errorBox(error, { title: "Could not load your orders" }));
    return;
  }
  mount(panel, filters, list, more);
}

function vendorOrder(vendorId, item) {
  const card = h("section", { class: "card vendor-group", "aria-label": `Order ${orderNumber(item.order_id)}` });
  const draw = (it) => {
    const sub = it.sub_order;
    const a = it.shipping_address;
    mount(
      card,
      h("div", { class: "group-head" }, h("h2", {}, `Order ${orderNumber(it.order_id)}`), statusBadge(sub.status)),
      h("p", { class: "muted small" }, `Reference ${it.order_id} · placed ${date(it.created_at)} · ship to ${a.name}, ${a.line1}, ${a.postal_code} ${a.city}, ${a.country}`),
      h("ul", { class: "plain" }, sub.lines.map((l) => h("li", {}, `${l.quantity} × `, h("code", {}, l.sku), ` ${l.title}`, h("span", { class: "right" }, money(l.line_total, it.currency))))),
      h("dl", { class: "sums" },
        h("dt", {}, "Items"), h("dd", {}, money(sub.subtotal, it.currency)),
        h("dt", {}, "Shipping"), h("dd", {}, money(sub.shipping, it.currency)),
        h("dt", {}, "Commission"), h("dd", {}, `−${money(sub.commission, it.currency)}`),
        h("dt", { class: "total" }, "Your payout"), h("dd", { class: "total" }, money(sub.payout, it.currency))),
      sub.tracking_number ? h("p", {}, `Shipped with ${sub.carrier}, tracking `, h("code", {}, sub.tracking_number)) : null,
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
        toast(decision === "accept" ? "Return accepted and refunded." : "Return rejected.", "success");
        draw(await api.get(`/vendors/${seg(vendorId)}/orders/${seg(item.order_id)}`));
      } catch (error) {
        mount(status, errorBox(error, { title: "Could not decide the return" }));
      }
    }, "Saving…");
  };
  // Money moves on "accept": a second click, naming the amount, confirms it
  const refund = line ? line.unit_price * ret.quantity : null;
  const actions = h("span", { class: "actions inline" });
  const choose = () =>
    mount(
      actions,
      h("button", { type: "button", class: "button button-small button-danger", onclick: decide("reject") }, "Reject"),
      h("button", { type: "button", class: "button button-small", onclick: confirmRefund }, "Accept and refund"),
    );
  function confirmRefund() {
    mount(
      actions,
      h("span", {}, refund !== null ? `Refund ${money(refund, item.currency)} to the shopper? ` : "Refund the shopper? "),
      h("button", { type: "button", class: "button button-small button-ghost", onclick: choose }, "Not yet"),
      h("button", { type: "button", class: "button button-small", onclick: decide("accept") }, "Yes, refund"),
    );
    actions.querySelector("button")?.focus();
  }
  if (ret.status === "requested") choose();
  return h(
    "li",
    { class: "return-item" },
    `Return of ${ret.quantity} × ${line?.title || ret.offer_id}: “${ret.reason}” `,
    statusBadge(ret.status),
    ret.status === "requested" ? actions : ret.refund_amount ? h("span", { class: "muted" }, ` refunded ${money(ret.refund_amount, item.currency)}`) : null,
    status,
  );
}

function shipForm(vendorId, item, draw) {
  const id = `ship-${item.order_id}`.replace(/[^A-Za-z0-9_-]/g, "_");
  const carrier = h("input", { id: `${id}-carrier`, required: true, maxlength: "60", list: "carriers", value: "PostNL" });
  const tracking = h("input", { id: `${id}-tracking`, required: true, maxlength: "100" });
  const status = h("div", { "aria-live": "assertive" });
  const submit = h("button", { type: "submit", class: "button button-small" }, "Mark shipped");
  return h(
    "form",
    {
      class: "edit-form",
      "aria-label": `Ship order ${item.order_id}`,
      onsubmit: (event) => {
        event.preventDefault();
        busy(submit, async () => {
          try {
            const updated = await api.post(`/vendors/${seg(vendorId)}/orders/${seg(item.order_id)}/ship`, { carrier: carrier.value.trim(), tracking_number: tracking.value.trim() });
            toast(`Order ${orderNumber(item.order_id)} shipped.`, "success");
            draw(updated);
          } catch (error) {
            mount(status, errorBox(error, { title: "Could not mark it shipped" }));
          }
        }, "Saving…");
      },
    },
    h("datalist", { id: "carriers" }, ["PostNL", "DHL", "DPD", "UPS", "GLS", "bpost"].map((c) => h("option", { value: c }))),
    field("Carrier", carrier),
    field("Tracking number", tracking),
    h("div", { class: "actions" }, submit),
    status,
  );
}

function deliverButton(vendorId, item, draw) {
  const status = h("div", { "aria-live": "assertive" });
  const button = h("button", { type: "button", class: "button button-small button-ghost" }, "Mark delivered");
  button.addEventListener("click", () =>
    busy(button, async () => {
      try {
        draw(await api.post(`/vendors/${seg(vendorId)}/orders/${seg(item.order_id)}/deliver`));
        toast(`Order ${orderNumber(item.order_id)} delivered.`, "success");
      } catch (error) {
        mount(status, errorBox(error, { title: "Could not mark it delivered" }));
      }
    }, "Saving…"),
  );
  return h("div", { class: "actions" }, button, status);
}
