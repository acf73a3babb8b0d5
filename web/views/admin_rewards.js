// Admin: rewards (#/admin/rewards): the earning rules editor (GET/PUT /admin/rewards/rules with
// expected_version; the API's validation errors next to their fields in plain words), segments
// (members per journey stage, filtered by an affinity from the top affinities, each stage's member
// list, CSV download) and advisor cash payouts (close a finished month, its payouts, CSV for finance).

import { ApiError, api, seg } from "../api.js";
import { session } from "../auth.js";
import { config } from "../config.js";
import { busy, date, empty, h, loading, money, mount, pagedLoader, toMinor, toast } from "../ui.js";
import { STAGES, plainMessage, problemBox, stageName } from "./rewards_shared.js";
import { formatNumber, plural, t } from "../i18n.js";

const UPPER_STAGES = STAGES.slice(1);

// [path in EarningRules, label, hint, kind]; kind "money" is edited in euros, sent in cents. A function, not a
// constant: the texts follow the interface language, loaded after the import.
const groups = () => [
  [t("Orders"), [["orders.points_per_euro", t("Points per euro"), t("For each whole euro of a delivered order; taken back on a return.")]]],
  [
    t("Reviews"),
    [
      ["reviews.points", t("Points per published review")],
      ["reviews.photo_bonus", t("Extra for photos")],
      ["reviews.verified_bonus", t("Extra for a verified purchase")],
    ],
  ],
  [
    t("Community"),
    [
      ["answer_accepted.points", t("Accepted answer")],
      ["collection_rated.points", t("Collection rated by someone else")],
      ["collection_rated.min_stars", t("Stars needed for a collection (1 to 5)")],
      ["idea_milestone.points", t("Idea milestone")],
      ["feedback_acted_on.points", t("Feedback acted on")],
      ["share_clicked.points", t("Shared link clicked")],
    ],
  ],
  [
    t("Daily visits"),
    [
      ["visits.points", t("First visit of a day")],
      ["visits.streak_bonus", t("Extra per day of a streak")],
      ["visits.max_points", t("Most points per day")],
    ],
  ],
  [
    t("Referrals"),
    [
      ["referrals.points", t("Points for the friend who invited")],
      ["referrals.return_window_days", t("Days to wait for returns")],
      ["referrals.min_order_value", t("Minimum first order (€)"), null, "money"],
      ["referrals.monthly_cap", t("Paid invitations per member per month")],
    ],
  ],
  [
    t("Advice sessions"),
    [
      ["advice.points", t("Points per well-rated session")],
      ["advice.min_rating", t("Rating needed (1 to 5)")],
    ],
  ],
  [t("Points per stage (100 % = normal)"), STAGES.map((s) => [`stage_multipliers.${s}`, `${stageName(s)} (%)`])],
  ...UPPER_STAGES.map((s) => [
    t("To reach {stage}", { stage: stageName(s) }),
    [
      [`stage_thresholds.${s}.purchases`, t("Delivered orders")],
      [`stage_thresholds.${s}.contributions`, t("Contributions")],
      [`stage_thresholds.${s}.referrals`, t("Friends invited")],
    ],
  ]),
  [
    t("Periods"),
    [
      ["stage_window_days", t("Days of activity counted for stages")],
      ["stage_period_days", t("Days before a stage can go down")],
      ["expiry_days", t("Days before earned points expire")],
    ],
  ],
];

export async function render(view, { session: user, signal }) {
  const title = h("h1", {}, t("Rewards administration"));
  if (!user.groups.includes("admin")) {
    mount(view, title, empty(t("This page is for administrators. Sign in with an admin account."), h("a", { class: "button button-ghost", href: "#/signin?next=%23%2Fadmin%2Frewards" }, t("Sign in as an admin"))));
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
  if (match) return match[1] === "greater" ? t("Must be {n} or more.", { n: match[2] }) : t("Must be {n} or less.", { n: match[2] });
  if (/valid integer/.test(message)) return t("Enter a whole number.");
  const plain = message.replace(/^Input should be/, "Must be");
  return plain.charAt(0).toUpperCase() + plain.slice(1);
}

async function showRules(section, signal) {
  const heading = h("h2", { id: "rules-title" }, t("Earning rules"));
  mount(section, heading, loading(t("Loading the rules…")));
  let current;
  try {
    current = await api.get("/admin/rewards/rules", { signal });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    mount(section, heading, problemBox(error, t("Could not load the rules")));
    return;
  }
  const inputs = new Map();
  const errors = new Map();
  const status = h("div", { "aria-live": "polite" });
  const version = h("p", { class: "muted small", "data-testid": "rules-version" }, versionText(current));
  const submit = h("button", { type: "submit", class: "button" }, t("Save rules"));

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
            markError(path, input.dataset.kind === "money" ? t("Enter an amount in euros, like 20.00.") : t("Enter a whole number."));
            firstBad = firstBad || input;
          } else {
            set(rules, path, value);
          }
        }
        if (firstBad) {
          mount(status, problemBox({ code: "validation_failed" }, t("The rules were not saved")));
          firstBad.focus();
          return;
        }
        busy(submit, async () => {
          try {
            current = await api.put("/admin/rewards/rules", { expected_version: current.version, rules });
            version.textContent = versionText(current);
            mount(status, h("p", { class: "notice success-box", role: "status" }, t("Saved as version {version}. New earnings use these rules from now on.", { version: current.version })));
          } catch (error) {
            mount(status, rulesProblem(error, markError, () => showRules(section)));
            const bad = [...inputs.values()].find((i) => i.getAttribute("aria-invalid") === "true");
            bad?.focus();
          }
        }, t("Saving…"));
      },
    },
    groups().map(fieldset),
    h(
      "p",
      { class: "muted small" },
      t("{campaigns} and {rewards} rewards in the catalog are kept as they are.", {
        campaigns: plural(current.rules.campaigns.length, "{n} campaign", "{n} campaigns"),
        rewards: current.rules.catalog.length,
      }),
    ),
    status,
    h("div", { class: "actions" }, submit),
  );
  mount(section, heading, version, form);
}

function versionText(current) {
  if (!current.version) return t("The default rules: never changed yet.");
  const values = { version: current.version, date: date(current.updated_at) };
  return current.updated_by === session()?.userId
    ? t("Version {version}, saved by you on {date}.", values)
    : t("Version {version}, saved by another administrator on {date}.", values);
}

function rulesProblem(error, markError, reload) {
  const general = [];
  for (const detail of error.details || []) {
    const path = String(detail.field || "").replace(/^rules\.?/, "");
    if (!markError(path, fieldWords(detail))) general.push(fieldWords(detail));
  }
  const box = problemBox(error, t("The rules were not saved"));
  if (general.length) box.append(h("ul", {}, general.map((text) => h("li", {}, text))));
  if (error.code === "rules_version_conflict") {
    box.append(h("button", { type: "button", class: "button button-small", onclick: reload }, t("Reload the rules")));
  }
  return box;
}

// ---------------------------------------------------------------- segments

async function showSegments(section, signal, affinity = "") {
  const heading = h("h2", { id: "segments-title" }, t("Members per journey stage"));
  mount(section, heading, loading(t("Counting members…")));
  let counts;
  let top;
  try {
    [counts, top] = await Promise.all([
      api.get("/admin/segments", { signal, query: affinity ? { affinity } : {} }),
      api.get("/admin/segments/affinities", { signal, query: { limit: 10 } }),
    ]);
  } catch (error) {
    if (error.name === "AbortError") throw error;
    mount(section, heading, problemBox(error, t("Could not count the members")));
    return;
  }
  const refilter = (value) => showSegments(section, undefined, value.trim());
  const members = h("div", { class: "segment-members", "aria-live": "polite" });
  const rows = counts.stages.map(({ stage, members: count }) => {
    const who = { stage: stageName(stage), affinity };
    const showLabel = affinity ? t("Show {stage} members who like {affinity}", who) : t("Show {stage} members", who);
    const show = h("button", { type: "button", class: "button button-small button-ghost", "aria-label": showLabel }, t("Show"));
    show.addEventListener("click", () => showMembers(members, stage, counts.affinity || ""));
    const downloadLabel = affinity ? t("Download {stage} members who like {affinity} as CSV", who) : t("Download {stage} members as CSV", who);
    const download = h("button", { type: "button", class: "button button-small button-ghost", "aria-label": downloadLabel }, "CSV");
    download.addEventListener("click", () => busy(download, () => downloadCsv(`/admin/segments/${seg(stage)}/members`, { format: "csv", ...(counts.affinity ? { affinity: counts.affinity } : {}) }, csvName(stage, counts.affinity)), "…"));
    return h(
      "li",
      { class: "segment", "data-stage": stage },
      h("span", { class: "segment-name" }, stageName(stage)),
      h("strong", { class: "segment-count", "data-testid": `segment-${stage}` }, String(count)),
      h("progress", { max: String(Math.max(counts.total, 1)), value: String(count), "aria-label": t("{stage}: {count} of {total}", { stage: stageName(stage), count, total: counts.total }) }),
      h("span", { class: "segment-actions" }, show, download),
    );
  });
  mount(
    section,
    heading,
    affinityFilter(counts.affinity || "", top, refilter),
    h("p", {}, h("strong", { "data-testid": "segment-total" }, String(counts.total)), counts.affinity ? ` ${t("members who like “{affinity}”.", { affinity: counts.affinity })}` : ` ${t("members in total.")}`),
    h("ul", { class: "plain segments" }, rows),
    members,
  );
}

/** The affinity filter: a text field, and the most common affinities (with member counts) to pick from. */
function affinityFilter(current, top, refilter) {
  const input = h("input", { id: "segment-affinity", type: "search", maxlength: "60", value: current, placeholder: t("e.g. ceramics") });
  const form = h(
    "form",
    { class: "row affinity-filter", role: "search", "aria-label": t("Filter segments by affinity") },
    h("div", { class: "field" }, h("label", { for: "segment-affinity" }, t("Members who like")), input),
    h("button", { type: "submit", class: "button button-small" }, t("Filter")),
    current ? h("button", { type: "button", class: "button button-small button-ghost", onclick: () => refilter("") }, t("Everyone")) : null,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    refilter(input.value);
  });
  const chips = top.affinities.length
    ? h(
        "ul",
        { class: "plain chips affinities", "aria-label": t("Most common affinities"), "data-testid": "top-affinities" },
        top.affinities.map(({ affinity, members }) =>
          h("li", {}, h("button", { type: "button", class: `chip${affinity === current ? " chip-active" : ""}`, "data-affinity": affinity, "aria-pressed": String(affinity === current), onclick: () => refilter(affinity) }, `${affinity} · ${members}`)),
        ),
      )
    : h("p", { class: "muted small" }, t("No member has named an interest in their profile yet."));
  return h("div", { class: "affinity-box" }, form, h("p", { class: "muted small" }, t("Top affinities ({n} different):", { n: top.distinct })), chips);
}

function csvName(stage, affinity) {
  return affinity ? `segment-${stage}-${affinity.replace(/[^a-z0-9]+/gi, "-")}.csv` : `segment-${stage}.csv`;
}

async function showMembers(box, stage, affinity) {
  const body = h("ul", { class: "plain segment-list" });
  const more = h("div", { class: "pager" });
  mount(box, loading(t("Loading {stage} members…", { stage: stageName(stage) })));
  const load = pagedLoader({
    fetchPage: (cursor) => api.get(`/admin/segments/${seg(stage)}/members`, { query: { limit: 20, cursor, ...(affinity ? { affinity } : {}) } }),
    into: body,
    renderItem: (m) =>
      h(
        "li",
        {},
        h("code", { class: "member-id" }, m.user_id),
        h("span", { class: "muted small" }, ` · ${t("{points} points · {stage} since {date}", { points: formatNumber(m.balance), stage: stageName(m.stage), date: date(m.stage_since) })}`),
        m.affinities?.length ? h("span", { class: "muted small member-affinities" }, ` · ${t("likes {affinities}", { affinities: m.affinities.join(", ") })}`) : null,
      ),
    more,
    label: t("Show more members"),
  });
  try {
    const first = await load(null);
    const title = affinity ? t("{stage} members who like “{affinity}”", { stage: stageName(stage), affinity }) : t("{stage} members", { stage: stageName(stage) });
    mount(box, h("h3", {}, title), first.items.length ? [body, more] : h("p", { class: "muted" }, affinity ? t("Nobody at this stage has this affinity.") : t("Nobody is at this stage.")));
  } catch (error) {
    mount(box, problemBox(error, t("Could not load the members")));
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
  const heading = h("h2", { id: "payouts-title" }, t("Advisor cash payouts"));
  const intro = h("p", { class: "muted small" }, t("Close a finished month to create one payout per advisor with cash owed for it. Finance pays from these records: no money moves on Plein. Sessions that reach us after a month is closed are paid with the next month."));
  const month = h("input", { id: "payout-month", type: "month", value: period, max: lastMonth(), required: true });
  const picker = h(
    "form",
    { class: "row payout-picker" },
    h("div", { class: "field" }, h("label", { for: "payout-month" }, t("Month")), month),
    h("button", { type: "submit", class: "button button-small button-ghost" }, t("Show")),
  );
  picker.addEventListener("submit", (event) => {
    event.preventDefault();
    showPayouts(section, undefined, month.value);
  });
  const result = h("div", { class: "payout-run", "aria-live": "polite", "data-testid": "payout-run" }, loading(t("Loading the payouts…")));
  mount(section, heading, intro, picker, result);
  let run;
  try {
    run = await api.get(`/admin/payouts/${seg(period)}`, { signal });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    mount(result, problemBox(error, t("Could not load the payouts")));
    return;
  }
  mount(result, payoutRun(run, () => showPayouts(section, undefined, period)));
}

function payoutRun(run, reload) {
  const status = run.status === "closed"
    ? h("p", { "data-testid": "payout-status" }, h("strong", {}, t("{period} is closed", { period: run.period })), ` · ${t("{payouts}, {amount} in total · closed {date}", { payouts: plural(run.payouts.length, "{n} payout", "{n} payouts"), amount: money(run.total, run.currency), date: date(run.closed_at) })}`)
    : h("p", { "data-testid": "payout-status" }, h("strong", {}, t("{period} is open", { period: run.period })), ` · ${t("no payouts yet")}`);
  const actions = h("div", { class: "actions" });
  if (run.status === "open") {
    const close = h("button", { type: "button", class: "button" }, t("Close {period}", { period: run.period }));
    close.addEventListener("click", () =>
      busy(close, async () => {
        try {
          await api.post(`/admin/payouts/${seg(run.period)}`);
          toast(t("{period} is closed.", { period: run.period }), "success");
          await reload();
        } catch (error) {
          toast(plainMessage(error), "error");
        }
      }, t("Closing…")),
    );
    actions.append(close);
  } else if (run.payouts.length) {
    const csv = h("button", { type: "button", class: "button button-small button-ghost" }, t("Download CSV for finance"));
    csv.addEventListener("click", () => busy(csv, () => downloadCsv(`/admin/payouts/${seg(run.period)}`, { format: "csv" }, `payouts-${run.period}.csv`), "…"));
    actions.append(csv);
  }
  const table = run.payouts.length
    ? h(
        "table",
        { class: "table payouts" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("Advisor")), h("th", { scope: "col" }, t("Sessions")), h("th", { scope: "col" }, t("Amount")), h("th", { scope: "col" }, t("Payout")))),
        h(
          "tbody",
          {},
          run.payouts.map((p) => h("tr", { "data-advisor": p.advisor_id }, h("td", {}, h("code", {}, p.advisor_id)), h("td", {}, String(p.sessions.length)), h("td", {}, money(p.amount, p.currency)), h("td", {}, h("code", { class: "small" }, p.payout_id)))),
        ),
      )
    : run.status === "closed"
      ? h("p", { class: "muted" }, t("No advisor had cash owed for this month."))
      : null;
  return [status, table, actions];
}
