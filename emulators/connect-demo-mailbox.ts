import { approveConsent } from './gmail/approve-consent.js';

/** Which Gmail-emulator account to connect, through which API, as which mailbox. */
export interface DemoMailboxOptions {
  apiUrl: string;
  apiKey: string;
  /** A user of the Gmail emulator behind the API's OAuth configuration. */
  account: string;
  tenantExternalId: string;
  mailboxExternalId: string;
}

async function failure(what: string, response: Response): Promise<Error> {
  return new Error(`${what} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
}

/** Creates a connect session through the API and answers its connect link. */
export async function createConnectLink(
  options: Pick<DemoMailboxOptions, 'apiUrl' | 'apiKey'>,
  body: { tenantExternalId: string; mailboxExternalId: string; loginHint?: string; returnUrl?: string },
): Promise<string> {
  const session = await fetch(`${options.apiUrl}/v1/mailboxes/connect-sessions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${options.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (session.status !== 201) throw await failure('creating a connect session', session);
  return ((await session.json()) as { connectUrl: string }).connectUrl;
}

// where the callback sends the browser back; never fetched, only read for the mailbox id it carries
const RETURN_URL = 'http://127.0.0.1/connected';

/**
 * Connects `account` as a mailbox of the API key's workspace the way a person would, without a browser:
 * creates a connect session, follows the connect link to the Gmail emulator's consent page, allows it and
 * follows the callback, whose redirect back names the mailbox. For a mailbox that exists already (same
 * tenant and mailbox external ids) this is a reconnect: it gets a fresh grant and keeps its id. Resolves once
 * the callback has stored the mailbox; its first sync runs afterwards, through Pub/Sub. Any step that does
 * not answer as expected throws.
 */
export async function connectDemoMailbox(options: DemoMailboxOptions): Promise<{ mailboxId: string }> {
  const connectUrl = await createConnectLink(options, {
    tenantExternalId: options.tenantExternalId,
    mailboxExternalId: options.mailboxExternalId,
    loginHint: options.account,
    returnUrl: RETURN_URL,
  });
  const toConsent = await fetch(connectUrl, { redirect: 'manual' });
  const consentUrl = toConsent.headers.get('location');
  if (toConsent.status !== 302 || !consentUrl) throw await failure('the connect link', toConsent);
  const callback = await approveConsent(consentUrl, options.account);
  const done = await fetch(callback, { redirect: 'manual' });
  const back = done.headers.get('location');
  const mailboxId = back?.startsWith(RETURN_URL) ? new URL(back).searchParams.get('mailboxId') : null;
  if (done.status !== 303 || !mailboxId) throw await failure('the OAuth callback', done);
  return { mailboxId };
}
