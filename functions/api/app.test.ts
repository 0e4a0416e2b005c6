import { describe, expect, it } from 'vitest';
import type { Runtime } from '../../shared/runtime/composition-root.js';
import { apiDepsOf } from './app.js';

describe('the api function’s dependencies', () => {
  it('allow only https URLs to be stored in gcp mode, and plain http as well in local mode', () => {
    const config = { apiUrl: 'https://api.example', deliverWebhookUrl: 'https://fn.example/deliver' };
    const of = (mode: 'gcp' | 'local') => apiDepsOf({ config: { ...config, mode } } as Runtime);
    expect(of('gcp').httpsOnly).toBe(true);
    expect(of('local').httpsOnly).toBe(false);
  });
});
