import { describe, expect, it } from 'vitest';
import { describeError, jsonLogger, redact } from './logger.js';

describe('logging', () => {
  it('writes JSON lines with Cloud Logging severities and drops entries below the level', () => {
    const lines: string[] = [];
    const log = jsonLogger('info', (l) => lines.push(l), { fn: 'api' });
    log.debug('hidden');
    log.warn('careful', { mailboxId: 'mbx_1' });
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      {
        severity: 'WARNING',
        message: 'careful',
        fn: 'api',
        mailboxId: 'mbx_1',
        'logging.googleapis.com/labels': { mailboxId: 'mbx_1' },
      },
    ]);
  });

  it('sets mailbox, delivery and endpoint ids as Cloud Logging labels, and nothing else', () => {
    const lines: string[] = [];
    const log = jsonLogger('info', (l) => lines.push(l), { function: 'deliverWebhook' });
    log.info('delivery attempt', { deliveryId: 'dlv_1', endpointId: 'we_1', status: 500, mailboxId: 7 });
    log.info('quiet');
    const [first, second] = lines.map((l) => JSON.parse(l));
    expect(first['logging.googleapis.com/labels']).toEqual({
      deliveryId: 'dlv_1',
      endpointId: 'we_1',
      function: 'deliverWebhook',
    });
    expect(first).toMatchObject({ severity: 'INFO', message: 'delivery attempt', status: 500 });
    expect(second['logging.googleapis.com/labels']).toEqual({ function: 'deliverWebhook' });
  });

  it('masks OAuth tokens and secrets wherever they appear', () => {
    const text =
      'refresh_token=1//0gAbc-DEF_ghi&client_secret=s3cr3t Authorization: Bearer ya29.a0Af-xyz {"access_token":"ya29.Q"} code=4/0AX';
    const out = redact(text);
    for (const secret of ['1//0gAbc-DEF_ghi', 's3cr3t', 'ya29.a0Af-xyz', 'ya29.Q', '4/0AX'])
      expect(out).not.toContain(secret);
    expect(out).toContain('refresh_token=[redacted]');
  });

  it('describes an error by name and redacted message only', () => {
    const error = Object.assign(new Error('token 1//secret-token rejected'), {
      config: { data: 'refresh_token=1//x' },
    });
    expect(describeError(error)).toEqual({ errorName: 'Error', errorMessage: 'token [redacted] rejected' });
  });
});
