import type { CredentialBox } from '../secrets/credentials.js';
import type { SealedSecret } from '../secrets/ports.js';
import { endpointSecretContext } from './endpoint-secrets.js';

/** An endpoint's sealed signing secrets, in stored order. */
export interface StoredEndpointSecrets {
  endpointId: string;
  sealed: SealedSecret[];
}

/** Where endpoint signing secrets are listed and replaced (Firestore `webhookEndpoints/{id}.secrets`). */
export interface EndpointSecretStore {
  listSecrets(): AsyncIterable<StoredEndpointSecrets>;
  /**
   * Replaces the sealed secrets of an endpoint, keeping every other field of each secret, only while they are
   * still `expected` (compare-and-set: a rotation meanwhile wins, and the next run rewraps its secret).
   */
  replaceSecrets(endpointId: string, expected: SealedSecret[], next: SealedSecret[]): Promise<boolean>;
}

/** What an audit of signing secrets found; never contains a secret. */
export interface EndpointSecretAudit {
  total: number;
  byKeyId: Record<string, number>;
  unreadable: { id: string; keyId: string; reason: string }[];
}

/** Counts endpoint signing secrets by wrapping key and proves each one still opens for its endpoint. */
export async function auditEndpointSecrets(deps: {
  box: Pick<CredentialBox, 'openSecret'>;
  secrets: EndpointSecretStore;
}): Promise<EndpointSecretAudit> {
  const audit: EndpointSecretAudit = { total: 0, byKeyId: {}, unreadable: [] };
  for await (const endpoint of deps.secrets.listSecrets()) {
    for (const sealed of endpoint.sealed) {
      audit.total += 1;
      audit.byKeyId[sealed.keyId] = (audit.byKeyId[sealed.keyId] ?? 0) + 1;
      try {
        await deps.box.openSecret(endpointSecretContext(endpoint.endpointId), sealed);
      } catch (error) {
        audit.unreadable.push({
          id: endpoint.endpointId,
          keyId: sealed.keyId,
          reason: error instanceof Error ? error.name : 'unknown',
        });
      }
    }
  }
  return audit;
}

/**
 * Moves every endpoint's signing secrets to the current key-encryption key (their data keys are re-wrapped;
 * the secrets themselves, and so every signature, stay the same). Idempotent and safe to re-run: each endpoint
 * is swapped with compare-and-set. `onProgress` is told after each endpoint.
 */
export async function rewrapEndpointSecrets(
  deps: { box: Pick<CredentialBox, 'rewrapSecret'>; secrets: EndpointSecretStore },
  onProgress: () => void = () => {},
): Promise<{ rewrapped: number; failed: { id: string; reason: string }[] }> {
  let rewrapped = 0;
  const failed: { id: string; reason: string }[] = [];
  for await (const endpoint of deps.secrets.listSecrets()) {
    try {
      const context = endpointSecretContext(endpoint.endpointId);
      const next = await Promise.all(endpoint.sealed.map((s) => deps.box.rewrapSecret(context, s)));
      if (await deps.secrets.replaceSecrets(endpoint.endpointId, endpoint.sealed, next))
        rewrapped += next.length;
    } catch (error) {
      failed.push({ id: endpoint.endpointId, reason: error instanceof Error ? error.name : 'unknown' });
    }
    onProgress();
  }
  return { rewrapped, failed };
}
