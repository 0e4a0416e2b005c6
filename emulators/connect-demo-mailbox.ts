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

/**
 * Connects `account` as a mailbox of the API key's workspace the way a person would, without a browser:
 * creates a connect session, follows the connect link to the Gmail emulator's consent page, allows it and
 * follows the callback. For a mailbox that exists already (same tenant and mailbox external ids) this is a
 * reconnect: it gets a fresh grant and keeps its id. Resolves once the callback has stored the mailbox;
 * its first sync runs afterwards, through Pub/Sub. Any step that does not answer as expected throws.
 */
export async function connectDemoMailbox(options: DemoMailboxOptions): Promise<{ mailboxId: string }> {
  const authorization = `Bearer ${options.apiKey}`;
  const session = await fetch(`${options.apiUrl}/v1/mailboxes/connect-sessions`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body: JSON.stringify({
      tenantExternalId: options.tenantExternalId,
      mailboxExternalId: options.mailboxExternalId,
      loginHint: options.account,
    }),
  });
  if (session.status !== 201) throw await failure('creating a connect session', session);
  const { connectUrl } = (await session.json()) as { connectUrl: string };

  const toConsent = await fetch(connectUrl, { redirect: 'manual' });
  const consentUrl = toConsent.headers.get('location');
  if (toConsent.status !== 302 || !consentUrl) throw await failure('the connect link', toConsent);
  const callback = await approveConsent(consentUrl, options.account);
  const done = await fetch(callback, { redirect: 'manual' });
  if (done.status !== 200) throw await failure('the OAuth callback', done);
  await done.body?.cancel();

  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const listed = await fetch(`${options.apiUrl}/v1/mailboxes?limit=500${query}`, {
      headers: { authorization },
    });
    if (listed.status !== 200) throw await failure('listing mailboxes', listed);
    const page = (await listed.json()) as {
      data: { id: string; tenantExternalId: string; mailboxExternalId: string }[];
      nextCursor: string | null;
    };
    const mailbox = page.data.find(
      (m) =>
        m.tenantExternalId === options.tenantExternalId && m.mailboxExternalId === options.mailboxExternalId,
    );
    if (mailbox) return { mailboxId: mailbox.id };
    cursor = page.nextCursor;
  } while (cursor);
  throw new Error('the connected mailbox is not in the workspace’s list');
}
