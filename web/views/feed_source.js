// The vendor's feed URL (#/vendor?tab=feeds): fetched once a day, each fetch an import in the
// history (PUT/GET/DELETE /vendors/{id}/feed-source, POST .../feed-source/pull).

import { api, seg } from "../api.js";
import { t } from "../i18n.js";
import { busy, date, errorBox, field, h, mount, toast } from "../ui.js";

const sourcePath = (vendorId) => `/vendors/${seg(vendorId)}/feed-source`;

function lastPull(source) {
  const pull = source.last_pull;
  if (!pull) return t("Not fetched yet.");
  return pull.code
    ? t("Last fetch {date} failed: {reason}", { date: date(pull.at), reason: pull.reason })
    : t("Last fetched {date}; its import is in the history below.", { date: date(pull.at) });
}

/** The scheduled pull card: `area` to show, `load()` to fill it with the saved URL. */
export function feedSourceCard(vendorId, modes, signal) {
  const area = h("section", { class: "card form feed-source", "aria-labelledby": "source-title" }, h("h2", { id: "source-title" }, t("Fetch your feed every day")));
  const draw = (source) => {
    const url = h("input", { type: "url", id: "source-url", required: true, placeholder: "https://your-shop.example/feeds/google.xml", value: source?.url || "" });
    const mode = h("select", { id: "source-mode" }, modes.map(([value, label]) => h("option", { value, selected: value === (source?.mode || "upsert") }, label)));
    const problem = h("div", { "aria-live": "polite" });
    const save = h("button", { type: "submit", class: "button" }, source ? t("Save URL") : t("Fetch daily"));
    const actions = [save];
    if (source) {
      const now = h("button", { type: "button", class: "button button-ghost" }, t("Fetch now"));
      now.addEventListener("click", () => busy(now, async () => {
        try {
          draw(await api.post(`${sourcePath(vendorId)}/pull`, {}, { signal }));
          toast(t("The feed is fetched within a few minutes; its import appears in the history."), "info");
        } catch (error) {
          if (error.name !== "AbortError") mount(problem, errorBox(error, { title: t("Could not schedule the fetch") }));
        }
      }, t("Asking…")));
      const stop = h("button", { type: "button", class: "button button-ghost" }, t("Stop fetching"));
      stop.addEventListener("click", () => busy(stop, async () => {
        try {
          await api.del(sourcePath(vendorId), { signal });
          toast(t("The feed URL is no longer fetched."), "info");
          draw(null);
        } catch (error) {
          if (error.name !== "AbortError") mount(problem, errorBox(error, { title: t("Could not stop fetching") }));
        }
      }, t("Stopping…")));
      actions.push(now, stop);
    }
    const form = h(
      "form",
      {
        onsubmit: (event) => {
          event.preventDefault();
          busy(save, async () => {
            mount(problem);
            try {
              draw(await api.put(sourcePath(vendorId), { url: url.value.trim(), mode: mode.value }, { signal }));
              toast(t("Saved: your feed is fetched every day, the first time within minutes."), "success");
            } catch (error) {
              if (error.name !== "AbortError") mount(problem, errorBox(error, { title: t("This URL cannot be fetched") }));
            }
          }, t("Checking…"));
        },
      },
      h("p", { class: "muted" }, t("If your shop system publishes its feed at a URL, we fetch it once a day and import it like an upload. Secure (https) public addresses only.")),
      source ? h("p", { class: "source-status", role: "status" }, lastPull(source), " ", h("span", { class: "muted small" }, t("Next fetch {date}.", { date: date(source.next_pull_at) }))) : null,
      field(t("Feed URL"), url),
      field(t("Mode"), mode),
      problem,
      h("div", { class: "actions" }, actions),
    );
    mount(area, h("h2", { id: "source-title" }, t("Fetch your feed every day")), form);
  };
  const load = async () => {
    try {
      draw(await api.find(sourcePath(vendorId), { signal }));
    } catch (error) {
      if (error.name === "AbortError" || error.status === 401) throw error;
      mount(area, errorBox(error, { title: t("Could not load your feed URL") }));
    }
  };
  return { area, load };
}
