// Admin: newsletter campaigns. #/admin/campaigns lists them with status and counts;
// #/admin/campaigns/new and #/admin/campaigns/{id} open the composer: name, subject and HTML body
// per language (nl, de, en), a segment with a live count of who it reaches
// (GET /admin/segments/preview), the mail rendered in a sandboxed iframe (POST .../preview), and
// send with a confirmation (POST .../send, once; an Idempotency-Key makes a double click harmless).
// A sent campaign shows its delivered, opened and clicked counts.

import { api, seg } from "../api.js";
import { busy, date, empty, errorBox, h, loading, mount, statusBadge, toast } from "../ui.js";
import { STAGES, stageName } from "./rewards_shared.js";
import { plural, t } from "../i18n.js";

// a function, not a constant: the names follow the interface language, loaded after the import
const languageOptions = () => [
  ["nl", t("Dutch")],
  ["de", t("German")],
  ["en", t("English")],
];
const COUNT_DELAY_MS = 300;
const REFRESH_MS = 2000;

export async function render(view, { params, session: user, signal }) {
  const title = h("h1", {}, t("Campaigns"));
  if (!user.groups.includes("admin")) {
    mount(view, title, empty(t("This page is for administrators. Sign in with an admin account."), h("a", { class: "button button-ghost", href: "#/signin?next=%23%2Fadmin%2Fcampaigns" }, t("Sign in as an admin"))));
    return;
  }
  if (!params.id) return renderList(view, title, signal);
  return renderCampaign(view, params.id === "new" ? null : params.id, signal);
}

// ---------------------------------------------------------------- list

function stats(s) {
  return h(
    "dl",
    { class: "campaign-stats", "data-testid": "campaign-stats" },
    [
      [t("Recipients"), s.recipients, "recipients"],
      [t("Delivered"), s.delivered, "delivered"],
      [t("Opened"), s.opened, "opened"],
      [t("Clicked"), s.clicked, "clicked"],
    ].map(([label, value, key]) => h("div", {}, h("dt", {}, label), h("dd", { "data-stat": key }, String(value)))),
  );
}

async function renderList(view, title, signal) {
  const list = h("ul", { class: "campaign-list", "data-testid": "campaign-list" });
  const more = h("div", {});
  mount(view, title, h("p", {}, h("a", { class: "button", href: "#/admin/campaigns/new" }, t("New campaign"))), list, more);
  const load = async (cursor) => {
    const page = await api.get("/admin/campaigns", { query: { limit: 20, cursor }, signal });
    if (!cursor && !page.items.length) mount(list, h("li", {}, empty(t("No campaigns yet."))));
    list.append(
      ...page.items.map((c) =>
        h(
          "li",
          { class: "card campaign-item", "data-campaign": c.campaign_id },
          h("p", { class: "campaign-head" }, h("a", { href: `#/admin/campaigns/${seg(c.campaign_id)}` }, c.name), " ", statusBadge(c.status)),
          h("p", { class: "muted small" }, c.queued_at ? t("Sent {date}", { date: date(c.queued_at) }) : t("Created {date}", { date: date(c.created_at) }), " · ", c.languages.join(", ")),
          c.status === "draft" ? null : stats(c.stats),
        ),
      ),
    );
    mount(more);
    if (page.next_cursor) {
      const button = h("button", { type: "button", class: "button button-ghost" }, t("More campaigns"));
      button.addEventListener("click", () => busy(button, () => load(page.next_cursor).catch((e) => mount(more, errorBox(e)))));
      mount(more, button);
    }
  };
  try {
    await load(null);
  } catch (error) {
    if (error.name === "AbortError") throw error;
    mount(list, h("li", {}, errorBox(error, { title: t("Could not load the campaigns") })));
  }
}

// ---------------------------------------------------------------- composer

function segmentQuery(segment) {
  return {
    stages: segment.stages.join(","),
    affinities: segment.affinities.join(","),
    active_within_days: segment.active_within_days ?? "",
    languages: segment.languages.join(","),
  };
}

async function renderCampaign(view, campaignId, signal) {
  const title = h("h1", {}, campaignId ? t("Campaign") : t("New campaign"));
  const back = h("p", {}, h("a", { href: "#/admin/campaigns" }, t("← All campaigns")));
  mount(view, back, title, loading(t("Loading…")));
  let campaign = null;
  if (campaignId) {
    try {
      campaign = await api.get(`/admin/campaigns/${seg(campaignId)}`, { signal });
    } catch (error) {
      if (error.name === "AbortError") throw error;
      mount(view, back, title, errorBox(error, { title: t("Could not load the campaign") }));
      return;
    }
  }
  if (campaign && campaign.status !== "draft") return renderSent(view, back, title, campaign, signal);
  composer(view, back, title, campaign, signal);
}

function composer(view, back, title, initial, signal) {
  let campaign = initial;
  const languageList = languageOptions();
  const name = h("input", { id: "campaign-name", name: "name", value: campaign?.name || "", maxlength: 120, required: true });
  const content = Object.fromEntries(
    languageList.map(([code]) => [
      code,
      {
        subject: h("input", { id: `subject-${code}`, name: `subject-${code}`, maxlength: 200, value: campaign?.content[code]?.subject || "" }),
        html: h("textarea", { id: `body-${code}`, name: `body-${code}`, rows: 6, value: campaign?.content[code]?.html || "" }),
      },
    ]),
  );
  const segment = campaign?.segment || { stages: [], affinities: [], active_within_days: null, languages: [] };
  const stageBoxes = STAGES.map((s) => h("label", { class: "choice" }, h("input", { type: "checkbox", value: s, checked: segment.stages.includes(s) }), ` ${stageName(s)}`));
  const languageBoxes = languageList.map(([code, label]) => h("label", { class: "choice" }, h("input", { type: "checkbox", value: code, checked: segment.languages.includes(code) }), ` ${label}`));
  const affinities = h("input", { id: "segment-affinities", value: segment.affinities.join(", "), autocomplete: "off" });
  const active = h("input", { id: "segment-active", type: "number", min: 1, max: 3650, inputmode: "numeric", value: segment.active_within_days ?? "" });
  const count = h("p", { class: "campaign-count", role: "status", "aria-live": "polite", "data-testid": "segment-count" }, t("Counting…"));
  const result = h("div", { "aria-live": "polite" });
  const previewBox = h("div", { class: "campaign-preview" });
  const previewLanguage = h("select", { id: "preview-language", "aria-label": t("Preview language") }, languageList.map(([code, label]) => h("option", { value: code }, label)));
  const save = h("button", { type: "submit", class: "button button-ghost" }, t("Save draft"));
  const preview = h("button", { type: "button", class: "button button-ghost" }, t("Preview"));
  const send = h("button", { type: "button", class: "button" }, t("Send…"));
  const confirmBox = h("div", { "aria-live": "polite" });

  const checked = (boxes) => boxes.map((l) => l.querySelector("input")).filter((i) => i.checked).map((i) => i.value);
  const currentSegment = () => ({
    stages: checked(stageBoxes),
    affinities: affinities.value.split(",").map((t) => t.trim()).filter(Boolean),
    active_within_days: active.value ? Number(active.value) : null,
    languages: checked(languageBoxes),
  });
  const body = () => {
    const filled = {};
    for (const [code] of languageList) {
      const subject = content[code].subject.value.trim();
      const html = content[code].html.value.trim();
      if (subject || html) filled[code] = { subject, html };
    }
    return { name: name.value.trim(), content: filled, segment: currentSegment(), expected_revision: campaign ? campaign.revision : null };
  };

  let countTimer = null;
  let countRun = 0;
  const refreshCount = () => {
    clearTimeout(countTimer);
    countTimer = setTimeout(async () => {
      const run = ++countRun;
      count.textContent = t("Counting…");
      try {
        const reach = await api.get("/admin/segments/preview", { query: segmentQuery(currentSegment()), signal });
        if (run !== countRun) return;
        count.dataset.recipients = String(reach.recipients);
        mount(count, h("strong", {}, plural(reach.recipients, "{n} subscriber", "{n} subscribers")), t(" in this segment ({members} members, only confirmed subscribers get it)", { members: reach.members }));
      } catch (error) {
        if (error.name === "AbortError" || run !== countRun) return;
        delete count.dataset.recipients;
        count.textContent = error.code === "invalid_segment" || error.code === "validation_failed" ? t("This segment is not valid.") : t("Could not count the segment.");
      }
    }, COUNT_DELAY_MS);
  };

  /** Save the draft (create or replace); the saved campaign, or null with the problem shown. */
  const persist = async () => {
    mount(result);
    try {
      const saved = campaign
        ? await api.put(`/admin/campaigns/${seg(campaign.campaign_id)}`, body())
        : await api.post("/admin/campaigns", body());
      const created = !campaign;
      campaign = saved;
      if (created) history.replaceState(null, "", `#/admin/campaigns/${seg(saved.campaign_id)}`);
      title.textContent = saved.name;
      return saved;
    } catch (error) {
      mount(result, errorBox(error, { title: problemTitle(error) }));
      return null;
    }
  };

  const form = h(
    "form",
    { class: "card campaign-form", "aria-label": t("Campaign") },
    h("div", { class: "field" }, h("label", { for: "campaign-name" }, t("Name (only admins see it)")), name),
    languageList.map(([code, label]) =>
      h(
        "fieldset",
        { class: "campaign-language", lang: code },
        h("legend", {}, label),
        h("div", { class: "field" }, h("label", { for: `subject-${code}` }, t("Subject ({code})", { code })), content[code].subject),
        h("div", { class: "field" }, h("label", { for: `body-${code}` }, t("Body ({code}, HTML)", { code })), content[code].html),
      ),
    ),
    h("p", { class: "hint" }, t("Write at least one language; members get theirs, else English. Scripts, styles and event handlers are removed.")),
    h(
      "fieldset",
      { class: "campaign-segment" },
      h("legend", {}, t("Segment")),
      h("fieldset", { class: "choices" }, h("legend", {}, t("Journey stages (none: any)")), stageBoxes),
      h("div", { class: "field" }, h("label", { for: "segment-affinities" }, t("Interests (comma-separated; any one matches)")), affinities),
      h("div", { class: "field" }, h("label", { for: "segment-active" }, t("Active within days (optional)")), active),
      h("fieldset", { class: "choices" }, h("legend", {}, t("Languages (none: any)")), languageBoxes),
      count,
    ),
    result,
    h("div", { class: "actions" }, save, preview, send),
    confirmBox,
    h("div", { class: "campaign-preview-bar" }, h("label", { for: "preview-language" }, t("Preview in ")), previewLanguage),
    previewBox,
  );
  form.addEventListener("input", (event) => {
    if (event.target.closest(".campaign-segment")) refreshCount();
  });
  form.addEventListener("change", (event) => {
    if (event.target.closest(".campaign-segment")) refreshCount();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(save, async () => {
      if (await persist()) toast(t("Draft saved."), "success");
    }, t("Saving…"));
  });
  preview.addEventListener("click", () =>
    busy(preview, async () => {
      const saved = await persist();
      if (!saved) return;
      try {
        const shown = await api.post(`/admin/campaigns/${seg(saved.campaign_id)}/preview`, { language: previewLanguage.value });
        // sandbox="" : no scripts, no forms, no navigation of this page; the HTML is shown as a mail client would.
        const frame = h("iframe", { sandbox: "", title: t("Mail preview"), class: "campaign-frame", "data-testid": "campaign-preview", referrerpolicy: "no-referrer" });
        frame.srcdoc = shown.html;
        mount(
          previewBox,
          h("p", {}, h("strong", {}, t("Subject: ")), shown.subject, h("span", { class: "muted" }, ` (${shown.language})`)),
          h("p", { class: "muted small", "data-testid": "preview-recipients" }, t("Reaches {n} subscribers now.", { n: shown.recipients })),
          frame,
        );
      } catch (error) {
        mount(previewBox, errorBox(error, { title: t("Could not preview the campaign") }));
      }
    }, t("Rendering…")),
  );
  send.addEventListener("click", () =>
    busy(send, async () => {
      const saved = await persist();
      if (!saved) return;
      const reach = await api.get("/admin/segments/preview", { query: segmentQuery(saved.segment), signal }).catch(() => null);
      const key = `send-${saved.campaign_id}-${crypto.randomUUID ? crypto.randomUUID() : Date.now()}`;
      const yes = h("button", { type: "button", class: "button", "data-testid": "confirm-send" }, t("Yes, send it now"));
      const no = h("button", { type: "button", class: "button button-ghost" }, t("Cancel"));
      no.addEventListener("click", () => mount(confirmBox));
      yes.addEventListener("click", () =>
        busy(yes, async () => {
          try {
            const queued = await api.post(`/admin/campaigns/${seg(saved.campaign_id)}/send`, undefined, { headers: { "Idempotency-Key": key } });
            toast(t("The campaign is being sent."), "success");
            renderSent(view, h("p", {}, h("a", { href: "#/admin/campaigns" }, t("← All campaigns"))), h("h1", {}, queued.name), queued, signal);
          } catch (error) {
            mount(confirmBox, errorBox(error, { title: error.code === "campaign_already_sent" ? t("This campaign was sent already") : t("The campaign was not sent") }));
          }
        }, t("Sending…")),
      );
      mount(
        confirmBox,
        h(
          "div",
          { class: "card campaign-confirm", role: "alertdialog", "aria-label": t("Confirm sending") },
          h("p", {}, reach ? t("Send “{name}” to {n} subscribers now? ", { name: saved.name, n: reach.recipients }) : t("Send “{name}” now? ", { name: saved.name }), t("It goes out once and cannot be changed afterwards.")),
          h("div", { class: "actions" }, yes, no),
        ),
      );
      yes.focus();
    }, t("Saving…")),
  );
  if (campaign) title.textContent = campaign.name;
  mount(view, back, title, form);
  refreshCount();
}

function problemTitle(error) {
  if (error.code === "empty_body") return t("A body is empty once scripts and styles are removed");
  if (error.code === "no_content") return t("Write the campaign in at least one language");
  if (error.code === "campaign_changed") return t("Someone changed this campaign meanwhile: reload the page");
  if (error.code === "campaign_not_draft") return t("This campaign was sent already");
  return t("The campaign was not saved");
}

// ---------------------------------------------------------------- sent

function renderSent(view, back, title, campaign, signal) {
  const status = h("p", { "data-testid": "campaign-status", "data-status": campaign.status }, statusBadge(campaign.status));
  const numbers = h("div", {}, stats(campaign.stats));
  const languages = Object.entries(campaign.content).map(([code, c]) => h("li", {}, h("strong", {}, `${code}: `), c.subject));
  mount(
    view,
    back,
    title,
    h(
      "section",
      { class: "card" },
      status,
      campaign.queued_at ? h("p", { class: "muted small" }, t("Sent {date}", { date: date(campaign.queued_at) })) : null,
      numbers,
      campaign.stats.skipped ? h("p", { class: "muted small" }, t("{n} skipped (unsubscribed, bounced, preferences or caps).", { n: campaign.stats.skipped })) : null,
      h("h2", {}, t("Subjects")),
      h("ul", {}, languages),
    ),
  );
  const refresh = async () => {
    if (signal.aborted) return;
    try {
      const current = await api.get(`/admin/campaigns/${seg(campaign.campaign_id)}`, { signal });
      mount(status, statusBadge(current.status));
      status.dataset.status = current.status;
      mount(numbers, stats(current.stats));
      if (current.status !== "sent") setTimeout(refresh, REFRESH_MS);
    } catch (error) {
      if (error.name !== "AbortError") setTimeout(refresh, REFRESH_MS * 5);
    }
  };
  if (campaign.status !== "sent") setTimeout(refresh, REFRESH_MS);
}
