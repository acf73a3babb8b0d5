// Notification settings (#/settings/notifications): channels per topic, language, quiet hours and
// a daily cap. The consent wording shown above the choices is sent with them and recorded with
// every opt-in (time and wording), and the latest recorded consents are listed.

import { api } from "../../api.js";
import { busy, date, field, h, loading, mount, toast } from "../../ui.js";
import { channels, linkProblem, topics } from "./shared.js";
import { t } from "../../i18n.js";

/** The consent wording in the interface language: shown above the choices and recorded with them. */
export const consentWording = () =>
  t("I agree that Plein sends me the messages ticked above on the channels ticked above. I can change this at any time here or with the unsubscribe link in every e-mail.");

const LANGUAGES = { nl: "Nederlands", de: "Deutsch", en: "English" };

export async function render(view, { signal }) {
  const title = h("h1", {}, t("Notification settings"));
  mount(view, title, loading(t("Loading your settings…")));
  let prefs;
  try {
    prefs = await api.get("/me/notification-preferences", { signal });
  } catch (error) {
    if (error.name === "AbortError" || error.status === 401) throw error;
    mount(view, title, linkProblem(error, t("Could not load your settings")));
    return;
  }
  const form = h("form", { class: "card notification-settings", "aria-label": t("Notification settings") });
  const result = h("div", { "aria-live": "polite" });
  const consents = h("section", { "aria-labelledby": "consents-title" });

  const draw = () => {
    const channelNames = channels();
    const topicNames = topics();
    const wording = consentWording();
    const boxes = [];
    const table = h(
      "table",
      { class: "channel-table" },
      h("caption", { class: "visually-hidden" }, t("Channels per topic")),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("Topic")), Object.values(channelNames).map((c) => h("th", { scope: "col" }, c)))),
      h(
        "tbody",
        {},
        Object.entries(topicNames).map(([topic, label]) =>
          h(
            "tr",
            {},
            h("th", { scope: "row" }, label, prefs.transactional.includes(topic) ? h("span", { class: "muted small" }, t(" (always sent at once)")) : null),
            Object.entries(channelNames).map(([channel, name]) => {
              const box = h("input", {
                type: "checkbox",
                name: `${topic}:${channel}`,
                checked: (prefs.channels[topic] || []).includes(channel),
                "aria-label": t("{channel} for {topic}", { channel: name, topic: label }),
              });
              boxes.push([topic, channel, box]);
              return h("td", {}, box);
            }),
          ),
        ),
      ),
    );
    const language = h("select", { name: "language" }, Object.entries(LANGUAGES).map(([code, name]) => h("option", { value: code, selected: prefs.language === code }, name)));
    const quiet = h("input", { type: "checkbox", name: "quiet", checked: Boolean(prefs.quiet_hours) });
    const start = h("input", { type: "time", name: "quiet_start", value: prefs.quiet_hours?.start || "22:00" });
    const end = h("input", { type: "time", name: "quiet_end", value: prefs.quiet_hours?.end || "08:00" });
    const zone = h("input", { type: "text", name: "timezone", value: prefs.quiet_hours?.timezone || Intl.DateTimeFormat().resolvedOptions().timeZone || "Europe/Amsterdam" });
    const cap = h("input", { type: "number", name: "daily_cap", min: "0", max: "50", value: String(prefs.daily_cap) });
    const save = h("button", { type: "submit", class: "button" }, t("Save settings"));
    mount(
      form,
      h("p", { class: "consent-wording", "data-testid": "consent-wording" }, wording),
      h("div", { class: "table-scroll" }, table),
      field(t("Language of e-mails and pushes"), language),
      h("fieldset", { class: "quiet-hours" }, h("legend", {}, t("Quiet hours")), h("label", {}, quiet, t(" No e-mail or push between")), field(t("From"), start), field(t("Until"), end), field(t("Time zone"), zone)),
      field(t("At most this many e-mails and pushes a day"), cap, t("Order updates do not count and are never held back.")),
      h("div", { class: "actions" }, save),
    );
    form.onsubmit = (event) => {
      event.preventDefault();
      const channels = {};
      for (const [topic, channel, box] of boxes) {
        channels[topic] ||= [];
        if (box.checked) channels[topic].push(channel);
      }
      const body = {
        language: language.value,
        channels,
        quiet_hours: quiet.checked ? { start: start.value, end: end.value, timezone: zone.value } : null,
        daily_cap: Number(cap.value),
        consent_wording: wording,
        revision: prefs.revision,
      };
      busy(save, async () => {
        try {
          prefs = await api.put("/me/notification-preferences", body);
          draw();
          mount(result, h("p", { class: "notice success-box", role: "status" }, t("Your settings are saved.")));
          toast(t("Settings saved"));
        } catch (error) {
          mount(result, linkProblem(error, error.code === "preferences_changed" ? t("Your settings changed elsewhere: reload the page") : t("Could not save")));
        }
      });
    };
    mount(
      consents,
      h("h2", { id: "consents-title" }, t("What you agreed to")),
      prefs.consents.length
        ? h("ul", { class: "consent-list" }, prefs.consents.map((c) => h("li", {}, `${date(c.at)} · ${channelNames[c.channel] || c.channel} · ${topicNames[c.topic] || c.topic}: ${c.granted ? t("yes") : t("no")}`, h("br"), h("span", { class: "muted small" }, `“${c.wording}”`))))
        : h("p", { class: "muted" }, t("Nothing recorded yet.")),
    );
  };
  draw();
  mount(view, h("div", { class: "heading-row" }, title, h("a", { href: "#/inbox" }, t("Inbox"))), form, result, consents);
}
