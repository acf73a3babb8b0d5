// Words shared by the notification views: topic and channel names, problem boxes.

import { errorBox } from "../../ui.js";

export const TOPICS = {
  order: "Orders (confirmation, shipping, delivery)",
  review_request: "Review requests after delivery",
  community: "Community (answers, replies, ideas)",
  rewards: "Rewards (points, stages, gift cards)",
  vendor: "My shop (new orders, feed imports)",
  advice: "Advice (advisor programme)",
  content: "New articles by members you follow",
  newsletter: "Newsletter",
};

export const CHANNELS = { inbox: "Inbox", email: "E-mail", push: "Push" };

const LINK_PROBLEMS = {
  link_not_found: "This link is not valid. Please use the link from the e-mail exactly as it was sent.",
  link_expired: "This link has expired.",
  duplicate_review: "You already reviewed this product. Thank you!",
};

export function linkProblem(error, title) {
  const known = LINK_PROBLEMS[error?.code];
  return errorBox(known ? { ...error, message: known } : error, { title });
}

/** An in-app link from a notification ("#/orders/…") or null for anything else. */
export function appLink(link) {
  return typeof link === "string" && link.startsWith("#/") ? link : null;
}
