import { is } from 'valibot';
import { describe, expect, it } from 'vitest';
import { CreateReplayInput } from './create-replay.js';
import { replaysOverlap } from './model.js';

const window = (from: number, to: number) => ({ kind: 'window' as const, from, to });
const events = (...list: [string, number][]) => ({
  kind: 'events' as const,
  events: list.map(([id, at]) => ({ id, mailboxId: 'mbx_1', at })),
});

describe('replaysOverlap', () => {
  it('overlaps windows that share any instant, not windows that only touch', () => {
    expect(replaysOverlap(window(0, 10), window(5, 15))).toBe(true);
    expect(replaysOverlap(window(0, 10), window(2, 3))).toBe(true);
    expect(replaysOverlap(window(0, 10), window(10, 20))).toBe(false);
  });

  it('overlaps event lists that share an event', () => {
    expect(replaysOverlap(events(['a', 1], ['b', 2]), events(['b', 2]))).toBe(true);
    expect(replaysOverlap(events(['a', 1]), events(['b', 1]))).toBe(false);
  });

  it('overlaps a window and a list when a listed event falls in the window, either way round', () => {
    expect(replaysOverlap(window(0, 10), events(['a', 20], ['b', 9]))).toBe(true);
    expect(replaysOverlap(events(['a', 10]), window(0, 10))).toBe(false);
  });
});

describe('CreateReplayInput', () => {
  it('takes a window or event ids, never both, never half a window', () => {
    const from = '2026-06-01T00:00:00Z';
    const to = '2026-06-02T00:00:00Z';
    expect(is(CreateReplayInput, { endpointId: 'we_1', from, to })).toBe(true);
    expect(is(CreateReplayInput, { endpointId: 'we_1', eventIds: ['evt_1'] })).toBe(true);
    expect(is(CreateReplayInput, { endpointId: 'we_1', from })).toBe(false);
    expect(is(CreateReplayInput, { endpointId: 'we_1', eventIds: ['evt_1'], from })).toBe(false);
    expect(is(CreateReplayInput, { endpointId: 'we_1', eventIds: ['evt_1'], from, to })).toBe(false);
    expect(is(CreateReplayInput, { endpointId: 'we_1' })).toBe(false);
    expect(is(CreateReplayInput, { endpointId: 'we_1', eventIds: [] })).toBe(false);
  });
});
