// Words shared by the notification views: topic and channel names, problem boxes.

import { errorBox } from "../../ui.js";
import { t } from "../../i18n.js";

// functions, not constants: the words follow the interface language, loaded after the import
export const topics = () => ({
  order: t("Orders (confirmation, shipping, delivery)"),
  review_request: t("Review requests after delivery"),
  community: t("Community (answers, replies, ideas)"),
  rewards: t("Rewards (points, stages, gift cards)"),
  vendor: t("My shop (new orders, feed imports)"),
  advice: t("Advice (advisor programme)"),
  content: t("New articles by members you follow"),
  newsletter: t("Newsletter"),
});

export const channels = () => ({ inbox: t("Inbox"), email: t("E-mail"), push: t("Push") });

const linkProblems = () => ({
  link_not_found: t("This link is not valid. Please use the link from the e-mail exactly as it was sent."),
  link_expired: t("This link has expired."),
  duplicate_review: t("You already reviewed this product. Thank you!"),
});

export function linkProblem(error, title) {
  const known = linkProblems()[error?.code];
  return errorBox(known ? { ...error, message: known } : error, { title });
}

/** An in-app link from a notification ("#/orders/…") or null for anything else. */
export function appLink(link) {
  return typeof link === "string" && link.startsWith("#/") ? link : null;
}
