import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from './clock.js';
import { APPROVE_PATH, consentPage, errorPage } from './consent-page.js';
import { unauthenticated } from './google-errors.js';
import { readForm, redirect, sendHtml, sendJson } from './http.js';
import { type AuthorizeRequest, type OAuthServer, subjectOf } from './oauth.js';
import type { EmulatorStore } from './store.js';

/** Paths of the authorization endpoint (Google's current and legacy forms). */
export const AUTHORIZE_PATHS = ['/o/oauth2/v2/auth', '/o/oauth2/auth'];

const JSON_TYPE = 'application/json; charset=utf-8';
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

/** What the OAuth routes need. */
export interface OAuthRouteDeps {
  oauth: OAuthServer;
  store: EmulatorStore;
  clock: Clock;
  /** Approve every valid authorization request at once, without showing the consent page. */
  autoApprove: () => boolean;
}

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}

/** Handles the OAuth endpoints; returns false when the path is not one of them. */
export async function handleOAuth(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  deps: OAuthRouteDeps,
): Promise<boolean> {
  const { oauth, store } = deps;
  const path = url.pathname;
  const method = req.method ?? 'GET';

  const accountFor = (request: AuthorizeRequest, chosen: string | undefined): string | undefined => {
    const users = store.users();
    const email = chosen ?? request.loginHint ?? (users.length === 1 ? users[0]?.email : undefined);
    return email === undefined ? undefined : store.user(email)?.email;
  };

  if (AUTHORIZE_PATHS.includes(path) && method === 'GET') {
    const check = oauth.checkAuthorize(url.searchParams);
    if (check.kind === 'page') sendHtml(res, check.status, errorPage(check.error, check.description));
    else if (check.kind === 'redirect') redirect(res, check.location);
    else if (url.searchParams.get('__autoapprove') === '1' || deps.autoApprove()) {
      const email = accountFor(check.request, undefined);
      if (email) redirect(res, oauth.approve(check.request, email));
      else
        sendHtml(res, 400, errorPage('account_not_found', "Couldn't find your Google Account (login_hint)."));
    } else {
      sendHtml(
        res,
        200,
        consentPage(
          url.searchParams,
          check.request,
          store.users().map((u) => u.email),
        ),
      );
    }
    return true;
  }

  if (path === APPROVE_PATH && method === 'POST') {
    const form = await readForm(req);
    const check = oauth.checkAuthorize(form);
    if (check.kind === 'page') sendHtml(res, check.status, errorPage(check.error, check.description));
    else if (check.kind === 'redirect') redirect(res, check.location);
    else if (form.get('decision') === 'deny') redirect(res, oauth.deny(check.request));
    else {
      const email = accountFor(check.request, form.get('login_hint') || undefined);
      if (email) redirect(res, oauth.approve(check.request, email));
      else {
        const users = store.users().map((u) => u.email);
        sendHtml(res, 400, consentPage(form, check.request, users, "Couldn't find your Google Account."));
      }
    }
    return true;
  }

  if (path === '/token' && method === 'POST') {
    const result = oauth.token(await readForm(req), req.headers.authorization);
    sendJson(res, result.status, result.body, NO_STORE, JSON_TYPE);
    return true;
  }

  if ((path === '/revoke' || path === '/o/oauth2/revoke') && (method === 'POST' || method === 'GET')) {
    const form = method === 'POST' ? await readForm(req) : new URLSearchParams();
    const value = url.searchParams.get('token') ?? form.get('token') ?? '';
    const result = oauth.revoke(value);
    sendJson(res, result.status, result.body, NO_STORE, JSON_TYPE);
    return true;
  }

  if (['/oauth2/v2/userinfo', '/oauth2/v1/userinfo', '/oauth2/v3/userinfo', '/v1/userinfo'].includes(path)) {
    const grant = oauth.authenticate(bearer(req) ?? '');
    if (!grant) {
      const error = unauthenticated(bearer(req) === undefined);
      sendJson(res, 401, error.body(), error.headers);
      return true;
    }
    const sub = subjectOf(grant.email);
    const body =
      path === '/oauth2/v2/userinfo' || path === '/oauth2/v1/userinfo'
        ? { id: sub, email: grant.email, verified_email: true }
        : { sub, email: grant.email, email_verified: true };
    sendJson(res, 200, body, {}, JSON_TYPE);
    return true;
  }

  if (path === '/tokeninfo' || path === '/oauth2/v3/tokeninfo') {
    const form = method === 'POST' ? await readForm(req) : new URLSearchParams();
    const value = url.searchParams.get('access_token') ?? form.get('access_token') ?? bearer(req) ?? '';
    const grant = oauth.authenticate(value);
    if (!grant) {
      sendJson(res, 400, { error: 'invalid_token', error_description: 'Invalid Value' }, {}, JSON_TYPE);
      return true;
    }
    const now = deps.clock.now();
    sendJson(
      res,
      200,
      {
        azp: grant.clientId,
        aud: grant.clientId,
        sub: subjectOf(grant.email),
        scope: [...grant.scopes].join(' '),
        exp: String(Math.floor(grant.expiresAt / 1000)),
        expires_in: String(Math.max(0, Math.floor((grant.expiresAt - now) / 1000))),
        email: grant.email,
        email_verified: 'true',
      },
      {},
      JSON_TYPE,
    );
    return true;
  }

  return false;
}
