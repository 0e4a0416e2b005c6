import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import type { DnsResolver } from './ports.js';

/** Whether a target may be called, and if not, why and whether asking again later could change that. */
export type TargetVerdict = { allowed: true } | { allowed: false; reason: string; retryable: boolean };

/** Decides whether a webhook URL may be called. */
export type TargetGuard = (url: string) => Promise<TargetVerdict>;

// Google's metadata server and other names that only mean something inside the cloud or this host
const INTERNAL_NAMES = new Set(['localhost', 'metadata', 'metadata.google.internal']);
const INTERNAL_SUFFIXES = ['.localhost', '.internal'];
// every IPv6 unicast address assigned for the public internet lies in 2000::/3
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/**
 * Whether an IP address is an ordinary public unicast address. Everything else is refused: private
 * (RFC 1918), loopback, link-local (169.254.0.0/16, where the metadata server 169.254.169.254 lives;
 * fe80::/10), unique-local (fc00::/7, incl. fd00:ec2::254), CGNAT (100.64.0.0/10), multicast, broadcast,
 * unspecified, reserved and documentation ranges, NAT64/6to4/Teredo, and IPv6 outside 2000::/3.
 * IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are judged as the IPv4 address they reach. Range data
 * comes from `ipaddr.js`. An unparsable address is not public.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const ip = ipaddr.process(address);
  if (ip.range() !== 'unicast') return false;
  return ip.kind() === 'ipv4' || ip.match(GLOBAL_UNICAST_V6);
}

/** The resolver of the host (`getaddrinfo`, every address of both families). */
export const systemDnsResolver: DnsResolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/**
 * Why a host is refused for a non-public address. It names the host (the customer's own URL) but never the
 * address it resolved to: refusals are stored and shown, and that address is internal.
 */
export function nonPublicAddressReason(host: string): string {
  return ipaddr.isValid(host)
    ? `${host} is not a public address`
    : `${host} resolves to a non-public address`;
}

function refuse(reason: string, retryable = false): TargetVerdict {
  return { allowed: false, reason, retryable };
}

/**
 * Checks a webhook URL before it is called. In both modes only `http:` and `https:` URLs pass. In `gcp`
 * mode the host must not be an internal name (localhost, metadata.google.internal, `*.internal`) and
 * every address it resolves to (or the literal address) must be public ({@link isPublicAddress}); one
 * bad address refuses the URL. A host that does not resolve is refused as retryable (DNS may recover);
 * the other refusals are final. `local` mode allows any address, so receivers on loopback work.
 */
export async function checkWebhookTarget(
  url: string,
  options: { mode: 'gcp' | 'local'; resolve: DnsResolver },
): Promise<TargetVerdict> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return refuse('not an absolute URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    return refuse('only http(s) URLs are called');
  if (options.mode === 'local') return { allowed: true };

  const host = parsed.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (INTERNAL_NAMES.has(host) || INTERNAL_SUFFIXES.some((s) => host.endsWith(s)))
    return refuse(`${host} is an internal host name`);
  let addresses: string[];
  if (ipaddr.isValid(host)) {
    addresses = [host];
  } else {
    try {
      addresses = await options.resolve(host);
    } catch {
      return refuse(`${host} does not resolve`, true);
    }
    if (addresses.length === 0) return refuse(`${host} does not resolve`, true);
  }
  if (!addresses.every(isPublicAddress)) return refuse(nonPublicAddressReason(host));
  return { allowed: true };
}

/** A guard for `mode`; DNS is injectable. */
export function createTargetGuard(options: { mode: 'gcp' | 'local'; resolve?: DnsResolver }): TargetGuard {
  const resolve = options.resolve ?? systemDnsResolver;
  return (url) => checkWebhookTarget(url, { mode: options.mode, resolve });
}

/** The gcp-mode guard: public addresses only (see {@link checkWebhookTarget}). */
export function publicTargetsOnly(resolve: DnsResolver = systemDnsResolver): TargetGuard {
  return createTargetGuard({ mode: 'gcp', resolve });
}

/** The local-mode guard: any http(s) URL, loopback and private addresses included. */
export const allowAll: TargetGuard = createTargetGuard({ mode: 'local' });
