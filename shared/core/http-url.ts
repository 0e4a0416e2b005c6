import * as v from 'valibot';
import { NonRetryableError } from './errors.js';

/** The longest URL Mailmon stores (a webhook endpoint, a connect return URL). */
export const MAX_URL_LENGTH = 2048;

/** An absolute `http:` or `https:` URL of at most {@link MAX_URL_LENGTH} characters. */
export const HttpUrl = v.pipe(
  v.string(),
  v.maxLength(MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`),
  v.url('must be an absolute URL'),
  v.regex(/^https?:\/\//, 'must be an http(s) URL'),
);

/**
 * Refuses a plain-`http:` URL where only `https:` may be stored (gcp mode: webhook bodies carry mail metadata,
 * return redirects carry the connect outcome): throws `NonRetryableError` (`insecure_url`) naming `field`.
 * Without `httpsOnly` (local mode) both schemes pass, so receivers and apps on loopback work.
 */
export function assertSecureUrl(url: string, field: string, httpsOnly: boolean | undefined): void {
  if (httpsOnly && new URL(url).protocol !== 'https:')
    throw new NonRetryableError(`${field} must be an https:// URL`, 'insecure_url');
}
