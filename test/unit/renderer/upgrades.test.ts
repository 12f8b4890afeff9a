// The page's account of an upgrade is the host's journal, whichever way it arrived (pushed,
// again after a re-attach, out of order), and its colour is the host's outcome: only
// `restored` is green. On connect the store re-attaches to the upgrade still running.
import { describe, expect, it } from 'vitest';
import { createAppStore } from '../../../renderer/store/store';
import { createEventBuffer } from '../../../renderer/store/eventBuffer';
import type { ApiEvent } from '../../../shared/api';
import { mergeRecords, newerSummary } from '../../../renderer/store/upgradeRecords';
import { outcomeView } from '../../../renderer/features/run/outcomeView';
import type { ApiClient } from '../../../renderer/api/client';
import { SeamlessError } from '../../../shared/errors';
import { OUTCOMES } from '../../../shared/domain/journal';
import { summarize } from '../../../shared/domain/upgrade';
import { kexecBegin, report, restoreEnd, START, stamped } from '../../helpers/journalRecords';

const records = stamped([START, kexecBegin(), restoreEnd('done'), report('restored')]);

function fakeApi(handlers: Partial<Record<string, (p: unknown) => unknown>>, calls: string[] = []): ApiClient {
  return {
    transport: 'websocket',
    call: (async (method: string, params: unknown) => {
      calls.push(`${method} ${JSON.stringify(params)}`);
      const h = handlers[method];
      if (!h) throw new SeamlessError('METHOD_NOT_FOUND', method);
      return h(params);
    }) as ApiClient['call'],
    onEvent: () => () => {},
  };
}

describe('upgrade records on the page', () => {
  it('keeps each seq once and in order, however often and in whatever order it arrives', () => {
    const [a, b, c, d] = records as [(typeof records)[0], (typeof records)[0], (typeof records)[0], (typeof records)[0]];
    const once = mergeRecords([], [a, b]);
    const again = mergeRecords(once, [a, b, c]);
    expect(again.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(mergeRecords(again, [d, b]).map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect(mergeRecords([a, c], [b]).map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(mergeRecords(again, [a])).toBe(again);
  });

  it('a late, older summary never undoes an ended one', () => {
    const ended = summarize('u-1', records);
    const running = summarize('u-1', records.slice(0, 2));
    expect(newerSummary(ended, running)).toBe(ended);
    expect(newerSummary(running, ended)).toBe(ended);
  });

  it('paints only restored as success; fallbacks warn, abort and failure are errors', () => {
    const tones = Object.fromEntries(OUTCOMES.map((o) => [o, outcomeView(o, null).tone]));
    expect(tones).toEqual({
      restored: 'success',
      'restored-unmanaged': 'warning',
      'rolled-back': 'warning',
      'cold-started': 'warning',
      lost: 'error',
      aborted: 'error',
      failed: 'error',
    });
    expect(outcomeView('cold-started', { release: '6.1.0-50-amd64', image: '/boot/vmlinuz-6.1.0-50-amd64' }).sentence).toContain(
      '6.1.0-50-amd64',
    );
  });

  it('re-attaches on connect to the upgrade still running, and shows its records once', async () => {
    const calls: string[] = [];
    const older = summarize('u-old', stamped([START, report('aborted')]));
    const running = summarize('u-run', records.slice(0, 2));
    const store = createAppStore(
      fakeApi(
        {
          'host.connect': () => ({ hostId: 'lab', ready: true }),
          'upgrade.list': () => [older, running],
          'upgrade.attach': (p) => ({ upgradeId: (p as { id: string }).id }),
          'host.facts': () => Promise.reject(new SeamlessError('CONNECT_FAILED', 'not in this test')),
          'host.inventory': () => Promise.reject(new SeamlessError('CONNECT_FAILED', 'not in this test')),
        },
        calls,
      ),
    );
    await store.getState().connect('lab');
    expect(calls).toContain('upgrade.attach {"hostId":"lab","id":"u-run"}');
    const ev = (r: (typeof records)[number]) => ({ event: 'upgrade.record' as const, data: { hostId: 'lab', id: 'u-run', record: r } });
    store.getState().applyEvents([...records.map(ev), ...records.map(ev)]);
    store
      .getState()
      .applyEvents([{ event: 'upgrade.summary', data: { hostId: 'lab', id: 'u-run', summary: summarize('u-run', records) } }]);
    const s = store.getState();
    const view = s.upgrades.byId[s.upgrades.current.lab!]!;
    expect(view.id).toBe('u-run');
    expect(view.records.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect(view.summary).toMatchObject({ state: 'ended', outcome: 'restored' });
  });
});

describe('the run view under a fast record stream', () => {
  it('2,000 records in 20 frames: 20 store updates, every record once and in order, nothing else replaced', () => {
    const store = createAppStore(fakeApi({}));
    const other = { event: 'upgrade.record', data: { hostId: 'db2', id: 'u-other', record: records[0]! } } as const;
    store.getState().applyEvents([other]);
    const before = store.getState();
    const frames: (() => void)[] = [];
    const push = createEventBuffer<ApiEvent>(
      (batch) => store.getState().applyEvents(batch),
      (cb) => frames.push(cb),
    );
    let updates = 0;
    store.subscribe(() => updates++);
    const stream = stamped([
      START,
      ...Array.from({ length: 1999 }, (_, i) => ({ phase: 'prepare', state: 'begin', message: `step ${i}` }) as const),
    ]);
    for (let f = 0; f < 20; f++) {
      // A frame's worth arrives (some twice, as after a re-attach), then the frame paints.
      for (const record of stream.slice(f * 100, f * 100 + 100))
        push({ event: 'upgrade.record', data: { hostId: 'local', id: 'u-fast', record } });
      if (f > 0) push({ event: 'upgrade.record', data: { hostId: 'local', id: 'u-fast', record: stream[f * 100 - 1]! } });
      expect(frames).toHaveLength(1);
      frames.shift()!();
    }
    expect(updates).toBe(20);
    const after = store.getState();
    expect(after.upgrades.byId['local/u-fast']!.records.map((r) => r.seq)).toEqual(stream.map((r) => r.seq));
    // Selectors of anything else keep their results: no re-render of what did not change.
    expect(after.upgrades.byId['db2/u-other']).toBe(before.upgrades.byId['db2/u-other']);
    expect(after.sessions).toBe(before.sessions);
    expect(after.hosts).toBe(before.hosts);
    expect(after.inventory).toBe(before.inventory);
  });
});
