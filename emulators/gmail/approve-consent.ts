import { unescapeHtml } from './http.js';

/**
 * Completes a Gmail-emulator consent the way a person would: opens the consent page, submits its form
 * with "Allow", and returns where the emulator redirects the browser.
 */
export async function approveConsent(consentUrl: string, account: string): Promise<string> {
  const pageResponse = await fetch(consentUrl, { redirect: 'manual' });
  if (pageResponse.status !== 200) throw new Error(`consent page answered ${pageResponse.status}`);
  const html = await pageResponse.text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error('no consent form on the page');
  const fields = new URLSearchParams();
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields.set(match[1]!, unescapeHtml(match[2]!));
  }
  fields.set('login_hint', account);
  fields.set('decision', 'allow');
  const approved = await fetch(new URL(action, consentUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: fields,
    redirect: 'manual',
  });
  const location = approved.headers.get('location');
  if (approved.status !== 302 || !location)
    throw new Error(`consent answered ${approved.status}: ${await approved.text()}`);
  return location;
}
