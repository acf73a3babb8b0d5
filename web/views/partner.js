// The partner portal (#/partner) for the owners of advice programs (vendors, admins): invite codes
// (sent to members by e-mail address), and per program and per advisor over a date range,
// requests, acceptance, response and exchange times, ratings, CSAT, NPS, conversions and revenue
// influenced, with bar charts and a CSV download.

import { api, seg } from "../api.js";
import { session } from "../auth.js";
import { config } from "../config.js";
import { busy, empty, errorBox, field, h, loading, money, mount } from "../ui.js";
import { plural, t } from "../i18n.js";

const DAY_MS = 86_400_000;

export async function render(view, { signal }) {
  const title = h("h1", {}, t("Partner portal"));
  mount(view, title, loading(t("Loading your advice programs…")));
  let programs;
  try {
    programs = (await api.get("/advice/programs", { signal })).items;
  } catch (error) {
    if (error.name === "AbortError" || error.status === 401) throw error;
    const words = error.status === 403 ? t("The partner portal is for vendors and admins who run an advice program.") : t("Could not load your advice programs");
    mount(view, title, errorBox(error, { title: words }));
    return;
  }
  if (!programs.length) {
    mount(view, title, empty(t("You do not run an advice program yet.")));
    return;
  }
  const today = new Date();
  const program = h("select", {}, programs.map((p) => h("option", { value: p.program_id }, p.name)));
  const from = h("input", { type: "date", required: true, value: day(new Date(today.getTime() - 29 * DAY_MS)) });
  const to = h("input", { type: "date", required: true, value: day(today) });
  const show = h("button", { type: "submit", class: "button" }, t("Show report"));
  const download = h("button", { type: "button", class: "button button-ghost" }, t("Download CSV"));
  const problem = h("div", { "aria-live": "polite" });
  const report = h("div", { class: "partner-report", "aria-live": "polite" });
  const form = h(
    "form",
    { class: "edit-form partner-filters" },
    field(t("Program"), program),
    field(t("From"), from),
    field(t("Until (including)"), to),
    h("div", { class: "field partner-buttons" }, h("div", { class: "row" }, show, download)),
  );
  const range = () => {
    if (!from.value || !to.value || from.value > to.value) return null;
    return { from: `${from.value}T00:00:00Z`, to: new Date(Date.parse(`${to.value}T00:00:00Z`) + DAY_MS).toISOString() };
  };
  const checkedRange = () => {
    mount(problem);
    const period = range();
    if (!period) mount(problem, h("p", { class: "field-error" }, t("Please choose a start date on or before the end date.")));
    return period;
  };
  const load = async () => {
    const period = checkedRange();
    if (!period) return;
    mount(report, loading(t("Loading the report…")));
    try {
      const data = await api.get(`/advice/programs/${seg(program.value)}/report`, { query: period });
      const chosen = programs.find((p) => p.program_id === program.value);
      mount(report, reportView(data, chosen));
    } catch (error) {
      mount(report, errorBox(error, { title: t("Could not load the report") }));
    }
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(show, load, t("Loading…"));
  });
  download.addEventListener("click", () =>
    busy(download, async () => {
      const period = checkedRange();
      if (!period) return;
      try {
        await downloadCsv(program.value, period);
      } catch (error) {
        mount(problem, errorBox(error, { title: t("Could not download the CSV") }));
      }
    }, t("Preparing…")),
  );
  mount(view, title, h("section", { class: "card" }, form, problem), inviteCard(program), report);
  await load();
}

// a function, not a constant: the words follow the interface language, loaded after the import
const inviteWords = () => ({
  unknown_invitee: t("No member signed up with some of these addresses"),
  too_few_uses: t("This code cannot be used by that many members"),
  duplicate_invitee: t("A member is on the list twice"),
  expiry_required: t("A code for several members needs an expiry"),
});

/** Create an invite code for the chosen program and send it to members by e-mail address. */
function inviteCard(program) {
  const uses = h("input", { type: "number", min: 1, max: 100000, value: 1, required: true, inputmode: "numeric" });
  const days = h("input", { type: "number", min: 1, max: 365, value: 14, required: true, inputmode: "numeric" });
  const invitees = h("textarea", { rows: 3, placeholder: "ann@example.org, bob@example.org" });
  const create = h("button", { type: "submit", class: "button" }, t("Create code and send invitations"));
  const outcome = h("div", { "aria-live": "polite", "data-testid": "invite-outcome" });
  const form = h(
    "form",
    { class: "edit-form" },
    field(t("How many members may use the code"), uses),
    field(t("Valid for (days)"), days),
    field(t("Invite members"), invitees, t("Their e-mail addresses, separated by commas or new lines (at most 50). Each gets the code in their inbox and by e-mail.")),
    h("div", { class: "field" }, create),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(create, async () => {
      mount(outcome);
      const list = invitees.value.split(/[\s,;]+/).map((item) => item.trim()).filter(Boolean);
      const body = {
        max_uses: Number(uses.value),
        expires_at: new Date(Date.now() + Number(days.value) * DAY_MS).toISOString(),
        invitees: list,
      };
      try {
        const invite = await api.post(`/advice/programs/${seg(program.value)}/invites`, body);
        const sent = list.length ? plural(list.length, " Sent to {n} member.", " Sent to {n} members.") : "";
        mount(
          outcome,
          h("p", { class: "notice" }, t("New code "), h("strong", { class: "invite-code" }, invite.code), `.${sent}`),
          h("p", { class: "hint" }, t("Link for your site: {link}", { link: invite.link })),
        );
        invitees.value = "";
      } catch (error) {
        mount(outcome, errorBox(error, { title: inviteWords()[error.code] || t("Could not create the code") }));
      }
    }, t("Sending…"));
  });
  return h("section", { class: "card" }, h("h2", {}, t("Invite advisors")), form, outcome);
}

function day(moment) {
  return moment.toISOString().slice(0, 10);
}

/** The CSV comes as text/csv, not JSON: fetched here and saved through a temporary link. */
async function downloadCsv(programId, period) {
  const target = new URL(`${config().api_url}/advice/programs/${seg(programId)}/report`);
  for (const [key, value] of Object.entries({ ...period, format: "csv" })) target.searchParams.set(key, value);
  const response = await fetch(target, { headers: { Authorization: `Bearer ${session()?.token}`, Accept: "text/csv" } });
  if (!response.ok) throw new Error(t("The API answered HTTP {status}.", { status: response.status }));
  const url = URL.createObjectURL(await response.blob());
  const a = h("a", { href: url, download: `advice-${programId}-${period.from.slice(0, 10)}.csv`, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

const percent = (share) => (share === null || share === undefined ? "—" : `${Math.round(share * 100)}%`);
const seconds = (ms) => (ms === null || ms === undefined ? "—" : duration(ms / 1000));
const number = (value, digits = 1) => (value === null || value === undefined ? "—" : Number(value).toFixed(digits));

function duration(total) {
  if (total === null || total === undefined) return "—";
  if (total < 60) return `${Math.round(total)} s`;
  return `${Math.floor(total / 60)} min ${Math.round(total % 60)} s`;
}

function reportView(data, program) {
  const kpis = data.program;
  const currency = program?.compensation?.currency || "EUR";
  const advisors = data.advisors;
  return h(
    "div",
    {},
    h("h2", {}, t("{program}: the whole program", { program: program?.name || t("Program") })),
    h(
      "div",
      { class: "stats partner-kpis", "data-testid": "partner-kpis" },
      kpi(t("Questions asked"), String(kpis.requests)),
      kpi(t("Accepted"), `${kpis.accepted} (${percent(kpis.acceptance_rate)})`),
      kpi(
        t("Time to accept (typical · slowest 10%)"),
        kpis.response_ms_median === null ? "—" : `${seconds(kpis.response_ms_median)} · ${seconds(kpis.response_ms_p90)}`,
      ),
      kpi(t("Typical session length"), duration(kpis.exchange_seconds_median)),
      kpi(t("Average rating"), kpis.rating_average === null ? "—" : t("{rating} of 5", { rating: number(kpis.rating_average) })),
      kpi(t("Satisfied shoppers (4–5 stars)"), percent(kpis.csat)),
      kpi("NPS", kpis.nps === null ? "—" : number(kpis.nps, 0)),
      kpi(t("Orders after advice"), `${kpis.conversions} (${percent(kpis.conversion_rate)})`),
      kpi(t("Revenue influenced"), money(kpis.revenue_influenced, currency)),
    ),
    h("h2", {}, t("Per advisor")),
    advisors.length
      ? [
          barChart(t("Questions offered and accepted"), advisors, [
            { label: t("offered"), value: (a) => a.requests, kind: "a" },
            { label: t("accepted"), value: (a) => a.accepted, kind: "b" },
          ]),
          barChart(t("Average rating (out of 5)"), advisors, [{ label: t("rating"), value: (a) => a.rating_average, kind: "a", max: 5, digits: 1 }]),
          barChart(t("Orders after advice"), advisors, [{ label: t("orders"), value: (a) => a.conversions, kind: "b" }]),
          advisorTable(advisors, currency),
        ]
      : empty(t("No advisor had questions in this period.")),
    h("h2", {}, t("What shoppers wrote")),
    kpis.feedback.length ? h("ul", { class: "partner-feedback" }, kpis.feedback.map((text) => h("li", {}, text))) : h("p", { class: "muted" }, t("No written feedback in this period.")),
  );
}

function kpi(label, value) {
  return h("div", { class: "card stat" }, h("p", { class: "muted small" }, label), h("p", { class: "partner-value" }, value));
}

/** Horizontal bars, one group per advisor; widths are set through the CSSOM (the CSP allows no inline styles). */
function barChart(title, advisors, series) {
  const max = Math.max(1, ...series.map((s) => s.max ?? 0), ...advisors.flatMap((a) => series.map((s) => Number(s.value(a) ?? 0))));
  const legend = series.length > 1 ? h("p", { class: "partner-legend small" }, series.map((s) => h("span", { class: `partner-key partner-bar-${s.kind}` }, s.label))) : null;
  return h(
    "figure",
    { class: "card partner-chart" },
    h("figcaption", {}, title),
    legend,
    h(
      "dl",
      { class: "partner-bars" },
      advisors.map((advisor) => [
        h("dt", {}, advisor.advisor_name),
        h(
          "dd",
          {},
          series.map((s) => {
            const value = s.value(advisor);
            const bar = h("span", { class: `partner-bar partner-bar-${s.kind}` });
            bar.style.width = `${(Number(value ?? 0) / max) * 100}%`;
            return h(
              "span",
              { class: "partner-bar-row", "aria-label": `${s.label}: ${value ?? t("none")}` },
              h("span", { class: "partner-bar-track", "aria-hidden": "true" }, bar),
              h("span", { class: "partner-bar-value" }, value === null || value === undefined ? "—" : number(value, s.digits ?? 0)),
            );
          }),
        ),
      ]),
    ),
  );
}

function advisorTable(advisors, currency) {
  const columns = [
    [t("Advisor"), (a) => a.advisor_name],
    [t("Questions"), (a) => String(a.requests)],
    [t("Accepted"), (a) => `${a.accepted} (${percent(a.acceptance_rate)})`],
    [t("Time to accept"), (a) => seconds(a.response_ms_median)],
    [t("Session length"), (a) => duration(a.exchange_seconds_median)],
    [t("Rating"), (a) => number(a.rating_average)],
    ["CSAT", (a) => percent(a.csat)],
    ["NPS", (a) => number(a.nps, 0)],
    [t("Orders"), (a) => `${a.conversions} (${percent(a.conversion_rate)})`],
    [t("Revenue"), (a) => money(a.revenue_influenced, currency)],
  ];
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "table partner-table" },
      h("caption", { class: "visually-hidden" }, t("Figures per advisor")),
      h("thead", {}, h("tr", {}, columns.map(([label]) => h("th", { scope: "col" }, label)))),
      h("tbody", {}, advisors.map((a) => h("tr", {}, columns.map(([label, value]) => h("td", { "data-label": label }, value(a)))))),
    ),
  );
}
