import { describe, expect, it } from 'vitest';
import { isForbiddenAddress, publicTargetsOnly } from './ssrf-guard.js';

describe('the SSRF guard', () => {
  it('forbids private, loopback, link-local, CGNAT, multicast and mapped addresses', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '::1',
      'fd00:ec2::254',
      'fe80::1',
      '::ffff:127.0.0.1',
    ]) {
      expect(isForbiddenAddress(a), a).toBe(true);
    }
    for (const a of ['8.8.8.8', '142.250.1.1', '2001:4860:4860::8888'])
      expect(isForbiddenAddress(a), a).toBe(false);
  });

  it('checks every address a host resolves to, and refuses non-http schemes and internal names', async () => {
    const dns: Record<string, string[]> = {
      'ok.example': ['93.184.216.34'],
      'mixed.example': ['93.184.216.34', '10.0.0.1'],
    };
    const guard = publicTargetsOnly(async (h) => dns[h] ?? []);
    expect(await guard('https://ok.example/hook')).toBeUndefined();
    expect(await guard('https://mixed.example/hook')).toMatch(/private/);
    expect(await guard('http://169.254.169.254/computeMetadata')).toMatch(/private/);
    expect(await guard('http://metadata.google.internal/')).toMatch(/internal/);
    expect(await guard('ftp://ok.example/')).toMatch(/http/);
    expect(await guard('https://unknown.example/')).toMatch(/private|resolve/);
  });
});
