// The preload is the page's only door: it must expose exactly one function per API method and
// one event subscription, each going to its own channel, and nothing else (no raw invoke, no
// ipcRenderer). Loaded here with a recording stand-in for Electron's modules.
import { describe, expect, it, vi } from 'vitest';
import { API_METHOD_NAMES, IPC_EVENT_CHANNEL, ipcChannelFor } from '../../../shared/api';

const exposed: Record<string, unknown> = {};
const invoked: [string, unknown][] = [];
const listening: string[] = [];
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
  ipcRenderer: {
    invoke: async (channel: string, params: unknown) => invoked.push([channel, params]),
    on: (channel: string) => listening.push(channel),
    off: () => {},
  },
}));

describe('the preload bridge', () => {
  it('exposes `seamless` with one function per API method, and an event subscription; nothing else', async () => {
    await import('../../../electron/preload');
    expect(Object.keys(exposed)).toEqual(['seamless']);
    const bridge = exposed.seamless as {
      methods: Record<string, (p: unknown) => Promise<unknown>>;
      onEvent: (l: () => void) => () => void;
    };
    expect(Object.keys(bridge).sort()).toEqual(['methods', 'onEvent']);
    expect(Object.keys(bridge.methods).sort()).toEqual([...API_METHOD_NAMES].sort());
    expect(Object.keys(bridge.methods)).toMatchInlineSnapshot(`
      [
        "app.info",
        "app.ready",
        "app.openFile",
        "hosts.list",
        "hosts.add",
        "hosts.start",
        "hosts.stop",
        "host.connect",
        "prompt.answer",
        "host.facts",
        "host.inventory",
        "host.containers",
        "host.files",
        "plan.build",
        "host.preflight",
        "upgrade.start",
        "upgrade.attach",
        "upgrade.list",
        "plan.estimate",
        "host.dryRun",
        "upgrade.report",
        "upgrade.history",
        "upgrade.cleanup",
        "report.pdf",
        "fleet.open",
      ]
    `);
    for (const m of API_METHOD_NAMES) await bridge.methods[m]!({ probe: m });
    expect(invoked).toEqual(API_METHOD_NAMES.map((m) => [ipcChannelFor(m), { probe: m }]));
    bridge.onEvent(() => {});
    expect(listening).toEqual([IPC_EVENT_CHANNEL]);
  });
});
