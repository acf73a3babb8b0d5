// Sign-in against Cognito (InitiateAuth, USER_PASSWORD_AUTH) straight from the browser; the tokens
// live in sessionStorage for this tab only: the ID token for the REST API (its Cognito authorizer),
// the access token for the advice socket (its Lambda authorizer asks Cognito, which takes only those).

import { config } from "./config.js";

const TOKEN_KEY = "plein.idToken";
const ACCESS_KEY = "plein.accessToken";
const listeners = new Set();

export class AuthError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/** The JWT's payload (not verified here: the API verifies it). */
export function decodeJwt(token) {
  const part = token.split(".")[1];
  if (!part) throw new Error("not a JWT");
  const base64 = part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "=");
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

/** The signed-in user, or null (an expired token counts as signed out). */
export function session() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) return null;
  let claims;
  try {
    claims = decodeJwt(token);
  } catch {
    forget();
    return null;
  }
  if (claims.exp && claims.exp * 1000 < Date.now()) {
    forget();
    return null;
  }
  const groups = claims["cognito:groups"] || [];
  return {
    token,
    accessToken: sessionStorage.getItem(ACCESS_KEY),
    claims,
    username: claims["cognito:username"] || claims.username || claims.email || claims.sub,
    userId: claims.sub,
    groups: Array.isArray(groups) ? groups : String(groups).split(/[ ,]+/).filter(Boolean),
    vendorId: claims["custom:vendor_id"] || null,
    expiresAt: claims.exp ? new Date(claims.exp * 1000) : null,
  };
}

export function onSessionChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function changed() {
  const current = session();
  for (const listener of listeners) listener(current);
}

export async function signIn(username, password) {
  const cfg = config();
  let response;
  try {
    response = await fetch(cfg.cognito_endpoint, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth",
      },
      body: JSON.stringify({
        AuthFlow: "USER_PASSWORD_AUTH",
        ClientId: cfg.client_id,
        AuthParameters: { USERNAME: username, PASSWORD: password },
      }),
    });
  } catch (error) {
    throw new AuthError("network", `Cannot reach the sign-in service (${error.message}).`);
  }
  let body = {};
  try {
    body = await response.json();
  } catch {
    body = {};
  }
  if (!response.ok) {
    const type = String(body.__type || body.code || "sign_in_failed").split("#").pop();
    const friendly = {
      NotAuthorizedException: "Wrong username or password.",
      UserNotFoundException: "Wrong username or password.",
      UserNotConfirmedException: "This account is not confirmed yet.",
      PasswordResetRequiredException: "This account needs a new password.",
    };
    throw new AuthError(type, friendly[type] || body.message || body.Message || `Sign-in failed (HTTP ${response.status}).`);
  }
  if (body.ChallengeName) {
    throw new AuthError(body.ChallengeName, `Sign-in needs a further step (${body.ChallengeName}) that this client does not support.`);
  }
  const token = body.AuthenticationResult?.IdToken;
  const access = body.AuthenticationResult?.AccessToken;
  if (!token || !access) throw new AuthError("no_token", "The sign-in service returned no token.");
  sessionStorage.setItem(TOKEN_KEY, token);
  sessionStorage.setItem(ACCESS_KEY, access);
  changed();
  return session();
}

function forget() {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(ACCESS_KEY);
}

export function signOut() {
  forget();
  changed();
}
