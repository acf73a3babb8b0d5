// Shared by the rewards views (views/rewards.js, views/admin_rewards.js): journey stage names,
// API errors in plain words, and a copy-to-clipboard button.

import { errorBox, h, toast } from "../ui.js";
import { t } from "../i18n.js";

export const STAGES = ["new", "regular", "engaged", "fan", "ambassador"];

// functions, not constants: the words follow the interface language, loaded after the import
const stageNames = () => ({ new: t("New"), regular: t("Regular"), engaged: t("Engaged"), fan: t("Fan"), ambassador: t("Ambassador") });

export const stageName = (stage) => stageNames()[stage] || String(stage);

/** "early_access" → "Early access". */
export function words(identifier) {
  const text = String(identifier || "").replaceAll("_", " ").replaceAll("-", " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const plainTexts = () => ({
  network: t("We cannot reach Plein right now. Check your connection and try again."),
  insufficient_points: t("You do not have enough points for this reward yet."),
  reward_not_found: t("This reward is no longer offered. Reload the page to see the current rewards."),
  idempotency_key_reused: t("That request was already used for something else. Please try again."),
  redemption_in_progress: t("Your previous redemption is still being handled. Try again in a moment."),
  busy: t("We are busy with your previous request. Try again in a moment."),
  account_busy: t("We are busy with your previous request. Try again in a moment."),
  referral_code_not_found: t("We do not know this code. Check it with the friend who sent it to you."),
  referral_code_unavailable: t("Your invitation code could not be made just now. Reload the page to try again."),
  already_referred: t("You have already used a friend's code."),
  referral_changed: t("Your invitation changed while we saved it. Reload the page and try again."),
  self_referral: t("You cannot use your own code."),
  self_referral_email: t("This code belongs to an account with your e-mail address, so it cannot be used."),
  referee_not_new: t("Codes from friends are for new members who have not ordered yet."),
  rules_version_conflict:
    t("Someone else saved the rules while you were editing. Reload to see their version, then make your change again."),
  validation_failed: t("Some values are not valid. Check the fields marked below."),
  missing_group: t("This page is for administrators. Sign in with an admin account."),
  forbidden: t("This page is for administrators. Sign in with an admin account."),
  segment_not_found: t("There is no such journey stage."),
  invalid_cursor: t("The list changed while you were reading it. Reload the page."),
  zero_adjustment: t("Enter a number of points other than 0."),
});

/** What went wrong, in words a member understands (never a code or an HTTP status). */
export function plainMessage(error) {
  const plain = plainTexts();
  if (error?.code && plain[error.code]) return plain[error.code];
  if (!error?.status || error.status >= 500) return t("Something went wrong on our side. Please try again in a moment.");
  const message = String(error.message || t("The request was not accepted."));
  return message.charAt(0).toUpperCase() + message.slice(1);
}

/** An error box with a title and the plain-words message (no code line). */
export function problemBox(error, title) {
  return errorBox({ message: plainMessage(error) }, { title });
}

/** A button that copies `text()` to the clipboard (selecting `select` as a fallback). */
export function copyButton(label, text, select = null) {
  return h(
    "button",
    {
      type: "button",
      class: "button button-small button-ghost",
      onclick: async () => {
        try {
          await navigator.clipboard.writeText(text());
          toast(t("Copied."));
        } catch {
          select?.select();
          toast(t("Select the text and copy it with your keyboard."));
        }
      },
    },
    label,
  );
}
