// Sign-in against Cognito (InitiateAuth, USER_PASSWORD_AUTH) straight from the browser, with sign-up,
// its e-mailed confirmation code, and password reset by code (the same user pool API); the tokens
// live in sessionStorage for this tab only: the ID token for the REST API (its Cognito authorizer),
// the access token for the advice socket (its Lambda authorizer asks Cognito, which takes only those).

import { config } from "./config.js";
import { t } from "./i18n.js";

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

/** Cognito's errors in plain words (a function: the language may change). */
const friendly = () => ({
  NotAuthorizedException: t("Wrong username or password."),
  UserNotFoundException: t("Wrong username or password."),
  UserNotConfirmedException: t("This account is not confirmed yet: enter the code we e-mailed you."),
  PasswordResetRequiredException: t("This account needs a new password: reset it with a code by e-mail."),
  UsernameExistsException: t("That username is taken. Choose another one, or sign in if it is yours."),
  InvalidPasswordException: t("That password is too weak: use at least 10 characters with upper and lower case letters, a digit and a symbol."),
  CodeMismatchException: t("That code is not right. Check the e-mail, or ask for a new code."),
  ExpiredCodeException: t("That code has expired. Ask for a new one."),
  LimitExceededException: t("Too many attempts. Wait a few minutes, then try again."),
  TooManyRequestsException: t("Too many attempts. Wait a few minutes, then try again."),
  TooManyFailedAttemptsException: t("Too many attempts. Wait a few minutes, then try again."),
});

/** One call of the Cognito user pool API (no credentials: these operations take the app client id). */
async function cognito(operation, body) {
  let response;
  try {
    response = await fetch(config().cognito_endpoint, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": `AWSCognitoIdentityProviderService.${operation}`,
      },
      body: JSON.stringify({ ClientId: config().client_id, ...body }),
    });
  } catch (error) {
    throw new AuthError("network", t("Cannot reach the sign-in service ({reason}). Check your connection and try again.", { reason: error.message }));
  }
  let answer = {};
  try {
    answer = await response.json();
  } catch {
    answer = {};
  }
  if (!response.ok) {
    const type = String(answer.__type || answer.code || "failed").split("#").pop();
    // InvalidParameterException carries Cognito's own explanation (an invalid e-mail address, ...)
    throw new AuthError(type, friendly()[type] || answer.message || answer.Message || t("The sign-in service refused this. Try again."));
  }
  return answer;
}

export async function signIn(username, password) {
  const body = await cognito("InitiateAuth", { AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: username, PASSWORD: password } });
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

/** Create an account; Cognito e-mails a code to confirm it. Resolves to where the code went. */
export async function signUp(username, email, password) {
  const body = await cognito("SignUp", { Username: username, Password: password, UserAttributes: [{ Name: "email", Value: email }] });
  return { confirmed: Boolean(body.UserConfirmed), destination: body.CodeDeliveryDetails?.Destination || email };
}

export async function confirmSignUp(username, code) {
  await cognito("ConfirmSignUp", { Username: username, ConfirmationCode: code });
}

export async function resendCode(username) {
  const body = await cognito("ResendConfirmationCode", { Username: username });
  return body.CodeDeliveryDetails?.Destination || null;
}

/** Ask for a password reset code by e-mail (the answer is alike whether or not the user exists). */
export async function forgotPassword(username) {
  const body = await cognito("ForgotPassword", { Username: username });
  return body.CodeDeliveryDetails?.Destination || null;
}

export async function resetPassword(username, code, password) {
  await cognito("ConfirmForgotPassword", { Username: username, ConfirmationCode: code, Password: password });
}

function forget() {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(ACCESS_KEY);
}

export function signOut() {
  forget();
  changed();
}
