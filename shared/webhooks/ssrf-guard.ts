import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import type { TargetGuard } from './attempt-delivery.js';

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** Whether an address is private, loopback, link-local, CGNAT, multicast, reserved or IPv4-mapped. */
export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  // an IPv4-mapped IPv6 address reaches the IPv4 host: judge that host
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return isForbiddenAddress(mapped);
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The SSRF guard for gcp mode: only http(s) URLs whose host resolves exclusively to public addresses, and
 * never the metadata server. Local mode uses {@link allowAll}. DNS is injectable for tests.
 */
export function publicTargetsOnly(
  resolve: (host: string) => Promise<string[]> = async (h) =>
    (await lookup(h, { all: true })).map((a) => a.address),
): TargetGuard {
  return async (url) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return 'not a URL';
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
      return 'only http(s) targets are allowed';
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    if (host === 'metadata.google.internal' || host.endsWith('.internal'))
      return 'internal hosts are not allowed';
    let addresses: string[];
    try {
      addresses = isIP(host) ? [host] : await resolve(host);
    } catch {
      return 'the host does not resolve';
    }
    if (addresses.length === 0 || addresses.some(isForbiddenAddress))
      return 'the host resolves to a private, loopback or link-local address';
    return undefined;
  };
}

/** Local mode: every target is allowed (receivers run on loopback). */
export const allowAll: TargetGuard = async () => undefined;
