// Admin: rewards (#/admin/rewards): the earning rules editor (GET/PUT /admin/rewards/rules with
// expected_version; the API's validation errors next to their fields in plain words), segments
// (members per journey stage, filtered by an affinity from the top affinities, each stage's member
// list, CSV download) and advisor cash payouts (close a finished month, its payouts, CSV for finance).

import { ApiError, api, seg } from "../api.js";
import { session } from "../auth.js";
import { config } from "../config.js";
import { busy, date, empty, h, loading, money, mount, pagedLoader, toMinor, toast } from "../ui.js";
import { STAGES, plainMessage, problemBox, stageName } from "./rewards_shared.js";

const UPPER_STAGES = STAGES.slice(1);

// [path in EarningRules, label, hint, kind]; kind "money" is edited in euros, sent in cents.
const GROUPS = [
  ["Orders", [["orders.points_per_euro", "Points per euro", "For each whole euro of a delivered order; taken back on a return."]]],
  [
    "Reviews",
    [
      ["reviews.points", "Points per published review"],
      ["reviews.photo_bonus", "Extra for photos"],
      ["reviews.verified_bonus", "Extra for a verified purchase"],
    ],
  ],
  [
    "Community",
    [
      ["answer_accepted.points", "Accepted answer"],
      ["collection_rated.points", "Collection rated by someone else"],
      ["collection_rated.min_stars", "Stars needed for a collection (1 to 5)"],
      ["idea_milestone.points", "Idea milestone"],
      ["feedback_acted_on.points", "Feedback acted on"],
      ["share_clicked.points", "Shared link clicked"],
    ],
  ],
  [
    "Daily visits",
    [
      ["visits.points", "First visit of a day"],
      ["visits.streak_bonus", "Extra per day of a streak"],
      ["visits.max_points", "Most points per day"],
    ],
  ],
  [
    "Referrals",
    [
      ["referrals.points", "Points for the friend who invited"],
      ["referrals.return_window_days", "Days to wait for returns"],
      ["referrals.min_order_value", "Minimum first order (€)", null, "money"],
      ["referrals.monthly_cap", "Paid invitations per member per month"],
    ],
  ],
  [
    "Advice sessions",
    [
      ["advice.points", "Points per well-rated session"],
      ["advice.min_rating", "Rating needed (1 to 5)"],
    ],
  ],
  ["Points per stage (100 % = normal)", STAGES.map((s) => [`stage_multipliers.${s}`, `${stageName(s)} (%)`])],
  ...UPPER_STAGES.map((s) => [
    `To reach ${stageName(s)}`,
    [
      [`stage_thresholds.${s}.purchases`, "Delivered orders"],
      [`stage_thresholds.${s}.contributions`, "Contributions"],
      [`stage_thresholds.${s}.referrals`, "Friends invited"],
    ],
  ]),
  [
    "Periods",
    [
      ["stage_window_days", "Days of activity counted for stages"],
      ["stage_period_days", "Days before a stage can go down"],
      ["expiry_days", "Days before earned points expire"],
    ],
  ],
];

export async function render(view, { session: user, signal }) {
  const title = h("h1", {}, "Rewards administration");
  if (!user.groups.includes("admin")) {
    mount(view, title, empty("This page is for administrators. Sign in with an admin account.", h("a", { class: "button button-ghost", href: "#/signin?next=%23%2Fadmin%2Frewards" }, "Sign in as an admin")));
    return;
  }
  const rules = h("section", { class: "card rewards-section", "aria-labelledby": "rules-title" });
  const segments = h("section", { class: "card rewards-section", "aria-labelledby": "segments-title" });
  const payouts = h("section", { class: "card rewards-section", "aria-labelledby": "payouts-title" });
  mount(view, title, segments, payouts, rules);
  await Promise.all([showSegments(segments, signal), showPayouts(payouts, signal), showRules(rules, signal)]);
}

// ---------------------------------------------------------------- earning rules

const get = (obj, path) => path.split(".").reduce((o, k) => (o === null || o === undefined ? undefined : o[k]), obj);

function set(obj, path, value) {
  const keys = path.split(".");
  const last = keys.pop();
  keys.reduce((o, k) => o[k], obj)[last] = value;
}

/** A pydantic message in plain words ("Input should be greater than or equal to 0" → "Must be 0 or more"). */
function fieldWords(detail) {
  const message = String(detail.message || "").replace(/^Value error, /, "");
  const match = /^Input should be (greater|less) than or equal to (-?\d+)/.exec(message);
  if (match) return `Must be ${match[2]} or ${match[1] === "greater" ? "more" : "less"}.`;
  if (/valid integer/.test(message)) return "Enter a whole number.";
  const plain = message.replace(/^Input should be/, "Must be");
  return plain.charAt(0).toUpperCase() + plain.slice(1);
}

async function showRules(section, signal) {
  const heading = h("h2", { id: "rules-title" }, "Earning rules");
  mount(section, heading, loading("Loading the rules…"));
  let current;
  try {
    current = await api.get("/admin/rewards/rules", { signal });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    mount(section, heading, problemBox(error, "Could not load the rules"));
    return;
  }
  const inputs = new Map();
  const errors = new Map();
  const status = h("div", { "aria-live": "polite" });
  const version = h("p", { class: "muted small", "data-testid": "rules-version" }, versionText(current));
  const submit = h("button", { type: "submit", class: "button" }, "Save rules");

  const fieldset = ([legend, fields]) =>
    h(
      "fieldset",
      { class: "rules-group" },
      h("legend", {}, legend),
      fields.map(([path, label, hint, kind]) => {
        const id = `rule-${path.replaceAll(".", "-")}`;
        const raw = get(current.rules, path);
        const input = h("input", { id, name: path, inputmode: kind === "money" ? "decimal" : "numeric", value: kind === "money" ? (raw / 100).toFixed(2) : String(raw), "data-kind": kind || "int" });
        const problem = h("p", { class: "field-error", id: `${id}-error`, hidden: true });
        const hintEl = hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null;
        input.setAttribute("aria-describedby", [hintEl ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(" "));
        inputs.set(path, input);
        errors.set(path, problem);
        return h("div", { class: "field" }, h("label", { for: id }, label), input, hintEl, problem);
      }),
    );

  const clearErrors = () => {
    for (const [path, problem] of errors) {
      problem.hidden = true;
      problem.textContent = "";
      inputs.get(path).removeAttribute("aria-invalid");
    }
  };
  const markError = (path, text) => {
    const problem = errors.get(path);
    if (!problem) return false;
    problem.textContent = text;
    problem.hidden = false;
    inputs.get(path).setAttribute("aria-invalid", "true");
    return true;
  };

  const form = h(
    "form",
    {
      class: "rules-form",
      novalidate: true,
      onsubmit: (event) => {
        event.preventDefault();
        clearErrors();
        mount(status);
        const rules = structuredClone(current.rules);
        let firstBad = null;
        for (const [path, input] of inputs) {
          const text = input.value.trim();
          const value = input.dataset.kind === "money" ? toMinor(text) : /^-?\d+$/.test(text) ? Number(text) : null;
          if (value === null) {
            markError(path, input.dataset.kind === "money" ? "Enter an amount in euros, like 20.00." : "Enter a whole number.");
            firstBad = firstBad || input;
          } else {
            set(rules, path, value);
          }
        }
        if (firstBad) {
          mount(status, problemBox({ code: "validation_failed" }, "The rules were not saved"));
          firstBad.focus();
          return;
        }
        busy(submit, async () => {
          try {
            current = await api.put("/admin/rewards/rules", { expected_version: current.version, rules });
            version.textContent = versionText(current);
            mount(status, h("p", { class: "notice success-box", role: "status" }, `Saved as version ${current.version}. New earnings use these rules from now on.`));
          } catch (error) {
            mount(status, rulesProblem(error, markError, () => showRules(section)));
            const bad = [...inputs.values()].find((i) => i.getAttribute("aria-invalid") === "true");
            bad?.focus();
          }
        }, "Saving…");
      },
    },
    GROUPS.map(fieldset),
    h("p", { class: "muted small" }, `${current.rules.campaigns.length} campaign${current.rules.campaigns.length === 1 ? "" : "s"} and ${current.rules.catalog.length} rewards in the catalog are kept as they are.`),
    status,
    h("div", { class: "actions" }, submit),
  );
  mount(section, heading, version, form);
}

function versionText(current) {
  if (!current.version) return "The default rules: never changed yet.";
  const who = current.updated_by === session()?.userId ? "you" : "another administrator";
  return `Version ${current.version}, saved by ${who} on ${date(current.updated_at)}.`;
}

function rulesProblem(error, markError, reload) {
  const general = [];
  for (const detail of error.details || []) {
    const path = String(detail.field || "").replace(/^rules\.?/, "");
    if (!markError(path, fieldWords(detail))) general.push(fieldWords(detail));
  }
  const box = problemBox(error, "The rules were not saved");
  if (general.length) box.append(h("ul", {}, general.map((text) => h("li", {}, text))));
  if (error.code === "rules_version_conflict") {
    box.append(h("button", { type: "button", class: "button button-small", onclick: reload }, "Reload the rules"));
  }
  return box;
}

// ---------------------------------------------------------------- segments

async function showSegments(section, signal, affinity = "") {
  const heading = h("h2", { id: "segments-title" }, "Members per journey stage");
  mount(section, heading, loading("Counting members…"));
  let counts;
  let top;
  try {
    [counts, top] = await Promise.all([
      api.get("/admin/segments", { signal, query: affinity ? { affinity } : {} }),
      api.get("/admin/segments/affinities", { signal, query: { limit: 10 } }),
    ]);
  } catch (error) {
    if (error.name === "AbortError") throw error;
    mount(section, heading, problemBox(error, "Could not count the members"));
    return;
  }
  const refilter = (value) => showSegments(section, undefined, value.trim());
  const members = h("div", { class: "segment-members", "aria-live": "polite" });
  const rows = counts.stages.map(({ stage, members: count }) => {
    const who = `${stageName(stage)} members${affinity ? ` who like ${affinity}` : ""}`;
    const show = h("button", { type: "button", class: "button button-small button-ghost", "aria-label": `Show ${who}` }, "Show");
    show.addEventListener("click", () => showMembers(members, stage, counts.affinity || ""));
    const download = h("button", { type: "button", class: "button button-small button-ghost", "aria-label": `Download ${who} as CSV` }, "CSV");
    download.addEventListener("click", () => busy(download, () => downloadCsv(`/admin/segments/${seg(stage)}/members`, { format: "csv", ...(counts.affinity ? { affinity: counts.affinity } : {}) }, csvName(stage, counts.affinity)), "…"));
    return h(
      "li",
      { class: "segment", "data-stage": stage },
      h("span", { class: "segment-name" }, stageName(stage)),
      h("strong", { class: "segment-count", "data-testid": `segment-${stage}` }, String(count)),
      h("progress", { max: String(Math.max(counts.total, 1)), value: String(count), "aria-label": `${stageName(stage)}: ${count} of ${counts.total}` }),
      h("span", { class: "segment-actions" }, show, download),
    );
  });
  mount(
    section,
    heading,
    affinityFilter(counts.affinity || "", top, refilter),
    h("p", {}, h("strong", { "data-testid": "segment-total" }, String(counts.total)), counts.affinity ? ` members who like “${counts.affinity}”.` : " members in total."),
    h("ul", { class: "plain segments" }, rows),
    members,
  );
}

/** The affinity filter: a text field, and the most common affinities (with member counts) to pick from. */
function affinityFilter(current, top, refilter) {
  const input = h("input", { id: "segment-affinity", type: "search", maxlength: "60", value: current, placeholder: "e.g. ceramics" });
  const form = h(
    "form",
    { class: "row affinity-filter", role: "search", "aria-label": "Filter segments by affinity" },
    h("div", { class: "field" }, h("label", { for: "segment-affinity" }, "Members who like"), input),
    h("button", { type: "submit", class: "button button-small" }, "Filter"),
    current ? h("button", { type: "button", class: "button button-small button-ghost", onclick: () => refilter("") }, "Everyone") : null,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    refilter(input.value);
  });
  const chips = top.affinities.length
    ? h(
        "ul",
        { class: "plain chips affinities", "aria-label": "Most common affinities", "data-testid": "top-affinities" },
        top.affinities.map(({ affinity, members }) =>
          h("li", {}, h("button", { type: "button", class: `chip${affinity === current ? " chip-active" : ""}`, "data-affinity": affinity, "aria-pressed": String(affinity === current), onclick: () => refilter(affinity) }, `${affinity} · ${members}`)),
        ),
      )
    : h("p", { class: "muted small" }, "No member has named an interest in their profile yet.");
  return h("div", { class: "affinity-box" }, form, h("p", { class: "muted small" }, `Top affinities (${top.distinct} different):`), chips);
}

function csvName(stage, affinity) {
  return affinity ? `segment-${stage}-${affinity.replace(/[^a-z0-9]+/gi, "-")}.csv` : `segment-${stage}.csv`;
}

async function showMembers(box, stage, affinity) {
  const body = h("ul", { class: "plain segment-list" });
  const more = h("div", { class: "pager" });
  mount(box, loading(`Loading ${stageName(stage)} members…`));
  const load = pagedLoader({
    fetchPage: (cursor) => api.get(`/admin/segments/${seg(stage)}/members`, { query: { limit: 20, cursor, ...(affinity ? { affinity } : {}) } }),
    into: body,
    renderItem: (m) =>
      h(
        "li",
        {},
        h("code", { class: "member-id" }, m.user_id),
        h("span", { class: "muted small" }, ` · ${m.balance.toLocaleString("en-GB")} points · ${stageName(m.stage)} since ${date(m.stage_since)}`),
        m.affinities?.length ? h("span", { class: "muted small member-affinities" }, ` · likes ${m.affinities.join(", ")}`) : null,
      ),
    more,
    label: "Show more members",
  });
  try {
    const first = await load(null);
    const title = `${stageName(stage)} members${affinity ? ` who like “${affinity}”` : ""}`;
    mount(box, h("h3", {}, title), first.items.length ? [body, more] : h("p", { class: "muted" }, affinity ? "Nobody at this stage has this affinity." : "Nobody is at this stage."));
  } catch (error) {
    mount(box, problemBox(error, "Could not load the members"));
  }
}

/** A CSV export, fetched with the admin's token and saved as a file. */
async function downloadCsv(path, params, filename) {
  const current = session();
  const target = new URL(`${config().api_url}${path}`);
  for (const [key, value] of Object.entries(params)) target.searchParams.set(key, value);
  try {
    let response;
    try {
      response = await fetch(target, { headers: { Accept: "text/csv", Authorization: `Bearer ${current?.token}` } });
    } catch {
      throw new ApiError(0, "network", "network");
    }
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      throw new ApiError(response.status, body?.error?.code || "http_error", body?.error?.message || "");
    }
    const blob = new Blob([await response.text()], { type: "text/csv" });
    const href = URL.createObjectURL(blob);
    const a = h("a", { href, download: filename, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(href), 10_000);
  } catch (error) {
    toast(plainMessage(error), "error");
  }
}

// ---------------------------------------------------------------- advisor payouts

/** The last finished month as YYYY-MM (UTC). */
function lastMonth() {
  const now = new Date();
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return first.toISOString().slice(0, 7);
}

async function showPayouts(section, signal, period = lastMonth()) {
  const heading = h("h2", { id: "payouts-title" }, "Advisor cash payouts");
  const intro = h("p", { class: "muted small" }, "Close a finished month to create one payout per advisor with cash owed for it. Finance pays from these records: no money moves on Plein. Sessions that reach us after a month is closed are paid with the next month.");
  const month = h("input", { id: "payout-month", type: "month", value: period, max: lastMonth(), required: true });
  const picker = h(
    "form",
    { class: "row payout-picker" },
    h("div", { class: "field" }, h("label", { for: "payout-month" }, "Month"), month),
    h("button", { type: "submit", class: "button button-small button-ghost" }, "Show"),
  );
  picker.addEventListener("submit", (event) => {
    event.preventDefault();
    showPayouts(section, undefined, month.value);
  });
  const result = h("div", { class: "payout-run", "aria-live": "polite", "data-testid": "payout-run" }, loading("Loading the payouts…"));
  mount(section, heading, intro, picker, result);
  let run;
  try {
    run = await api.get(`/admin/payouts/${seg(period)}`, { signal });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    mount(result, problemBox(error, "Could not load the payouts"));
    return;
  }
  mount(result, payoutRun(run, () => showPayouts(section, undefined, period)));
}

function payoutRun(run, reload) {
  const status = run.status === "closed"
    ? h("p", { "data-testid": "payout-status" }, h("strong", {}, `${run.period} is closed`), ` · ${run.payouts.length} payout${run.payouts.length === 1 ? "" : "s"}, ${money(run.total, run.currency)} in total · closed ${date(run.closed_at)}`)
    : h("p", { "data-testid": "payout-status" }, h("strong", {}, `${run.period} is open`), " · no payouts yet");
  const actions = h("div", { class: "actions" });
  if (run.status === "open") {
    const close = h("button", { type: "button", class: "button" }, `Close ${run.period}`);
    close.addEventListener("click", () =>
      busy(close, async () => {
        try {
          await api.post(`/admin/payouts/${seg(run.period)}`);
          toast(`${run.period} is closed.`, "success");
          await reload();
        } catch (error) {
          toast(plainMessage(error), "error");
        }
      }, "Closing…"),
    );
    actions.append(close);
  } else if (run.payouts.length) {
    const csv = h("button", { type: "button", class: "button button-small button-ghost" }, "Download CSV for finance");
    csv.addEventListener("click", () => busy(csv, () => downloadCsv(`/admin/payouts/${seg(run.period)}`, { format: "csv" }, `payouts-${run.period}.csv`), "…"));
    actions.append(csv);
  }
  const table = run.payouts.length
    ? h(
        "table",
        { class: "table payouts" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Advisor"), h("th", { scope: "col" }, "Sessions"), h("th", { scope: "col" }, "Amount"), h("th", { scope: "col" }, "Payout"))),
        h(
          "tbody",
          {},
          run.payouts.map((p) => h("tr", { "data-advisor": p.advisor_id }, h("td", {}, h("code", {}, p.advisor_id)), h("td", {}, String(p.sessions.length)), h("td", {}, money(p.amount, p.currency)), h("td", {}, h("code", { class: "small" }, p.payout_id)))),
        ),
      )
    : run.status === "closed"
      ? h("p", { class: "muted" }, "No advisor had cash owed for this month.")
      : null;
  return [status, table, actions];
}
