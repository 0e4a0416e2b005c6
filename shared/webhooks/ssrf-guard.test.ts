import { describe, expect, it } from 'vitest';
import type { DnsResolver } from './ports.js';
import {
  allowAll,
  checkWebhookTarget,
  createTargetGuard,
  isPublicAddress,
  publicTargetsOnly,
} from './ssrf-guard.js';

const dns =
  (table: Record<string, string[]>): DnsResolver =>
  async (host) => {
    const found = table[host];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found;
  };

describe('which addresses are public', () => {
  it('refuses private, loopback, link-local, CGNAT, multicast, broadcast, unspecified and reserved IPv4', () => {
    for (const a of [
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '127.0.0.1',
      '127.255.255.254',
      '169.254.169.254',
      '169.254.0.1',
      '100.64.0.1',
      '100.127.255.255',
      '224.0.0.1',
      '239.255.255.250',
      '255.255.255.255',
      '0.0.0.0',
      '0.1.2.3',
      '192.0.2.1',
      '198.18.0.1',
      '240.0.0.1',
    ])
      expect(isPublicAddress(a), a).toBe(false);
  });

  it('refuses loopback, unspecified, link-local, unique-local, multicast and non-global IPv6', () => {
    for (const a of [
      '::1',
      '::',
      'fe80::1',
      'fc00::1',
      'fd00:ec2::254',
      'ff02::1',
      '2001:db8::1',
      '64:ff9b::a00:1',
      '2002:a00:1::1',
      '::7f00:1',
      '100::1',
    ])
      expect(isPublicAddress(a), a).toBe(false);
  });

  it('judges IPv4-mapped IPv6 addresses by the IPv4 address they reach', () => {
    for (const a of ['::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '::ffff:169.254.169.254'])
      expect(isPublicAddress(a), a).toBe(false);
    expect(isPublicAddress('::ffff:8.8.8.8')).toBe(true);
  });

  it('allows ordinary public addresses of both families', () => {
    for (const a of [
      '8.8.8.8',
      '93.184.216.34',
      '142.250.74.46',
      '172.32.0.1',
      '100.128.0.1',
      '2001:4860:4860::8888',
      '2606:4700::1111',
    ])
      expect(isPublicAddress(a), a).toBe(true);
  });

  it('treats anything that is not an address as not public', () => {
    for (const a of ['', 'example.com', '1.2.3.4.5', '::g']) expect(isPublicAddress(a), a).toBe(false);
  });
});

describe('the gcp-mode target check', () => {
  const guard = publicTargetsOnly(
    dns({
      'hooks.example': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
      'mixed.example': ['93.184.216.34', '10.0.0.1'],
      'v6-loopback.example': ['93.184.216.34', '::1'],
      'mapped.example': ['::ffff:169.254.169.254'],
      'empty.example': [],
    }),
  );

  it('allows http(s) URLs whose host resolves only to public addresses', async () => {
    expect(await guard('https://hooks.example/mailmon')).toEqual({ allowed: true });
    expect(await guard('http://hooks.example:8080/mailmon?x=1')).toEqual({ allowed: true });
    expect(await guard('https://93.184.216.34/hook')).toEqual({ allowed: true });
  });

  it('refuses a host when any one of its addresses is not public, without naming the internal address', async () => {
    for (const host of ['mixed.example', 'v6-loopback.example', 'mapped.example'])
      expect(await guard(`https://${host}/`), host).toMatchObject({
        allowed: false,
        retryable: false,
        reason: `${host} resolves to a non-public address`,
      });
  });

  it('refuses literal private, metadata and loopback addresses however they are written', async () => {
    for (const url of [
      'http://169.254.169.254/computeMetadata/v1/',
      'http://[fd00:ec2::254]/',
      'http://[::1]:8080/',
      'http://[::ffff:127.0.0.1]/',
      'http://127.1/',
      'http://2130706433/',
      'http://0x7f000001/',
      'http://0177.0.0.1/',
      'http://10.0.0.1/',
    ])
      expect(await guard(url), url).toMatchObject({ allowed: false, retryable: false });
    expect(await guard('http://10.0.0.1/')).toMatchObject({ reason: '10.0.0.1 is not a public address' });
  });

  it('refuses internal host names without asking DNS', async () => {
    const asked: string[] = [];
    const recording = publicTargetsOnly(async (h) => {
      asked.push(h);
      return ['93.184.216.34'];
    });
    for (const url of [
      'http://metadata.google.internal/computeMetadata/v1/',
      'http://metadata.google.internal./',
      'http://METADATA.GOOGLE.INTERNAL/',
      'http://metadata/',
      'http://localhost:3000/',
      'http://app.localhost/',
      'http://vm-1.us-central1-a.c.project.internal/',
    ])
      expect(await recording(url), url).toMatchObject({ allowed: false, retryable: false });
    expect(asked).toEqual([]);
  });

  it('refuses a host that does not resolve as retryable', async () => {
    expect(await guard('https://nowhere.example/')).toMatchObject({ allowed: false, retryable: true });
    expect(await guard('https://empty.example/')).toMatchObject({ allowed: false, retryable: true });
  });

  it('refuses what is not an http(s) URL', async () => {
    for (const url of [
      'ftp://hooks.example/',
      'file:///etc/passwd',
      'gopher://hooks.example/',
      'hooks.example/x',
      '',
    ])
      expect(await guard(url), url).toMatchObject({ allowed: false, retryable: false });
  });
});

describe('the local-mode target check', () => {
  it('allows loopback and private targets so receivers on this machine work', async () => {
    for (const url of [
      'http://127.0.0.1:8787/hook',
      'http://localhost:3000/',
      'http://[::1]/',
      'http://10.0.0.1/',
    ])
      expect(await allowAll(url), url).toEqual({ allowed: true });
  });

  it('still calls only http(s) URLs, and never resolves anything', async () => {
    const resolve = async () => {
      throw new Error('no DNS in local mode');
    };
    expect(await checkWebhookTarget('ftp://127.0.0.1/', { mode: 'local', resolve })).toMatchObject({
      allowed: false,
    });
    expect(await createTargetGuard({ mode: 'local', resolve })('https://anything.example/')).toEqual({
      allowed: true,
    });
  });
});
