import * as v from 'valibot';

/** The longest URL Mailmon stores (a webhook endpoint, a connect return URL). */
export const MAX_URL_LENGTH = 2048;

/** An absolute `http:` or `https:` URL of at most {@link MAX_URL_LENGTH} characters. */
export const HttpUrl = v.pipe(
  v.string(),
  v.maxLength(MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`),
  v.url('must be an absolute URL'),
  v.regex(/^https?:\/\//, 'must be an http(s) URL'),
);
