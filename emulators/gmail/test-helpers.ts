import { type gmail_v1, google } from 'googleapis';
import { ManualClock } from './clock.js';
import { DEFAULT_CLIENT } from './oauth.js';
import {
  type GmailEmulator,
  type GmailEmulatorEndpoints,
  type GmailEmulatorOptions,
  startGmailEmulator,
} from './server.js';

/** A started emulator with one mailbox, its tokens and a `googleapis` Gmail client on them. */
export interface TestMailbox {
  emulator: GmailEmulator;
  clock: ManualClock;
  email: string;
  accessToken: string;
  refreshToken: string;
  gmail: gmail_v1.Gmail;
}

/**
 * A `googleapis` Gmail client for `accessToken` against the emulator, with gaxios retries off so that
 * 429 and 5xx answers reach the test as they are.
 */
export function gmailClient(
  emulator: { endpoints: Pick<GmailEmulatorEndpoints, 'rootUrl' | 'tokenUrl'> },
  accessToken: string,
): gmail_v1.Gmail {
  const auth = new google.auth.OAuth2({
    clientId: DEFAULT_CLIENT.clientId,
    clientSecret: DEFAULT_CLIENT.clientSecret,
    endpoints: { oauth2TokenUrl: emulator.endpoints.tokenUrl },
  });
  // an expiry far ahead keeps the client from refreshing on its own, so 401s surface
  auth.setCredentials({ access_token: accessToken, expiry_date: Date.now() + 24 * 3600 * 1000 });
  return google.gmail({ version: 'v1', auth, rootUrl: emulator.endpoints.rootUrl, retry: false });
}

/** Starts an emulator on a manual clock with a mailbox for `email` and admin-issued tokens. */
export async function startWithMailbox(
  options: GmailEmulatorOptions = {},
  email = 'alice@example.com',
  scope?: string,
): Promise<TestMailbox> {
  const clock = options.clock instanceof ManualClock ? options.clock : new ManualClock();
  const emulator = await startGmailEmulator({ ...options, clock });
  await emulator.admin.createUser(email);
  const tokens = await emulator.admin.issueTokens(email, scope ? { scope } : {});
  return {
    emulator,
    clock,
    email,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    gmail: gmailClient(emulator, tokens.access_token),
  };
}

/** The status and body of a failed `googleapis` call. */
export async function failure(
  call: Promise<unknown>,
): Promise<{ status: number; body: unknown; headers: Headers }> {
  try {
    await call;
  } catch (error) {
    const response = (error as { response?: { status: number; data: unknown; headers: Headers } }).response;
    if (response) return { status: response.status, body: response.data, headers: response.headers };
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** `fetch` to an admin path, returning status, content type and parsed JSON. */
export async function adminFetch(
  emulator: GmailEmulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; contentType: string | null; json: unknown }> {
  const response = await fetch(`${emulator.url}/__admin${path}`, {
    method,
    ...(body === undefined
      ? {}
      : {
          headers: { 'content-type': 'application/json' },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        }),
  });
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    json: text ? JSON.parse(text) : undefined,
  };
}
