// The fleet slice of the app's store: opening a folder shows it instead of the host, an error is
// kept to show, a slower answer for a folder no longer open never replaces the one shown, and
// choosing a host leaves the fleet.
import { describe, expect, it } from 'vitest';
import { createAppStore } from '../../../renderer/store/store';
import type { ApiClient } from '../../../renderer/api/client';
import { SeamlessError } from '../../../shared/errors';
import { buildFleetReport, type FleetReport } from '../../../shared/report/fleet';
import { fleetHostReport } from '../../helpers/fleetReports';

const fleetOf = (name: string): FleetReport =>
  buildFleetReport([{ source: `${name}.json`, name, report: fleetHostReport(name, 'restored') }], '2026-12-04T10:00:00.000Z');

function fakeApi(open: (dir: string) => Promise<FleetReport>): ApiClient {
  return {
    transport: 'websocket',
    call: (async (method: string, params: unknown) => {
      if (method !== 'fleet.open') throw new SeamlessError('METHOD_NOT_FOUND', method);
      return open((params as { dir: string }).dir);
    }) as ApiClient['call'],
    onEvent: () => () => {},
  };
}

describe('fleet slice', () => {
  it('opens a folder, keeps an error to show, and leaves when a host is chosen', async () => {
    const store = createAppStore(
      fakeApi(async (dir) => {
        if (dir === '/nope') throw new SeamlessError('FLEET_DIR_UNREADABLE', '/nope cannot be read');
        return fleetOf('web1');
      }),
    );
    const opening = store.getState().openFleet('/srv/reports');
    expect(store.getState().fleet).toEqual({ dir: '/srv/reports', report: { status: 'loading' } });
    await opening;
    const shown = store.getState().fleet;
    expect(shown?.report.status === 'ready' && shown.report.data.hosts.map((h) => h.name)).toEqual(['web1']);
    await store.getState().openFleet('/nope');
    expect(store.getState().fleet?.report).toMatchObject({ status: 'error', error: { code: 'FLEET_DIR_UNREADABLE' } });
    store.getState().selectHost('local');
    expect(store.getState().fleet).toBeNull();
  });

  it('a slower answer for a folder opened before (or for the same one, opened again) never replaces the later one', async () => {
    const pending: { dir: string; resolve: (f: FleetReport) => void }[] = [];
    const store = createAppStore(fakeApi((dir) => new Promise((resolve) => pending.push({ dir, resolve }))));
    const shownHost = () => {
      const f = store.getState().fleet;
      return f?.report.status === 'ready' ? `${f.dir} ${f.report.data.hosts[0]!.name}` : (f?.report.status ?? null);
    };
    const a = store.getState().openFleet('/a');
    const b = store.getState().openFleet('/b');
    pending[1]!.resolve(fleetOf('b1'));
    await b;
    pending[0]!.resolve(fleetOf('a1'));
    await a;
    expect(shownHost()).toBe('/b b1');
    const again1 = store.getState().openFleet('/b');
    const again2 = store.getState().openFleet('/b');
    pending[3]!.resolve(fleetOf('b3'));
    await again2;
    pending[2]!.resolve(fleetOf('b2'));
    await again1;
    expect(shownHost()).toBe('/b b3');
    // Left for a host: an answer arriving after does not bring the fleet back.
    const late = store.getState().openFleet('/c');
    store.getState().selectHost('local');
    pending[4]!.resolve(fleetOf('c1'));
    await late;
    expect(store.getState().fleet).toBeNull();
  });
});
