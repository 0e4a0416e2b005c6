import { afterEach, describe, expect, it } from 'vitest';
import { failure, startWithMailbox, type TestMailbox } from './test-helpers.js';

let t: TestMailbox | undefined;

afterEach(async () => {
  await t?.emulator.stop();
  t = undefined;
});

describe('per-user quota', () => {
  it('answers 429 rateLimitExceeded with Retry-After once the units of the sliding minute are spent', async () => {
    t = await startWithMailbox({ quotaUnitsPerMinute: 12 });
    const { gmail, clock } = t;
    await gmail.users.messages.list({ userId: 'me' }); // 5 units
    clock.advance(30_000);
    await gmail.users.messages.list({ userId: 'me' }); // 10
    await gmail.users.getProfile({ userId: 'me' }); // 11
    await gmail.users.labels.list({ userId: 'me' }); // 12
    const spent = await failure(gmail.users.getProfile({ userId: 'me' }));
    expect(spent.status).toBe(429);
    expect(spent.body).toMatchObject({
      error: {
        code: 429,
        status: 'RESOURCE_EXHAUSTED',
        errors: [{ domain: 'usageLimits', reason: 'rateLimitExceeded' }],
      },
    });
    // the first 5 units leave the window 60 s after they were spent, 30 s from now
    expect(spent.headers.get('retry-after')).toBe('30');
    clock.advance(29_999);
    expect((await failure(gmail.users.getProfile({ userId: 'me' }))).status).toBe(429);
    clock.advance(1);
    await gmail.users.getProfile({ userId: 'me' });
  });

  it("charges Google's documented cost per method", async () => {
    t = await startWithMailbox({ quotaUnitsPerMinute: 188 });
    const { gmail, emulator, email } = t;
    const message = await emulator.admin.addMessage(email, {
      from: 'b@example.com',
      to: email,
      subject: 's',
      text: 't',
    });
    const used = async () =>
      ((await (await fetch(`${emulator.url}/__admin/users/${email}`)).json()) as { quotaUnitsUsed: number })
        .quotaUnitsUsed;
    const cost = async (call: () => Promise<unknown>) => {
      const before = await used();
      await call();
      return (await used()) - before;
    };
    expect(await cost(() => gmail.users.getProfile({ userId: 'me' }))).toBe(1);
    expect(await cost(() => gmail.users.labels.list({ userId: 'me' }))).toBe(1);
    expect(
      await cost(() => gmail.users.history.list({ userId: 'me', startHistoryId: message.historyId })),
    ).toBe(2);
    expect(await cost(() => gmail.users.messages.list({ userId: 'me' }))).toBe(5);
    expect(await cost(() => gmail.users.messages.get({ userId: 'me', id: message.id }))).toBe(5);
    expect(await cost(() => gmail.users.threads.list({ userId: 'me' }))).toBe(10);
    expect(await cost(() => gmail.users.threads.get({ userId: 'me', id: message.threadId }))).toBe(10);
    expect(
      await cost(() =>
        gmail.users.watch({ userId: 'me', requestBody: { topicName: 'projects/p/topics/t' } }),
      ),
    ).toBe(100);
    expect(await cost(() => gmail.users.stop({ userId: 'me' }))).toBe(50);
    // 184 of 188 units spent: a 5-unit call no longer fits
    expect((await failure(gmail.users.messages.list({ userId: 'me' }))).status).toBe(429);
  });

  it('counts the units it charged, the peak sliding minute, the calls per method and the calls it refused', async () => {
    t = await startWithMailbox({ quotaUnitsPerMinute: 12 });
    const { gmail, clock, emulator, email } = t;
    await gmail.users.messages.list({ userId: 'me' }); // 5 units in this minute
    await gmail.users.getProfile({ userId: 'me' }); // 6
    clock.advance(60_000);
    await gmail.users.messages.list({ userId: 'me' }); // the first 6 left the window: 5
    await gmail.users.messages.list({ userId: 'me' }); // 10
    expect((await failure(gmail.users.messages.list({ userId: 'me' }))).status).toBe(429);
    await emulator.admin.setFaults({ failNext: [503] });
    expect((await failure(gmail.users.getProfile({ userId: 'me' }))).status).toBe(503);
    const { usage, quotaUnitsUsed } = await emulator.admin.user(email);
    expect(quotaUnitsUsed).toBe(10);
    expect(usage).toEqual({
      units: 16,
      peakWindowUnits: 10,
      calls: { 'users.messages.list': 3, 'users.getProfile': 1 },
      refused: { quota: 1, concurrency: 0, injected: 1 },
    });
    await emulator.admin.reset();
    await emulator.admin.createUser(email);
    expect((await emulator.admin.user(email)).usage).toMatchObject({ units: 0, calls: {} });
  });

  it('answers 403 userRateLimitExceeded when configured to', async () => {
    t = await startWithMailbox({ quotaUnitsPerMinute: 1 });
    const put = await fetch(`${t.emulator.url}/__admin/quota`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ exceededStatus: 403 }),
    });
    expect(put.status).toBe(200);
    await t.gmail.users.getProfile({ userId: 'me' });
    const spent = await failure(t.gmail.users.getProfile({ userId: 'me' }));
    expect(spent.status).toBe(403);
    expect(spent.body).toEqual({
      error: {
        code: 403,
        message: 'User Rate Limit Exceeded',
        errors: [
          { message: 'User Rate Limit Exceeded', domain: 'usageLimits', reason: 'userRateLimitExceeded' },
        ],
        status: 'PERMISSION_DENIED',
      },
    });
    expect(Number(spent.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('answers 429 beyond the concurrent-request limit per user', async () => {
    t = await startWithMailbox({ maxConcurrentPerUser: 2, faults: { latencyMs: 5_000 } });
    const { gmail, clock } = t;
    const held = [gmail.users.getProfile({ userId: 'me' }), gmail.users.labels.list({ userId: 'me' })];
    await clock.untilPendingTimers(2);
    const third = await failure(gmail.users.getProfile({ userId: 'me' }));
    expect(third.status).toBe(429);
    expect(third.body).toMatchObject({
      error: { message: 'Too many concurrent requests for user.', errors: [{ reason: 'rateLimitExceeded' }] },
    });
    clock.advance(5_000);
    const [profile, labels] = await Promise.all(held);
    expect(profile?.status).toBe(200);
    expect(labels?.status).toBe(200);
    expect((await t.emulator.admin.user(t.email)).usage).toMatchObject({
      units: 2,
      refused: { quota: 0, concurrency: 1, injected: 0 },
    });
  });
});

describe('injected faults', () => {
  it('adds latency measured by the injected clock', async () => {
    t = await startWithMailbox({ faults: { latencyMs: 2_000 } });
    const { gmail, clock } = t;
    let done = false;
    const call = gmail.users.getProfile({ userId: 'me' }).then((r) => {
      done = true;
      return r;
    });
    await clock.untilPendingTimers(1);
    clock.advance(1_999);
    expect(done).toBe(false);
    clock.advance(1);
    expect((await call).status).toBe(200);
  });

  it('fails calls at the configured 5xx and 429 rates, reproducibly for a seed', async () => {
    t = await startWithMailbox();
    const { gmail, emulator } = t;
    const statuses = async () => {
      const seen: number[] = [];
      for (let i = 0; i < 20; i++) {
        try {
          seen.push((await gmail.users.getProfile({ userId: 'me' })).status);
        } catch (error) {
          seen.push((error as { response: { status: number } }).response.status);
        }
      }
      return seen;
    };
    await emulator.admin.setFaults({ rate5xx: 0.3, rate429: 0.2, seed: 42 });
    const first = await statuses();
    await emulator.admin.setFaults({ rate5xx: 0.3, rate429: 0.2, seed: 42 });
    expect(await statuses()).toEqual(first);
    expect(first).toContain(200);
    expect(first.some((s) => s === 500 || s === 503)).toBe(true);
    expect(first).toContain(429);

    await emulator.admin.setFaults({ rate5xx: 1 });
    const failed = await failure(gmail.users.getProfile({ userId: 'me' }));
    expect([500, 503]).toContain(failed.status);
    expect(failed.body).toMatchObject({
      error: { code: failed.status, errors: [{ reason: 'backendError' }] },
    });
    await emulator.admin.setFaults({ rate429: 1 });
    const limited = await failure(gmail.users.getProfile({ userId: 'me' }));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
  });

  it('fails the next calls with scripted statuses, then recovers', async () => {
    t = await startWithMailbox();
    await t.emulator.admin.setFaults({ failNext: [503, 500, 429] });
    const seen: number[] = [];
    for (let i = 0; i < 4; i++) {
      try {
        seen.push((await t.gmail.users.getProfile({ userId: 'me' })).status);
      } catch (error) {
        seen.push((error as { response: { status: number } }).response.status);
      }
    }
    expect(seen).toEqual([503, 500, 429, 200]);
  });

  it('reports and validates the fault configuration', async () => {
    t = await startWithMailbox();
    const put = await fetch(`${t.emulator.url}/__admin/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rate5xx: 0.1, latencyMs: 5, notifications: { duplicate: 0.5 } }),
    });
    expect(put.status).toBe(200);
    const got = await (await fetch(`${t.emulator.url}/__admin/faults`)).json();
    expect(got).toEqual({
      rate5xx: 0.1,
      rate429: 0,
      latencyMs: 5,
      failNext: [],
      notifications: { duplicate: 0.5, drop: 0, reorder: 0, delayMs: 0 },
    });
    const bad = await fetch(`${t.emulator.url}/__admin/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rate5xx: 1.5, typo: true }),
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
    expect(await bad.json()).toMatchObject({
      status: 400,
      code: 'invalid_request',
      title: expect.any(String),
      detail: expect.any(String),
    });
  });
});
