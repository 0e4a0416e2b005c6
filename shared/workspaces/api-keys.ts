import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { ApiKeyRecord, WorkspaceStore } from './ports.js';

const KEY_PATTERN = /^mm_live_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
// lastUsedAt is informational; writing it at most once a minute keeps the key document cold
const TOUCH_INTERVAL_MS = 60_000;

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A key as shown once at creation, with its public metadata. */
export interface IssuedApiKey {
  apiKey: string;
  record: Omit<ApiKeyRecord, 'secretHash'>;
}

/** Public view of a key record (never includes the hash). */
export function publicApiKey(record: ApiKeyRecord): Omit<ApiKeyRecord, 'secretHash'> {
  const { secretHash: _hash, ...rest } = record;
  return rest;
}

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A key as the API and the CLI show it: no hash, times in ISO 8601. */
export function apiKeyView(record: Omit<ApiKeyRecord, 'secretHash'>) {
  const { secretHash: _hash, ...rest } = record as ApiKeyRecord;
  return {
    ...rest,
    object: 'api_key' as const,
    createdAt: new Date(record.createdAt).toISOString(),
    lastUsedAt: isoOrNull(record.lastUsedAt),
    revokedAt: isoOrNull(record.revokedAt),
  };
}

/** The body `POST /v1/api-keys` answers for a new key; the CLI prints the same. */
export function createdApiKeyView(issued: IssuedApiKey) {
  return { ...apiKeyView(issued.record), apiKey: issued.apiKey };
}

/** Issues a new API key `mm_live_<keyId>_<secret>` for a workspace; the full key is returned only here. */
export async function issueApiKey(
  deps: { workspaces: WorkspaceStore; clock: Clock },
  workspaceId: string,
  label: string,
): Promise<IssuedApiKey> {
  const keyId = randomBytes(9)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')
    .slice(0, 12);
  const secret = randomBytes(32).toString('base64url');
  const record: ApiKeyRecord = {
    keyId,
    workspaceId,
    label,
    prefix: `mm_live_${keyId}`,
    secretHash: hashSecret(secret),
    createdAt: deps.clock.now(),
    lastUsedAt: null,
    revokedAt: null,
  };
  await deps.workspaces.createApiKey(record);
  return { apiKey: `${record.prefix}_${secret}`, record: publicApiKey(record) };
}

/**
 * Resolves an API key to its workspace id. Unknown, malformed and revoked keys give `undefined`
 * (the caller answers 401 without saying which). Comparison is constant-time.
 */
export async function authenticateApiKey(
  deps: { workspaces: WorkspaceStore; clock: Clock },
  apiKey: string,
): Promise<string | undefined> {
  const match = KEY_PATTERN.exec(apiKey);
  if (!match) return undefined;
  const [, keyId, secret] = match as unknown as [string, string, string];
  const record = await deps.workspaces.getApiKey(keyId);
  if (!record || record.revokedAt !== null) return undefined;
  const expected = Buffer.from(record.secretHash, 'hex');
  const actual = Buffer.from(hashSecret(secret), 'hex');
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
  const now = deps.clock.now();
  if (record.lastUsedAt === null || now - record.lastUsedAt >= TOUCH_INTERVAL_MS) {
    // bookkeeping: a failed write of lastUsedAt must not fail the request it was made for
    await deps.workspaces.touchApiKey(keyId, now).catch(() => undefined);
  }
  return record.workspaceId;
}
