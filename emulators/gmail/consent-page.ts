import { escapeHtml } from './http.js';
import type { AuthorizeRequest } from './oauth.js';

/** Path the consent form posts to. */
export const APPROVE_PATH = '/o/oauth2/v2/auth/approve';

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}code{word-break:break-all}</style>
</head><body>${body}</body></html>`;
}

/**
 * The consent screen: a form carrying the original request as hidden fields, an account field and
 * Allow / Deny buttons (`decision=allow|deny`). Posting the form is how consent is scripted without a browser.
 */
export function consentPage(
  params: URLSearchParams,
  request: AuthorizeRequest,
  knownUsers: readonly string[],
  error?: string,
): string {
  const hidden = [...params.entries()]
    .filter(([name]) => name !== 'login_hint' && name !== 'decision')
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  const account = request.loginHint ?? (knownUsers.length === 1 ? knownUsers[0] : '') ?? '';
  const options = knownUsers.map((u) => `<option value="${escapeHtml(u)}">`).join('');
  const scopes = request.scope
    .split(' ')
    .map((s) => `<li><code>${escapeHtml(s)}</code></li>`)
    .join('');
  return page(
    'Sign in - Google Accounts (Gmail emulator)',
    `<h1>Gmail emulator</h1>
<p><strong>${escapeHtml(request.client.clientId)}</strong> wants to access your Google Account:</p>
<ul>${scopes}</ul>
${error ? `<p role="alert" id="error">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${APPROVE_PATH}" id="consent">
${hidden}
<label>Account <input type="email" name="login_hint" list="accounts" value="${escapeHtml(account)}" required></label>
<datalist id="accounts">${options}</datalist>
<p><button type="submit" name="decision" value="allow" id="allow">Allow</button>
<button type="submit" name="decision" value="deny" id="deny">Deny</button></p>
</form>`,
  );
}

/** An authorization error shown to the user instead of redirecting (bad client or redirect URI). */
export function errorPage(error: string, description: string): string {
  return page(
    `Error: ${error}`,
    `<h1>Access blocked: authorization error</h1>
<p id="error-code">Error ${escapeHtml(error)}</p>
<p id="error-description">${escapeHtml(description)}</p>`,
  );
}
