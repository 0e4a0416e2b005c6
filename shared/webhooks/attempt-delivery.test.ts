import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { type AttemptDeliveryDeps, attemptDelivery } from './attempt-delivery.js';
import type { HttpRequest, HttpResult, HttpSender } from './ports.js';
import { RETRY_DELAYS_MS, retryDelayBounds } from './retry-schedule.js';
import { generateWebhookSecret, verifyWebhook } from './sign.js';
import { allowAll, publicTargetsOnly } from './ssrf-guard.js';
import { deliveryFixture, endpointFixture, eventFixture } from './testing/delivery-store-contract.js';
import { MemoryDeliveryStore, type StoredEndpoint } from './testing/memory-delivery-store.js';

const S = 1000;
const H = 3_600_000;
const DAY = 24 * H;
const T0 = Date.UTC(2026, 5, 1);

/** A small deterministic PRNG (mulberry32), so jitter really varies but runs repeat. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const answer = (status: number, body = '', headers: Record<string, string> = {}): HttpResult => ({
  kind: 'response',
  status,
  headers,
  body,
});

function setUp(options: { endpoint?: Partial<StoredEndpoint>; deps?: Partial<AttemptDeliveryDeps> } = {}) {
  const clock = new ManualClock(T0);
  const store = new MemoryDeliveryStore();
  const secret = generateWebhookSecret();
  store.seed({
    endpoint: endpointFixture({ secrets: [{ secret, expiresAt: null }], ...options.endpoint }),
    event: eventFixture(),
    delivery: deliveryFixture(),
  });
  const requests: (HttpRequest & { at: number })[] = [];
  let respond: (request: HttpRequest) => HttpResult | Promise<HttpResult> = () => answer(200, 'ok');
  const sender: HttpSender = {
    async send(request) {
      requests.push({ ...request, at: clock.now() });
      return respond(request);
    },
  };
  const deps: AttemptDeliveryDeps = {
    store,
    sender,
    clock,
    random: seededRandom(7),
    guard: allowAll,
    ...options.deps,
  };
  return {
    clock,
    store,
    secret,
    requests,
    deps,
    respondWith(fn: typeof respond) {
      respond = fn;
    },
    attempt: (attempt: number, deliveryId = 'dlv_1') => attemptDelivery(deps, { deliveryId, attempt }),
    /** Plays the task queue: runs every scheduled attempt in time order, moving the clock to each. */
    async drain() {
      for (let step = 0; step < 500; step += 1) {
        const next = store.takeNextScheduled();
        if (!next) return;
        if (next.at > clock.now()) clock.set(next.at);
        await attemptDelivery(deps, next);
      }
      throw new Error('the queue never drained');
    },
  };
}

describe('a delivery attempt that succeeds', () => {
  it('sends the signed event once, records the attempt and schedules nothing', async () => {
    const w = setUp();
    w.respondWith(() => {
      w.clock.advance(120);
      return answer(200, 'thanks');
    });
    const result = await w.attempt(1);
    expect(result).toEqual({
      kind: 'attempted',
      attempt: {
        attempt: 1,
        at: T0 + 120,
        durationMs: 120,
        status: 200,
        outcome: 'delivered',
        responseSnippet: 'thanks',
        error: null,
        nextAttemptAt: null,
      },
      delivery: { state: 'delivered' },
      endpoint: undefined,
    });
    expect(w.requests).toHaveLength(1);
    const [sent] = w.requests;
    expect(sent!.url).toBe('https://hooks.example/mailmon');
    expect(sent!.timeoutMs).toBe(15_000);
    expect(JSON.parse(sent!.body)).toEqual(eventFixture());
    expect(sent!.headers).toMatchObject({
      'webhook-id': 'evt_1',
      'x-mailmon-delivery-id': 'dlv_1',
      'x-mailmon-attempt': '1',
    });
    expect(
      verifyWebhook({ headers: sent!.headers, rawBody: sent!.body, secrets: w.secret, now: T0 }).ok,
    ).toBe(true);
    expect(w.store.deliveries.get('dlv_1')).toMatchObject({ state: 'delivered', attempts: 1 });
    expect(w.store.scheduled).toEqual([]);
    expect(w.store.slotHolders('we_1', T0)).toEqual([]);
  });

  it('clears the failing mark of an endpoint that was failing', async () => {
    const w = setUp({ endpoint: { failingSince: T0 - 4 * DAY } });
    const result = await w.attempt(1);
    expect(result).toMatchObject({ endpoint: { kind: 'healthy' } });
    expect(w.store.endpoints.get('we_1')?.failingSince).toBeNull();
  });

  it('keeps at most 1 KiB of the response, without splitting a character', async () => {
    const w = setUp();
    w.respondWith(() => answer(200, `${'a'.repeat(1023)}é${'b'.repeat(3000)}`));
    const result = await w.attempt(1);
    const snippet = result.kind === 'attempted' ? result.attempt.responseSnippet : '';
    expect(snippet).toBe('a'.repeat(1023));
    expect(Buffer.byteLength(snippet)).toBeLessThanOrEqual(1024);
  });

  it('signs with every secret active at the time of the attempt', async () => {
    const next = generateWebhookSecret();
    const w = setUp();
    const old = w.store.endpoints.get('we_1')!.secrets[0]!.secret;
    w.store.endpoints.get('we_1')!.secrets = [
      { secret: next, expiresAt: null },
      { secret: old, expiresAt: T0 + H },
    ];
    await w.attempt(1);
    const headers = w.requests[0]!.headers;
    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
    for (const held of [next, old])
      expect(verifyWebhook({ headers, rawBody: w.requests[0]!.body, secrets: held, now: T0 }).ok).toBe(true);

    w.store.seed({ delivery: deliveryFixture({ id: 'dlv_2' }) });
    w.clock.set(T0 + 2 * H);
    await w.attempt(1, 'dlv_2');
    const later = w.requests[1]!;
    expect(later.headers['webhook-signature']!.split(' ')).toHaveLength(1);
    expect(
      verifyWebhook({ headers: later.headers, rawBody: later.body, secrets: old, now: T0 + 2 * H }).ok,
    ).toBe(false);
  });
});

describe('an endpoint that is down', () => {
  it('receives the event once it is back after a simulated day, with attempts on the jittered schedule', async () => {
    const w = setUp();
    const backAt = T0 + DAY;
    w.respondWith(() => (w.clock.now() < backAt ? answer(503, 'maintenance') : answer(204)));
    await w.attempt(1);
    await w.drain();

    const attempts = w.store.attempts.get('dlv_1')!;
    // 5 s + 5 min + 30 min + 2 h + 5 h + 10 h is at most 19.3 h with jitter; the next gap (14 h ± 10%) ends after the day
    expect(attempts.map((a) => a.outcome)).toEqual([...Array(7).fill('retry'), 'delivered']);
    for (let i = 1; i < attempts.length; i += 1) {
      const gap = attempts[i]!.at - attempts[i - 1]!.at;
      const bounds = retryDelayBounds(i)!;
      expect(gap, `gap before attempt ${i + 1}`).toBeGreaterThanOrEqual(bounds.min);
      expect(gap, `gap before attempt ${i + 1}`).toBeLessThanOrEqual(bounds.max);
      expect(attempts[i - 1]!.nextAttemptAt).toBe(attempts[i]!.at);
    }
    // jitter is real: the gaps are not the bare schedule
    expect(attempts.slice(1).some((a, i) => a.at - attempts[i]!.at !== RETRY_DELAYS_MS[i])).toBe(true);

    expect(w.requests.map((r) => r.headers['x-mailmon-attempt'])).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
    ]);
    expect(new Set(w.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set(['evt_1']));
    const delivered = w.requests.at(-1)!;
    expect(delivered.at).toBeGreaterThanOrEqual(backAt);
    expect(
      verifyWebhook({
        headers: delivered.headers,
        rawBody: delivered.body,
        secrets: w.secret,
        now: delivered.at,
      }).ok,
    ).toBe(true);
    expect(w.store.deliveries.get('dlv_1')).toMatchObject({
      state: 'delivered',
      attempts: 8,
      nextAttemptAt: null,
    });
    expect(w.store.endpoints.get('we_1')).toMatchObject({ status: 'enabled', failingSince: null });
  });

  it('marks the endpoint failing from the first failure on', async () => {
    const w = setUp();
    w.respondWith(() => answer(500));
    expect(await w.attempt(1)).toMatchObject({ endpoint: { kind: 'failing', since: T0 } });
    expect(w.store.endpoints.get('we_1')?.failingSince).toBe(T0);
  });

  it('gives up after the tenth attempt, about three days in, without disabling the endpoint', async () => {
    const w = setUp();
    w.respondWith(() => answer(500));
    await w.attempt(1);
    await w.drain();
    const attempts = w.store.attempts.get('dlv_1')!;
    expect(attempts).toHaveLength(10);
    expect(attempts.at(-1)).toMatchObject({ outcome: 'retry', nextAttemptAt: null });
    expect(w.store.deliveries.get('dlv_1')).toMatchObject({
      state: 'failed',
      failureReason: 'retries_exhausted',
    });
    const span = attempts.at(-1)!.at - attempts[0]!.at;
    const total = RETRY_DELAYS_MS.reduce((a, b) => a + b, 0);
    expect(span).toBeGreaterThanOrEqual(total * 0.9);
    expect(span).toBeLessThanOrEqual(total * 1.1);
    expect(w.store.endpoints.get('we_1')).toMatchObject({ status: 'enabled', failingSince: T0 });
    expect(w.store.operatorEvents).toEqual([]);
  });

  it('retries timeouts and network errors and records what went wrong', async () => {
    const w = setUp();
    w.respondWith(() => ({ kind: 'timeout', error: 'no answer within 15000 ms' }));
    expect(await w.attempt(1)).toMatchObject({
      attempt: {
        status: 'timeout',
        outcome: 'retry',
        error: 'no answer within 15000 ms',
        responseSnippet: '',
      },
      delivery: { state: 'pending' },
    });
    w.clock.set(w.store.scheduled[0]!.at);
    w.respondWith(() => ({ kind: 'network_error', error: 'ECONNREFUSED' }));
    expect(await w.attempt(2)).toMatchObject({
      attempt: { status: 'network_error', outcome: 'retry', error: 'ECONNREFUSED' },
      delivery: { state: 'pending' },
    });
  });

  it('waits as long as Retry-After asks when that is later than the schedule, up to a day', async () => {
    const w = setUp();
    w.respondWith(() => answer(503, '', { 'retry-after': '3600' }));
    expect(await w.attempt(1)).toMatchObject({ delivery: { state: 'pending', nextAttemptAt: T0 + H } });
    expect(w.store.scheduled).toEqual([{ deliveryId: 'dlv_1', attempt: 2, at: T0 + H }]);

    w.clock.set(T0 + H);
    w.respondWith(() => answer(429, '', { 'retry-after': new Date(T0 + H + 9 * DAY).toUTCString() }));
    expect(await w.attempt(2)).toMatchObject({ delivery: { state: 'pending', nextAttemptAt: T0 + H + DAY } });
  });

  it('never retries sooner than the schedule because of a short Retry-After', async () => {
    const w = setUp();
    w.respondWith(() => answer(429, '', { 'retry-after': '1' }));
    const result = await w.attempt(1);
    const next =
      result.kind === 'attempted' && result.delivery.state === 'pending' ? result.delivery.nextAttemptAt : 0;
    expect(next - T0).toBeGreaterThanOrEqual(retryDelayBounds(1)!.min);
    expect(next - T0).toBeGreaterThan(1 * S);
  });
});

describe('responses that end a delivery', () => {
  it('410 Gone disables the endpoint, records endpoint.disabled and fails the delivery', async () => {
    const w = setUp();
    w.respondWith(() => answer(410, 'gone'));
    expect(await w.attempt(1)).toMatchObject({
      attempt: { status: 410, outcome: 'endpoint_gone', nextAttemptAt: null },
      delivery: { state: 'failed', reason: 'endpoint_gone' },
      endpoint: { kind: 'disabled', reason: 'gone', at: T0 },
    });
    expect(w.store.endpoints.get('we_1')).toMatchObject({ status: 'disabled', disabledReason: 'gone' });
    expect(w.store.operatorEvents).toEqual([
      {
        type: 'endpoint.disabled',
        workspaceId: 'ws_1',
        endpointId: 'we_1',
        reason: 'gone',
        at: T0,
        deliveryId: 'dlv_1',
        attempt: 1,
      },
    ]);
    expect(w.store.scheduled).toEqual([]);
  });

  it('fails other 4xx and redirects at once, without following them', async () => {
    for (const [status, headers] of [
      [400, {}],
      [404, {}],
      [302, { location: 'http://169.254.169.254/' }],
      [308, { location: 'https://elsewhere.example/' }],
    ] as const) {
      const w = setUp();
      w.respondWith(() => answer(status, 'no', headers));
      expect(await w.attempt(1), String(status)).toMatchObject({
        attempt: { status, outcome: 'failed', nextAttemptAt: null },
        delivery: { state: 'failed', reason: 'rejected' },
        endpoint: { kind: 'failing', since: T0 },
      });
      expect(w.requests).toHaveLength(1);
      expect(w.store.scheduled).toEqual([]);
    }
  });
});

describe('an endpoint failing for five days', () => {
  it('is disabled at the first failure five days after its failures began, with one operator event', async () => {
    const w = setUp();
    w.respondWith(() => answer(503));
    // a new event for the endpoint every 6 hours for a week
    for (let k = 0; k < 28; k += 1) {
      w.store.seed({
        event: eventFixture({ id: `evt_w${k}`, seq: k + 1 }),
        delivery: deliveryFixture({ id: `dlv_w${k}`, eventId: `evt_w${k}` }),
      });
      await w.store.scheduleAttempt(`dlv_w${k}`, 1, T0 + k * 6 * H);
    }
    w.store.deliveries.delete('dlv_1');
    await w.drain();

    expect(w.store.operatorEvents).toHaveLength(1);
    const disabledAt = w.store.operatorEvents[0]!.at;
    expect(w.store.operatorEvents[0]).toMatchObject({
      type: 'endpoint.disabled',
      reason: 'failing_for_5_days',
    });
    expect(disabledAt).toBeGreaterThanOrEqual(T0 + 5 * DAY);
    expect(disabledAt).toBeLessThanOrEqual(T0 + 5 * DAY + 6 * H);
    expect(w.store.endpoints.get('we_1')).toMatchObject({
      status: 'disabled',
      disabledReason: 'failing_for_5_days',
    });
    expect(w.requests.every((r) => r.at <= disabledAt)).toBe(true);
    const states = [...w.store.deliveries.values()].map((d) => d.state);
    expect(states.every((s) => s === 'failed')).toBe(true);
    // the earliest deliveries ran out of retries (about three days) before the endpoint was disabled
    const reasons = new Set([...w.store.deliveries.values()].map((d) => d.failureReason));
    expect(reasons).toEqual(new Set(['retries_exhausted', 'endpoint_disabled']));
    const disabling = w.store.operatorEvents[0]!.deliveryId;
    expect(w.store.deliveries.get(disabling)).toMatchObject({
      state: 'failed',
      failureReason: 'endpoint_disabled',
    });
  });

  it('is not disabled by a failure worked out before a success that landed first', async () => {
    const w = setUp({ endpoint: { failingSince: T0 - 6 * DAY } });
    w.store.seed({
      event: eventFixture({ id: 'evt_2' }),
      delivery: deliveryFixture({ id: 'dlv_2', eventId: 'evt_2' }),
    });
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    // dlv_1 was loaded while the endpoint still looked five days down; its 503 comes back after dlv_2's 200
    w.respondWith(async (request) => {
      if (request.headers['x-mailmon-delivery-id'] === 'dlv_2') return answer(200);
      await gate;
      return answer(503);
    });
    const failing = w.attempt(1, 'dlv_1');
    expect(await w.attempt(1, 'dlv_2')).toMatchObject({ endpoint: { kind: 'healthy' } });
    open();
    expect(await failing).toMatchObject({
      kind: 'attempted',
      delivery: { state: 'pending' },
      endpoint: { kind: 'failing' },
    });
    expect(w.store.endpoints.get('we_1')).toMatchObject({ status: 'enabled', failingSince: T0 });
    expect(w.store.operatorEvents).toEqual([]);
  });

  it('starts counting again after a single success', async () => {
    const w = setUp({ endpoint: { failingSince: T0 - 4 * DAY } });
    await w.attempt(1);
    w.store.seed({
      event: eventFixture({ id: 'evt_2' }),
      delivery: deliveryFixture({ id: 'dlv_2', eventId: 'evt_2' }),
    });
    w.clock.set(T0 + 2 * DAY);
    w.respondWith(() => answer(500));
    expect(await w.attempt(1, 'dlv_2')).toMatchObject({
      delivery: { state: 'pending' },
      endpoint: { kind: 'failing', since: T0 + 2 * DAY },
    });
    expect(w.store.endpoints.get('we_1')).toMatchObject({ status: 'enabled', failingSince: T0 + 2 * DAY });
  });
});

describe('attempts that must not send', () => {
  it('skip duplicate, stale, unknown and finished tasks without sending or recording', async () => {
    const w = setUp();
    w.respondWith(() => answer(503));
    await w.attempt(1);
    expect(await w.attempt(1)).toEqual({ kind: 'skipped', reason: 'stale_or_duplicate' });
    expect(await w.attempt(3)).toEqual({ kind: 'skipped', reason: 'stale_or_duplicate' });
    expect(await w.attempt(1, 'dlv_unknown')).toEqual({ kind: 'skipped', reason: 'unknown_delivery' });
    w.respondWith(() => answer(200));
    await w.attempt(2);
    expect(await w.attempt(3)).toEqual({ kind: 'skipped', reason: 'not_pending' });
    expect(w.requests).toHaveLength(2);
    expect(w.store.attempts.get('dlv_1')).toHaveLength(2);
  });

  it('record and schedule once when the same attempt runs twice at the same time', async () => {
    const w = setUp();
    w.respondWith(() => answer(503));
    const results = await Promise.all([w.attempt(1), w.attempt(1)]);
    expect(results.map((r) => r.kind).sort()).toEqual(['attempted', 'skipped']);
    expect(w.store.attempts.get('dlv_1')).toHaveLength(1);
    expect(w.store.scheduled).toHaveLength(1);
  });

  it('fail the delivery when the endpoint is disabled or deleted, the event is gone or no secret is active', async () => {
    const cases: [string, (w: ReturnType<typeof setUp>) => void, string][] = [
      [
        'disabled',
        (w) => Object.assign(w.store.endpoints.get('we_1')!, { status: 'disabled' }),
        'endpoint_disabled',
      ],
      ['deleted', (w) => w.store.endpoints.delete('we_1'), 'endpoint_deleted'],
      ['event gone', (w) => w.store.events.delete('evt_1'), 'event_missing'],
      [
        'no secret',
        (w) =>
          Object.assign(w.store.endpoints.get('we_1')!, { secrets: [{ secret: w.secret, expiresAt: T0 }] }),
        'no_active_secret',
      ],
    ];
    for (const [name, arrange, reason] of cases) {
      const w = setUp();
      arrange(w);
      expect(await w.attempt(1), name).toMatchObject({
        attempt: { status: 'refused', outcome: 'failed' },
        delivery: { state: 'failed', reason },
        endpoint: undefined,
      });
      expect(w.requests, name).toEqual([]);
    }
  });
});

describe('the SSRF guard', () => {
  const dns = async (host: string) => {
    if (host === 'internal.example') return ['10.0.0.7'];
    throw new Error(`ENOTFOUND ${host}`);
  };

  it('refuses a target that resolves to a private address without sending, fails the delivery, and records no internal address', async () => {
    const w = setUp({
      endpoint: { url: 'https://internal.example/hook' },
      deps: { guard: publicTargetsOnly(dns) },
    });
    const result = await w.attempt(1);
    expect(JSON.stringify(result)).not.toContain('10.0.0.7');
    expect(result).toMatchObject({
      attempt: {
        status: 'refused',
        outcome: 'failed',
        error: 'internal.example resolves to a non-public address',
      },
      delivery: { state: 'failed', reason: 'target_refused' },
      endpoint: { kind: 'failing' },
    });
    expect(w.requests).toEqual([]);
  });

  it('refuses the metadata server', async () => {
    const w = setUp({
      endpoint: { url: 'http://169.254.169.254/computeMetadata/v1/' },
      deps: { guard: publicTargetsOnly(dns) },
    });
    expect(await w.attempt(1)).toMatchObject({ delivery: { state: 'failed', reason: 'target_refused' } });
    expect(w.requests).toEqual([]);
  });

  it('retries a host that does not resolve, since DNS may recover', async () => {
    const w = setUp({
      endpoint: { url: 'https://nowhere.example/hook' },
      deps: { guard: publicTargetsOnly(dns) },
    });
    expect(await w.attempt(1)).toMatchObject({
      attempt: { status: 'network_error', outcome: 'retry' },
      delivery: { state: 'pending' },
    });
    expect(w.requests).toEqual([]);
  });
});

describe('the per-endpoint concurrency cap', () => {
  it('defers the attempt without sending or recording when the endpoint has its maximum in flight', async () => {
    const w = setUp({ deps: { limits: { maxConcurrentPerEndpoint: 1 } } });
    await w.store.acquireSlot('we_1', 'someone-else', { limit: 1, now: T0, leaseMs: 60_000 });
    const result = await w.attempt(1);
    expect(result).toMatchObject({ kind: 'deferred', deferral: 1 });
    const until = (result as { until: number }).until;
    expect(until - T0).toBeGreaterThanOrEqual(500);
    expect(until - T0).toBeLessThanOrEqual(1000);
    expect(w.requests).toEqual([]);
    // recovery goes by nextAttemptAt: a deferred attempt is not taken for a lost task
    expect(w.store.deliveries.get('dlv_1')).toMatchObject({
      state: 'pending',
      attempts: 0,
      deferrals: 1,
      nextAttemptAt: until,
    });
    expect(w.store.scheduled).toEqual([{ deliveryId: 'dlv_1', attempt: 1, at: until }]);
    expect(w.store.attempts.get('dlv_1')).toBeUndefined();

    await w.store.releaseSlot('we_1', 'someone-else');
    await w.drain();
    expect(w.requests).toHaveLength(1);
    expect(w.store.deliveries.get('dlv_1')).toMatchObject({ state: 'delivered', attempts: 1, deferrals: 0 });
  });

  it('waits longer each time an attempt is deferred again, up to a minute, jittered', async () => {
    const w = setUp({ deps: { limits: { maxConcurrentPerEndpoint: 1 } } });
    await w.store.acquireSlot('we_1', 'someone-else', { limit: 1, now: T0, leaseMs: 3_600_000 });
    const waits: number[] = [];
    for (let n = 1; n <= 9; n += 1) {
      const result = await w.attempt(1);
      expect(result).toMatchObject({ kind: 'deferred', deferral: n });
      const until = (result as { until: number }).until;
      waits.push(until - w.clock.now());
      w.clock.set(until);
    }
    waits.forEach((wait, i) => {
      const ceiling = Math.min(60_000, 1000 * 2 ** i);
      expect(wait).toBeGreaterThanOrEqual(ceiling / 2);
      expect(wait).toBeLessThanOrEqual(ceiling);
    });
    expect(w.requests).toEqual([]);
  });

  it('defers once for two runs of the same task that find the endpoint full together', async () => {
    const w = setUp({ deps: { limits: { maxConcurrentPerEndpoint: 1 } } });
    await w.store.acquireSlot('we_1', 'someone-else', { limit: 1, now: T0, leaseMs: 60_000 });
    const results = await Promise.all([w.attempt(1), w.attempt(1)]);
    expect(results.map((r) => r.kind).sort()).toEqual(['deferred', 'skipped']);
    expect(w.store.scheduled).toHaveLength(1);
  });

  it('lets only the allowed number of attempts reach a slow endpoint at once', async () => {
    const w = setUp({ deps: { limits: { maxConcurrentPerEndpoint: 2 } } });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let bothSending!: () => void;
    const twoInFlight = new Promise<void>((resolve) => {
      bothSending = resolve;
    });
    w.respondWith(async () => {
      if (w.requests.length === 2) bothSending();
      await gate;
      return answer(200);
    });
    for (const id of ['dlv_2', 'dlv_3'])
      w.store.seed({
        event: eventFixture({ id: `evt_${id}` }),
        delivery: deliveryFixture({ id, eventId: `evt_${id}` }),
      });
    const first = w.attempt(1, 'dlv_1');
    const second = w.attempt(1, 'dlv_2');
    // both hold their slot while the endpoint has not answered
    await twoInFlight;
    expect(await w.attempt(1, 'dlv_3')).toMatchObject({ kind: 'deferred' });
    release();
    await Promise.all([first, second]);
    expect(w.store.slotHolders('we_1', T0)).toEqual([]);
    expect(await w.attempt(1, 'dlv_3')).toMatchObject({
      kind: 'attempted',
      delivery: { state: 'delivered' },
    });
  });

  it('frees the slot even when sending throws', async () => {
    const w = setUp();
    w.respondWith(() => {
      throw new Error('sender bug');
    });
    await expect(w.attempt(1)).rejects.toThrow('sender bug');
    expect(w.store.slotHolders('we_1', T0)).toEqual([]);
    expect(w.store.deliveries.get('dlv_1')).toMatchObject({ attempts: 0 });
  });
});
