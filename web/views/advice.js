// The advisor console (#/advice; #/advice?code=CODE fills in an invite code): join a program with
// an invite code, take its tests (multiple choice, scenarios, motivation) with feedback on a
// failed try, fill in the profile and confirm the knowledge base; then go online, away or
// offline, accept or decline incoming questions, chat and video with shoppers, and see earnings.

import { AdviceSocket, adviceAvailable } from "../advice_socket.js";
import { api, seg } from "../api.js";
import { busy, date, empty, errorBox, field, h, loading, money, mount, toast } from "../ui.js";
import { dateLocale, formatNumber, plural, t } from "../i18n.js";
import { refusal, sessionPanel } from "./advice_session.js";

// Tables of texts are built when asked (not at import), so that they are in the chosen language.
const dayNames = () => ({ mon: t("Mon"), tue: t("Tue"), wed: t("Wed"), thu: t("Thu"), fri: t("Fri"), sat: t("Sat"), sun: t("Sun") });
const presenceLabels = () => ({ online: t("Online"), away: t("Away"), offline: t("Offline") });
const presenceTexts = () => ({
  online: t("You are online: new questions come to you."),
  away: t("You are away: no new questions, your running sessions go on."),
  offline: t("You are offline."),
});
/** Numbers and times as the current language writes them (English as in the UK). */

export async function render(view, { query, signal }) {
  const title = h("h1", {}, t("Advisor console"));
  mount(view, title, loading(t("Loading your advisor profile…")));
  let me = null;
  try {
    me = await api.get("/advice/advisors/me", { signal });
  } catch (error) {
    if (error.name === "AbortError" || error.status === 401) throw error;
    if (error.status !== 404) {
      mount(view, title, errorBox(error, { title: t("Could not load your advisor profile") }));
      return;
    }
  }
  const approved = Boolean(me?.profile.programs.length);
  const join = h("section", { class: "card advice-card", "aria-labelledby": "join-title" });
  showJoin(join, query.get("code") || "", me);
  if (!approved) {
    mount(view, title, h("p", {}, t("Help other shoppers choose well and earn for every rated session. Join an advice program with the invite code you received.")), join);
    return;
  }
  const live = h("section", { class: "card advice-card", "aria-labelledby": "live-title" });
  const earnings = h("section", { class: "card advice-card", "aria-labelledby": "earnings-title" });
  const profile = h("section", { class: "card advice-card", "aria-labelledby": "profile-title" });
  mount(view, title, live, earnings, profile, join);
  showLive(live, signal);
  showProfile(profile, me.profile, () => toast(t("Your profile is saved."), "success"));
  await showEarnings(earnings, signal);
}

// ---------------------------------------------------------------- going live

function showLive(box, signal) {
  if (!adviceAvailable()) {
    mount(box, h("h2", { id: "live-title" }, t("Live advice")), h("p", { class: "muted" }, t("Live advice is not available on this site yet.")));
    return;
  }
  const socket = new AdviceSocket();
  signal.addEventListener("abort", () => socket.close(), { once: true });
  const labels = presenceLabels();
  const texts = presenceTexts();
  const status = h("p", { class: "advice-presence", "data-testid": "advice-presence", role: "status" }, texts.offline);
  const connection = h("p", { class: "muted small", "aria-live": "polite" });
  const problem = h("div", { "aria-live": "polite" });
  const offers = h("ul", { class: "advice-offers", "aria-label": t("Questions for you") });
  const noOffers = h("p", { class: "muted" }, t("No questions for you right now."));
  const sessions = h("div", { class: "advice-sessions" });
  const buttons = Object.entries(labels).map(([value, label]) =>
    h("button", { type: "button", class: "button button-ghost", "aria-pressed": value === "offline" ? "true" : "false", onclick: () => socket.send("presence", { status: value }) }, label),
  );
  const offerCards = new Map();
  let pending = null; // the offer last accepted or declined: {requestId, retry()}
  const dropOffer = (requestId, text) => {
    const card = offerCards.get(requestId);
    if (!card) return;
    offerCards.delete(requestId);
    card.remove();
    if (text) toast(text);
    noOffers.hidden = offerCards.size > 0;
  };

  socket.on("presence", (frame) => {
    status.textContent = texts[frame.status] || frame.status;
    status.dataset.status = frame.status;
    buttons.forEach((b, i) => b.setAttribute("aria-pressed", String(Object.keys(labels)[i] === frame.status)));
    mount(problem);
  });
  socket.on("connection", (frame) => {
    connection.textContent = frame.state === "lost" ? t("The connection dropped; reconnecting…") : frame.state === "signed_out" ? t("Please sign in again.") : "";
  });
  socket.on("offer", (frame) => {
    if (offerCards.has(frame.request_id)) return;
    const card = offerCard(frame, socket, (answered) => {
      pending = answered;
    });
    offerCards.set(frame.request_id, card);
    offers.append(card);
    noOffers.hidden = true;
  });
  socket.on("offer_withdrawn", (frame) => dropOffer(frame.request_id, t("A question for you is no longer open.")));
  socket.on("taken", (frame) => dropOffer(frame.request_id, t("Another advisor was faster with this question.")));
  socket.on("declined", (frame) => dropOffer(frame.request_id, null));
  socket.on("matched", (frame) => {
    dropOffer(frame.request_id, null);
    const ended = h("div", { "aria-live": "polite" });
    const panel = sessionPanel({
      socket,
      matched: frame,
      onEnded: () =>
        mount(
          ended,
          h("p", { class: "notice" }, t("This session has ended. The shopper can now rate it.")),
          h("button", { type: "button", class: "button button-ghost", onclick: () => { panel.destroy(); wrapper.remove(); } }, t("Close")),
        ),
    });
    const wrapper = h("div", { class: "advice-session-wrap" }, panel.el, ended);
    sessions.append(wrapper);
  });
  socket.on("error", (frame) => {
    if (["presence", "accept", "decline"].includes(frame.action)) {
      mount(problem, h("p", { class: "error", role: "alert" }, refusal(frame)));
      if (pending && frame.action !== "presence") {
        if (frame.code === "request_not_found" || frame.code === "not_offered") dropOffer(pending.requestId, null);
        else pending.retry();
        pending = null;
      }
    }
  });
  socket.open();

  mount(
    box,
    h("h2", { id: "live-title" }, t("Live advice")),
    h("div", { class: "advice-presence-buttons", role: "group", "aria-label": t("Your status") }, buttons),
    status,
    connection,
    problem,
    h("h3", {}, t("Questions for you")),
    noOffers,
    offers,
    sessions,
  );
}

/** An offer with Accept and Decline; `onAnswer({requestId, retry})` learns which was answered last. */
function offerCard(offer, socket, onAnswer) {
  const product = offer.product || {};
  const accept = h("button", { type: "button", class: "button" }, t("Accept"));
  const decline = h("button", { type: "button", class: "button button-ghost" }, t("Decline"));
  const answer = (action) => {
    accept.disabled = decline.disabled = true;
    onAnswer({ requestId: offer.request_id, retry: () => { accept.disabled = decline.disabled = false; } });
    socket.send(action, { request_id: offer.request_id });
  };
  accept.addEventListener("click", () => answer("accept"));
  decline.addEventListener("click", () => answer("decline"));
  return h(
    "li",
    { class: "card advice-offer", "data-request": offer.request_id },
    h("p", { class: "advice-offer-kind" }, h("span", { class: "chip" }, offer.mode === "video" ? t("Video call") : t("Chat")), " ", h("span", { class: "chip" }, (offer.language || "").toUpperCase())),
    product.title ? h("p", {}, t("About "), h("strong", {}, product.title)) : null,
    h("p", { class: "advice-question" }, `“${offer.question}”`),
    offer.topics?.length ? h("p", { class: "muted small" }, t("Topics: {topics}", { topics: offer.topics.join(", ") })) : null,
    offer.expires_at ? h("p", { class: "muted small" }, t("Answer before {time}", { time: new Date(offer.expires_at).toLocaleTimeString(dateLocale()) })) : null,
    h("div", { class: "actions" }, decline, accept),
  );
}

// ---------------------------------------------------------------- earnings

async function showEarnings(box, signal) {
  const heading = h("h2", { id: "earnings-title" }, t("Your earnings"));
  const refresh = h("button", { type: "button", class: "button button-ghost button-small" }, t("Refresh"));
  refresh.addEventListener("click", () => busy(refresh, () => showEarnings(box), t("Loading…")));
  mount(box, heading, loading(t("Loading your earnings…")));
  let earned;
  try {
    earned = await api.get("/advice/advisors/me/earnings", { signal });
  } catch (error) {
    if (error.name === "AbortError") return;
    mount(box, heading, errorBox(error, { title: t("Could not load your earnings") }));
    return;
  }
  mount(
    box,
    h("div", { class: "page-head" }, heading, refresh),
    h(
      "div",
      { class: "stats" },
      stat(t("Points"), formatNumber(earned.points)),
      stat(t("Money"), money(earned.cash, earned.currency)),
      stat(t("Rated sessions"), String(earned.sessions)),
    ),
    earned.items.length
      ? h(
          "ul",
          { class: "ledger" },
          earned.items.map((item) =>
            h(
              "li",
              { class: "ledger-entry" },
              h("span", {}, date(item.earned_at)),
              h("span", { class: "ledger-points" }, item.kind === "cash" ? money(item.cash, earned.currency) : plural(item.points, "{n} point", "{n} points")),
            ),
          ),
        )
      : empty(t("You earn for every session a shopper rates.")),
    cashStatement(),
  );
}

/** The cash statement of one month (rewards: /rewards/me/advice-statement): each cash session
 * with whether a payout covers it. Finance pays from the payouts once an admin closes the month. */
function cashStatement() {
  const box = h("div", { class: "cash-statement", "aria-live": "polite", "data-testid": "cash-statement" });
  const now = new Date();
  const month = h("input", { id: "statement-month", type: "month", value: now.toISOString().slice(0, 7) });
  const show = async () => {
    mount(box, loading(t("Loading the statement…")));
    try {
      const st = await api.get("/rewards/me/advice-statement", { query: { period: month.value } });
      const cash = st.items.filter((item) => item.cash > 0);
      mount(
        box,
        h("p", {}, t("{cash} cash for {period}, of which {paid} paid.", { cash: money(st.cash, st.currency), period: st.period, paid: money(st.cash_paid, st.currency) })),
        cash.length
          ? h(
              "ul",
              { class: "ledger" },
              cash.map((item) =>
                h(
                  "li",
                  { class: "ledger-entry", "data-session": item.session_id },
                  h("span", {}, date(item.at)),
                  h("span", { class: "ledger-points" }, money(item.cash, st.currency)),
                  item.paid
                    ? h("span", { class: "statement-paid" }, t("Paid (payout {payout})", { payout: item.payout_id }))
                    : h("span", { class: "muted small" }, t("Not paid yet: paid with {period}", { period: item.pay_period || st.period })),
                ),
              ),
            )
          : h("p", { class: "muted small" }, t("No cash sessions this month.")),
      );
    } catch (error) {
      mount(box, errorBox(error, { title: t("Could not load the statement") }));
    }
  };
  month.addEventListener("change", show);
  show();
  return h("div", { class: "cash-statements" }, h("h3", {}, t("Cash statement")), field(t("Month"), month), box);
}

function stat(label, value) {
  return h("div", { class: "card stat" }, h("p", { class: "muted small" }, label), h("p", { class: "balance" }, value));
}

// ---------------------------------------------------------------- the profile

function showProfile(box, profile, onSaved, { titled = true } = {}) {
  const heading = titled ? h("h2", { id: "profile-title" }, t("Your advisor profile")) : null;
  const name = h("input", { type: "text", maxlength: "200", required: true, value: profile?.display_name || "" });
  const expertise = h("input", { type: "text", required: true, value: (profile?.expertise || []).join(", "), placeholder: t("coffee, cycling, audio") });
  const languages = h("input", { type: "text", required: true, value: (profile?.languages || ["nl"]).join(", "), placeholder: "nl, en" });
  const bio = h("textarea", { rows: "3", maxlength: "2000" }, profile?.bio || "");
  const photo = h("input", { type: "url", value: profile?.photo_url || "", placeholder: "https://…" });
  const first = profile?.availability?.[0];
  const days = new Set((profile?.availability || []).map((a) => a.day));
  const dayBoxes = Object.entries(dayNames()).map(([value, label]) =>
    h("label", { class: "advice-choice" }, h("input", { type: "checkbox", value, checked: days.has(value) }), label),
  );
  const start = h("input", { type: "time", value: first?.start || "09:00" });
  const end = h("input", { type: "time", value: first?.end === "24:00" ? "23:59" : first?.end || "21:00" });
  const save = h("button", { type: "submit", class: "button" }, t("Save profile"));
  const problem = h("div", { "aria-live": "polite" });
  const list = (text) => text.split(/[,\s]+/).map((word) => word.trim().toLowerCase()).filter(Boolean);
  const form = h(
    "form",
    { class: "advice-profile" },
    field(t("Name shoppers see"), name),
    field(t("What you know well"), expertise, t("Words separated by commas, for example: coffee, espresso, kitchen")),
    field(t("Languages you advise in"), languages, t("Two-letter codes separated by commas, for example: nl, en")),
    field(t("About you (optional)"), bio),
    field(t("Photo address (optional)"), photo),
    h("fieldset", { class: "advice-days" }, h("legend", {}, t("When you are usually available")), dayBoxes, h("div", { class: "row" }, field(t("From"), start), field(t("Until"), end))),
    problem,
    h("div", { class: "actions" }, save),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = {
      display_name: name.value.trim(),
      expertise: list(expertise.value),
      languages: list(languages.value),
      bio: bio.value.trim(),
      photo_url: photo.value.trim() || null,
      availability: dayBoxes.map((l) => l.querySelector("input")).filter((i) => i.checked).map((i) => ({ day: i.value, start: start.value, end: end.value })),
    };
    busy(save, async () => {
      try {
        const saved = await api.put("/advice/advisors/me", body);
        mount(problem);
        onSaved(saved);
      } catch (error) {
        mount(problem, errorBox(error, { title: t("Could not save your profile") }));
      }
    }, t("Saving…"));
  });
  mount(box, heading, form);
}

// ---------------------------------------------------------------- joining a program

function showJoin(box, code, me) {
  const heading = h("h2", { id: "join-title" }, me?.profile.programs.length ? t("Join another program") : t("Join an advice program"));
  const input = h("input", { type: "text", required: true, value: code, pattern: "[A-Za-z0-9-]{4,40}", autocomplete: "off" });
  const start = h("button", { type: "submit", class: "button" }, t("Continue"));
  const problem = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "edit-form" }, field(t("Invite code"), input), h("div", { class: "field" }, start));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(start, async () => {
      try {
        const application = await api.post("/advice/applications", { invite_code: input.value.trim() });
        showApplication(box, application, me);
      } catch (error) {
        const words = {
          invite_not_found: t("We do not know this invite code. Please check it."),
          invite_expired: t("This invite code has expired. Ask the program for a new one."),
          invite_used_up: t("This invite code has been used up. Ask the program for a new one."),
        };
        mount(problem, errorBox(error, { title: words[error.code] || t("Could not use this invite code") }));
      }
    }, t("Checking…"));
  });
  mount(box, heading, form, problem);
}

function showApplication(box, application, me) {
  const heading = h("h2", { id: "join-title" }, application.program_name);
  if (application.status === "approved") {
    mount(box, heading, h("p", { class: "notice success-box" }, t("You are an advisor of this program.")), h("a", { class: "button", href: "#/advice", onclick: rerender }, t("Go to the console")));
    return;
  }
  if (application.status === "passed") {
    showConfirm(box, heading, application, me);
    return;
  }
  showTest(box, heading, application, me);
}

function rerender() {
  window.dispatchEvent(new Event("plein:rerender"));
}

function showTest(box, heading, application, me, feedback = null) {
  const waitUntil = application.retry_at && new Date(application.retry_at) > new Date() ? application.retry_at : null;
  const intro = h(
    "p",
    {},
    `${t("Answer the questions below. You pass with {mark}% of the multiple-choice questions right and good answers to the situations.", { mark: Math.round(application.pass_mark * 100) })} `,
    t("Tries left: {n}.", { n: application.attempts_left }),
  );
  if (!application.attempts_left || waitUntil) {
    mount(
      box,
      heading,
      feedback,
      h("p", { class: "notice warn-box" }, application.attempts_left ? t("You can try again from {date}.", { date: date(waitUntil) }) : t("You have used all your tries for this program.")),
    );
    return;
  }
  const knowledge = application.knowledge.map((q, i) =>
    h(
      "fieldset",
      { class: "advice-question-set" },
      h("legend", {}, `${i + 1}. ${q.text}`),
      q.choices.map((choice, c) => h("label", { class: "advice-choice advice-choice-block" }, h("input", { type: "radio", name: `kq-${i}`, value: String(c), required: true }), choice)),
    ),
  );
  const scenarios = application.communication.map((s) => field(s.prompt, h("textarea", { rows: "3", maxlength: "4000", required: true })));
  const motivation = application.motivation.map((m) => field(m, h("textarea", { rows: "3", maxlength: "4000", required: true })));
  const submit = h("button", { type: "submit", class: "button" }, t("Send my answers"));
  const problem = h("div", { "aria-live": "polite" });
  const form = h(
    "form",
    { class: "advice-test" },
    knowledge.length ? [h("h3", {}, t("What you know")), knowledge] : null,
    scenarios.length ? [h("h3", {}, t("How you would answer")), scenarios] : null,
    motivation.length ? [h("h3", {}, t("Why you want to advise")), motivation] : null,
    problem,
    h("div", { class: "actions" }, submit),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const answers = {
      knowledge: application.knowledge.map((_, i) => Number(form.querySelector(`input[name="kq-${i}"]:checked`)?.value ?? -1)),
      communication: scenarios.map((f) => f.querySelector("textarea").value.trim()),
      motivation: motivation.map((f) => f.querySelector("textarea").value.trim()),
    };
    busy(submit, async () => {
      try {
        const result = await api.post(`/advice/applications/${seg(application.application_id)}/answers`, answers);
        const fresh = await api.get(`/advice/applications/${seg(application.application_id)}`);
        if (result.passed) showConfirm(box, heading, fresh, me, h("p", { class: "notice success-box" }, t("Well done, you passed the tests.")));
        else showTest(box, heading, fresh, me, failed(result, application));
      } catch (error) {
        const words = { retry_later: t("Please wait before trying again."), no_attempts_left: t("You have used all your tries."), answers_incomplete: t("Please answer every question.") };
        mount(problem, errorBox(error, { title: words[error.code] || t("Could not send your answers") }));
      }
    }, t("Sending…"));
  });
  mount(box, heading, feedback, intro, form);
}

function failed(result, application) {
  const questions = new Map(application.knowledge.map((q) => [q.question_id, q.text]));
  const scenarios = new Map(application.communication.map((s) => [s.scenario_id, s.prompt]));
  return h(
    "div",
    { class: "notice warn-box advice-feedback", role: "alert", "data-testid": "advice-feedback" },
    h("p", {}, h("strong", {}, t("Not passed this time.")), ` ${t("You had {score}% right; you need {mark}%.", { score: Math.round(result.knowledge_score * 100), mark: Math.round(result.pass_mark * 100) })}`),
    result.wrong_questions.length ? [h("p", {}, t("Have another look at:")), h("ul", {}, result.wrong_questions.map((id) => h("li", {}, questions.get(id) || id)))] : null,
    result.weak_scenarios.length
      ? [h("p", {}, t("Your answers to these situations could be more helpful (thank the shopper, explain why you recommend something):")), h("ul", {}, result.weak_scenarios.map((id) => h("li", {}, scenarios.get(id) || id)))]
      : null,
    result.missing_motivation ? h("p", {}, t("Please tell us in your own words why you want to advise.")) : null,
    h("p", {}, result.next_step),
  );
}

function showConfirm(box, heading, application, me, banner = null) {
  const profileBox = h("div", { class: "advice-profile-step" });
  const profileDone = h("p", { class: "ok", hidden: !me }, t("Your profile is saved."));
  showProfile(
    profileBox,
    me?.profile,
    () => {
      profileDone.hidden = false;
    },
    { titled: false },
  );
  const articles = application.articles.map((a) => h("details", { class: "advice-article" }, h("summary", {}, a.title), h("p", {}, a.body)));
  const read = h("input", { type: "checkbox", required: true });
  const confirm = h("button", { type: "submit", class: "button" }, t("Become an advisor"));
  const problem = h("div", { "aria-live": "polite" });
  const form = h(
    "form",
    { class: "advice-confirm" },
    h("label", { class: "advice-choice" }, read, t("I have read the articles above and will follow them.")),
    problem,
    h("div", { class: "actions" }, confirm),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(confirm, async () => {
      try {
        const done = await api.patch(`/advice/applications/${seg(application.application_id)}`, { knowledge_base_confirmed: true });
        showApplication(box, done, me);
        toast(t("Welcome! You are now an advisor."), "success");
      } catch (error) {
        const words = { profile_incomplete: t("Please save your profile first."), tests_not_passed: t("Please pass the tests first.") };
        mount(problem, errorBox(error, { title: words[error.code] || t("Could not finish joining") }));
      }
    }, t("Saving…"));
  });
  mount(
    box,
    heading,
    banner,
    h("h3", {}, t("1. Your profile")),
    profileDone,
    profileBox,
    h("h3", {}, t("2. The knowledge base")),
    articles.length ? articles : h("p", { class: "muted" }, t("This program has no articles.")),
    form,
  );
}
