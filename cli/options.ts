import { InvalidArgumentError, Option } from 'commander';

/** `--limit <n>`: a whole number from 1 to `max`; anything else is a usage error (exit 2). */
export function limitOption(max = 100, fallback = 50): Option {
  return new Option('--limit <n>', `at most this many (1-${max})`).default(fallback).argParser((value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max)
      throw new InvalidArgumentError(`must be a whole number from 1 to ${max}`);
    return n;
  });
}

/** A duration such as `90s`, `15m`, `1h` or `2d`, in milliseconds; anything else is a usage error. */
export function parseDuration(value: string): number {
  const match = /^(\d+)(s|m|h|d)$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('must be a duration such as 90s, 15m, 1h or 2d');
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

/** An ISO 8601 time, in epoch milliseconds; anything else is a usage error. */
export function parseTime(value: string): number {
  const at = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(at))
    throw new InvalidArgumentError('must be an ISO 8601 time');
  return at;
}

/** An absolute http(s) URL; anything else is a usage error. */
export function parseUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return value;
  } catch {}
  throw new InvalidArgumentError('must be an http(s) URL');
}
