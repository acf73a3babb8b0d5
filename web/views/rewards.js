// The member's rewards (#/rewards; #/join?ref=CODE opens it with a friend's code to claim):
// balance, journey stage and what is left to the next, the daily visit, rewards to redeem (an
// Idempotency-Key per redemption; a gift card's code shown once), gift cards, perks, the paged
// ledger, and referrals (my link and code, my friends' statuses, claiming a friend's code).

import { api } from "../api.js";
import { busy, date, empty, field, h, loading, money, mount, pagedLoader, toast } from "../ui.js";
import { STAGES, copyButton, plainMessage, problemBox, stageName, words } from "./rewards_shared.js";
import { formatNumber, plural, t } from "../i18n.js";

// functions, not constants: the words follow the interface language, loaded after the import
const kindNames = () => ({ earn: t("Earned"), redeem: t("Redeemed"), expire: t("Expired"), adjust: t("Correction"), reverse: t("Taken back") });

/** Why a friend's invitation earned nothing, as the whole sentence after "A friend who joined on …: ". */
const refusals = () => ({
  self_referral: t("no points, because they used their own code."),
  self_referral_email: t("no points, because they signed up with your e-mail address."),
  referee_not_new: t("no points, because they had already ordered before using your code."),
  order_below_minimum: t("no points, because their first order was below the minimum order value."),
  first_order_returned: t("no points, because they returned their first order."),
  first_order_cancelled: t("no points, because they cancelled their first order."),
  monthly_cap_reached: t("no points, because you reached this month's limit of paid invitations."),
});

const points = (n) => (Math.abs(n) === 1 ? t("{n} point", { n: formatNumber(n) }) : t("{n} points", { n: formatNumber(n) }));

export async function render(view, { query, signal }) {
  const title = h("h1", {}, t("Your rewards"));
  mount(view, title, loading(t("Loading your rewards…")));
  let me;
  try {
    me = await api.get("/rewards/me", { signal });
  } catch (error) {
    if (error.name === "AbortError" || error.status === 401) throw error;
    mount(view, title, problemBox(error, t("Could not load your rewards")));
    return;
  }
  const summary = h("section", { class: "card rewards-summary", "aria-labelledby": "balance-title" });
  const catalog = h("section", { class: "rewards-section", "aria-labelledby": "catalog-title" });
  const mine = h("section", { class: "rewards-section", "aria-labelledby": "mine-title" });
  const referrals = h("section", { class: "card rewards-section", "aria-labelledby": "referral-title" });
  const ledger = h("section", { class: "rewards-section", "aria-labelledby": "ledger-title" });
  // visitNote outlives the summary's redraws, so the check-in message stays after the refresh.
  const state = { me, refresh: null, redrawCatalog: null, visitNote: h("div", { class: "visit", "aria-live": "polite" }) };

  const showSummary = () => mount(summary, summaryContent(state));
  const reload = async () => {
    state.me = await api.get("/rewards/me");
    showSummary();
    state.redrawCatalog?.();
    await Promise.all([showMine(mine), showLedger(ledger)]);
  };
  state.refresh = () => reload().catch((error) => toast(plainMessage(error), "error"));

  showSummary();
  mount(view, title, summary, catalog, mine, referrals, ledger);
  await Promise.all([
    showCatalog(catalog, state, signal),
    showMine(mine, signal),
    showReferrals(referrals, me, query.get("ref"), signal),
    showLedger(ledger, signal),
  ]);
}

// ---------------------------------------------------------------- balance, stage, visits

function summaryContent(state) {
  const { me, visitNote: visit } = state;
  const checkIn = h("button", { type: "button", class: "button button-ghost" }, t("Check in for today"));
  checkIn.addEventListener("click", () =>
    busy(checkIn, async () => {
      try {
        const result = await api.post("/rewards/visits", {});
        mount(
          visit,
          h(
            "p",
            { class: "ok" },
            result.points
              ? `${t("Thanks for coming back: +{points}.", { points: points(result.points) })} ${plural(result.streak, "You have visited {n} day in a row.", "You have visited {n} days in a row.")}`
              : t("Today's visit is already counted. Come back tomorrow to keep your streak."),
          ),
        );
        if (result.points) state.refresh();
      } catch (error) {
        mount(visit, problemBox(error, t("Your visit was not counted")));
      }
    }),
  );
  return [
    h(
      "div",
      { class: "balance-row" },
      h(
        "div",
        {},
        h("h2", { id: "balance-title", class: "muted small" }, t("Your balance")),
        h("p", { class: "balance", "data-testid": "balance" }, points(me.balance)),
      ),
      h(
        "div",
        {},
        h("h2", { class: "muted small" }, t("Your stage")),
        h("p", { class: "stage-name", "data-testid": "stage" }, stageName(me.stage)),
      ),
    ),
    stageLadder(me.stage),
    progressBlock(me),
    h(
      "div",
      { class: "visit-row" },
      h("p", { class: "muted small" }, me.streak ? plural(me.streak, "Visit streak: {n} day in a row.", "Visit streak: {n} days in a row.") : t("Visit every day to earn a few extra points.")),
      checkIn,
    ),
    visit,
  ];
}

function stageLadder(current) {
  const rank = STAGES.indexOf(current);
  return h(
    "ol",
    { class: "stage-ladder", "aria-label": t("Journey stages") },
    STAGES.map((stage, i) =>
      h("li", { class: i < rank ? "done" : i === rank ? "current" : "", "aria-current": i === rank ? "step" : null }, stageName(stage)),
    ),
  );
}

function progressBlock(me) {
  const progress = me.progress;
  if (!progress.next_stage) {
    return h("p", { class: "notice" }, t("You have reached the top stage. Thank you for being an ambassador of Plein!"));
  }
  const parts = [
    ["purchases", (n) => plural(n, "{n} more delivered order", "{n} more delivered orders")],
    ["contributions", (n) => plural(n, "{n} more contribution (reviews, answers, ideas)", "{n} more contributions (reviews, answers, ideas)")],
    ["referrals", (n) => plural(n, "{n} more friend invited who ordered", "{n} more friends invited who ordered")],
  ].filter(([key]) => progress[key] && progress[key].need > 0);
  const need = parts.reduce((n, [key]) => n + progress[key].need, 0);
  const have = parts.reduce((n, [key]) => n + Math.min(progress[key].have, progress[key].need), 0);
  const percent = need ? Math.round((100 * have) / need) : 100;
  const left = parts.filter(([key]) => progress[key].left > 0);
  return h(
    "div",
    { class: "stage-progress" },
    h("p", { id: "progress-label" }, t("Progress to {stage}: {percent}%", { stage: stageName(progress.next_stage), percent })),
    h("progress", { max: "100", value: String(percent), "aria-labelledby": "progress-label", "data-testid": "stage-progress" }),
    left.length
      ? h(
          "ul",
          { class: "plain small", "data-testid": "what-is-left" },
          left.map(([key, more]) => {
            const { have: got, need: wanted, left: missing } = progress[key];
            return h("li", {}, t("{more} (you have {have} of {need})", { more: more(missing), have: got, need: wanted }));
          }),
        )
      : h("p", { class: "small" }, t("You have done everything for the next stage; it is applied with your next activity.")),
    h("p", { class: "muted small" }, t("Counted over the last 12 months.")),
    me.downgrade_check_at
      ? h("p", { class: "muted small" }, t("Your stage is kept at least until {date}; then it follows your activity.", { date: date(me.downgrade_check_at) }))
      : null,
  );
}

// ---------------------------------------------------------------- catalog and redemptions

function rewardDescription(reward) {
  const amount = money(reward.amount, reward.currency);
  if (reward.kind === "gift_card") return t("A gift card worth {amount}.", { amount });
  if (reward.kind === "perk") return t("{perk} for {days} days.", { perk: words(reward.entitlement), days: reward.duration_days });
  if (reward.kind === "charity") return t("We give {amount} to {partner} for you.", { amount, partner: reward.partner });
  return t("A {amount} voucher from {partner}.", { amount, partner: reward.partner });
}

async function showCatalog(section, state, signal) {
  const heading = h("h2", { id: "catalog-title" }, t("Rewards for your points"));
  mount(section, heading, loading(t("Loading rewards…")));
  let catalog;
  try {
    catalog = await api.get("/rewards/catalog", { signal });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    mount(section, heading, problemBox(error, t("Could not load the rewards")));
    return;
  }
  const result = h("div", { class: "redeem-result", "aria-live": "polite" });
  const list = h("ul", { class: "reward-list" });
  const draw = () =>
    mount(list, catalog.items.length ? catalog.items.map((reward) => rewardCard(reward, state, result, draw)) : h("li", {}, empty(t("No rewards are offered right now."))));
  draw();
  state.redrawCatalog = draw;
  mount(section, heading, result, list);
}

function rewardCard(reward, state, result, redraw) {
  const balance = state.me.balance;
  const short = reward.points - balance;
  const actions = h("div", { class: "reward-actions" });
  const offer = () => {
    const button = h("button", { type: "button", class: "button", disabled: short > 0, "data-reward": reward.reward_id }, t("Redeem for {points}", { points: points(reward.points) }));
    button.addEventListener("click", () => confirm());
    mount(actions, short > 0 ? h("p", { class: "muted small" }, t("{points} more needed", { points: points(short) })) : null, button);
  };
  // One intended redemption = one Idempotency-Key: a double click or a retry after a lost answer
  // reuses it, so points are spent once; the key is dropped once the API has answered.
  let key = null;
  const confirm = () => {
    key = key || crypto.randomUUID();
    const yes = h("button", { type: "button", class: "button" }, t("Yes, redeem"));
    const no = h("button", { type: "button", class: "button button-ghost" }, t("Cancel"));
    no.addEventListener("click", () => {
      key = null;
      offer();
    });
    yes.addEventListener("click", () =>
      busy(yes, async () => {
        no.disabled = true;
        try {
          const redemption = await api.post("/rewards/redemptions", { reward_id: reward.reward_id }, { headers: { "Idempotency-Key": key } });
          key = null;
          state.me = { ...state.me, balance: redemption.balance };
          mount(result, redeemed(reward, redemption));
          redraw();
          state.refresh();
          result.querySelector("h3")?.focus();
        } catch (error) {
          if (error.code !== "network") key = null;
          mount(result, problemBox(error, error.code === "network" ? t("No answer yet: trying again is safe, you will not pay twice") : t("{title} was not redeemed", { title: reward.title })));
          no.disabled = false;
        }
      }, t("Redeeming…")),
    );
    mount(actions, h("p", { class: "small" }, t("Spend {points} on {title}?", { points: points(reward.points), title: reward.title })), h("div", { class: "row" }, yes, no));
    yes.focus();
  };
  offer();
  return h(
    "li",
    { class: "card reward" },
    h("h3", {}, reward.title),
    h("p", { class: "small" }, rewardDescription(reward)),
    h("p", { class: "reward-points" }, points(reward.points)),
    actions,
  );
}

function redeemed(reward, redemption) {
  const title = h("h3", { tabindex: "-1" }, t("You redeemed {title}", { title: reward.title }));
  const left = h("p", {}, t("{spent} spent; {left} left.", { spent: points(redemption.points), left: points(redemption.balance) }));
  const card = redemption.gift_card;
  if (card && card.code) {
    const code = h("input", { class: "gift-code", readonly: true, value: card.code, "aria-label": t("Gift card code"), "data-testid": "gift-code" });
    return h(
      "div",
      { class: "notice success-box gift-once", role: "alert" },
      title,
      left,
      h("p", { class: "save-now" }, h("strong", {}, t("Save this code now.")), ` ${t("It is shown only this once: we keep only its last four characters, so we cannot show it again.")}`),
      h("div", { class: "code-row" }, code, copyButton(t("Copy code"), () => card.code, code)),
      h("p", { class: "small" }, t("Worth {amount}. Enter it at checkout to pay with it; what is left stays on the card.", { amount: money(card.balance, card.currency) })),
    );
  }
  if (card) {
    return h("div", { class: "notice warn-box", role: "alert" }, title, left, h("p", {}, t("This redemption was already made; its code was shown then (the card ending in {last4}).", { last4: card.last4 })));
  }
  const extra = redemption.entitlement
    ? t("{perk} is on until {date}.", { perk: words(redemption.entitlement.name), date: date(redemption.entitlement.expires_at) })
    : redemption.partner
      ? t("{amount} for {partner}. Thank you!", { amount: money(redemption.amount, redemption.currency), partner: redemption.partner })
      : null;
  return h("div", { class: "notice success-box", role: "alert" }, title, left, extra ? h("p", {}, extra) : null);
}

// ---------------------------------------------------------------- gift cards and perks

async function showMine(section, signal) {
  const heading = h("h2", { id: "mine-title" }, t("Your gift cards and perks"));
  try {
    const [cards, perks] = await Promise.all([api.get("/rewards/me/gift-cards", { signal }), api.get("/rewards/me/entitlements", { signal })]);
    mount(
      section,
      heading,
      cards.items.length || perks.items.length
        ? h(
            "ul",
            { class: "plain mine" },
            cards.items.map((c) =>
              h("li", {}, h("strong", {}, t("Gift card ending in {last4}", { last4: c.last4 })), `: ${t("{balance} left of {initial}", { balance: money(c.balance, c.currency), initial: money(c.initial, c.currency) })}`, h("span", { class: "muted small" }, ` · ${t("issued {date}", { date: date(c.issued_at) })}`)),
            ),
            perks.items.map((p) => h("li", {}, h("strong", {}, words(p.name)), ` ${t("until {date}", { date: date(p.expires_at) })}`)),
          )
        : h("p", { class: "muted" }, t("No gift cards or perks yet: redeem your points above.")),
    );
  } catch (error) {
    if (error.name === "AbortError") throw error;
    mount(section, heading, problemBox(error, t("Could not load your gift cards and perks")));
  }
}

// ---------------------------------------------------------------- ledger

async function showLedger(section, signal) {
  const heading = h("h2", { id: "ledger-title" }, t("Points history"));
  const list = h("ul", { class: "ledger", "data-testid": "ledger" });
  const more = h("div", { class: "pager" });
  const load = pagedLoader({
    fetchPage: (cursor) => api.get("/rewards/me/ledger", { query: { limit: 20, cursor }, signal }),
    into: list,
    renderItem: entryRow,
    more,
    label: t("Show older points"),
  });
  try {
    const first = await load(null);
    mount(section, heading, first.items.length ? [list, more] : h("p", { class: "muted" }, t("No points yet. Shop, write reviews or invite friends to earn them.")));
  } catch (error) {
    if (error.name === "AbortError") throw error;
    mount(section, heading, problemBox(error, t("Could not load your points history")));
  }
}

function entryRow(entry) {
  const reason = entry.reason.charAt(0).toUpperCase() + entry.reason.slice(1);
  return h(
    "li",
    { class: "ledger-entry" },
    h("div", {}, h("strong", {}, reason), h("p", { class: "muted small" }, `${kindNames()[entry.kind] || words(entry.kind)} · ${date(entry.at)}`, entry.expires_at && entry.points > 0 ? ` · ${t("expires {date}", { date: date(entry.expires_at) })}` : "")),
    h("span", { class: `ledger-points ${entry.points < 0 ? "minus" : "plus"}` }, `${entry.points > 0 ? "+" : ""}${formatNumber(entry.points)}`),
  );
}

// ---------------------------------------------------------------- referrals

async function showReferrals(section, me, ref, signal) {
  const heading = h("h2", { id: "referral-title" }, t("Invite friends"));
  const claim = claimForm(me, ref);
  try {
    const mine = await api.get("/referrals/me", { signal });
    const url = new URL(`#${mine.link}`, location.href).toString();
    const linkBox = h("input", { readonly: true, value: url, "data-testid": "referral-link" });
    const share = navigator.share
      ? h("button", { type: "button", class: "button button-small button-ghost", onclick: () => navigator.share({ title: t("Join me on Plein"), url }).catch(() => null) }, t("Share"))
      : null;
    mount(
      section,
      heading,
      h("p", {}, t("Share your link. When a friend's first order has arrived and its return window has passed, you earn points.")),
      field(t("Your invitation link"), linkBox),
      h("div", { class: "code-row" }, copyButton(t("Copy link"), () => url, linkBox), share),
      h("p", { class: "small" }, t("Your code: "), h("strong", { class: "referral-code", "data-testid": "referral-code" }, mine.code), " ", copyButton(t("Copy code"), () => mine.code)),
      h("h3", {}, t("Friends who used your code")),
      mine.referrals.length ? h("ul", { class: "plain referees" }, mine.referrals.map(refereeRow)) : h("p", { class: "muted" }, t("Nobody has used your code yet.")),
      claim,
    );
  } catch (error) {
    if (error.name === "AbortError") throw error;
    mount(section, heading, problemBox(error, t("Could not load your invitations")), claim);
  }
  if (ref) claim.querySelector("input")?.focus();
}

function refereeRow(referral) {
  const joined = t("A friend who joined on {date}", { date: date(referral.claimed_at) });
  let status;
  if (referral.status === "converted") status = t("you earned {points} on {date}.", { points: points(referral.points || 0), date: date(referral.converted_at) });
  else if (referral.status === "refused")
    status =
      refusals()[referral.reason] ||
      (referral.reason ? t("no points, because {reason}.", { reason: words(referral.reason).toLowerCase() }) : t("no points, because of our rules."));
  else if (referral.status === "awaiting_return_window")
    status = referral.due_at
      ? t("their first order has arrived; your points follow when its return window ends on {date}.", { date: date(referral.due_at) })
      : t("their first order has arrived; your points follow when its return window ends.");
  else if (referral.status === "ordered") status = t("they placed their first order; your points follow once it has arrived and can no longer be returned.");
  else status = t("they have not ordered yet.");
  return h("li", { class: `referee referee-${referral.status}` }, h("strong", {}, `${joined}: `), status);
}

function claimForm(me, ref) {
  const input = h("input", { name: "code", value: ref || "", autocomplete: "off", autocapitalize: "characters", spellcheck: "false", maxlength: "32" });
  const status = h("div", { "aria-live": "polite" });
  const submit = h("button", { type: "submit", class: "button" }, t("Use this code"));
  const form = h(
    "form",
    {
      class: "claim",
      novalidate: true,
      onsubmit: (event) => {
        event.preventDefault();
        const code = input.value.trim();
        if (!code) {
          mount(status, problemBox({ message: t("Enter the code your friend sent you."), status: 400 }, t("No code entered")));
          return;
        }
        busy(submit, async () => {
          try {
            await api.post("/referrals/claim", { code });
            mount(status, h("p", { class: "notice success-box", role: "status" }, t("Welcome! Your friend earns points once your first order has arrived.")));
          } catch (error) {
            mount(status, problemBox(error, t("The code was not accepted")));
          }
        });
      },
    },
    field(t("Code from a friend"), input, t("For new members: enter it before your first order.")),
    status,
    h("div", { class: "actions" }, submit),
  );
  return h("details", { class: "claim-box", open: Boolean(ref) || (me.stage === "new" && !me.progress.purchases?.have) }, h("summary", {}, t("Were you invited by a friend?")), form);
}
