// Why: the only bridge between the sandboxed renderer and the main process. It exposes one
// function per API method (never a raw invoke(channel)) and one event subscription; the main
// process still validates everything, since a compromised renderer could call these anyway.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { API_METHOD_NAMES, IPC_EVENT_CHANNEL, ipcChannelFor, type ApiMethod } from '../shared/api';

type Bridge = {
  methods: Record<ApiMethod, (params: unknown) => Promise<unknown>>;
  onEvent: (listener: (event: unknown) => void) => () => void;
};

const methods = Object.fromEntries(
  API_METHOD_NAMES.map((m) => [m, (params: unknown) => ipcRenderer.invoke(ipcChannelFor(m), params)]),
) as Bridge['methods'];

const bridge: Bridge = {
  methods,
  onEvent(listener) {
    const wrapped = (_e: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(IPC_EVENT_CHANNEL, wrapped);
    return () => ipcRenderer.off(IPC_EVENT_CHANNEL, wrapped);
  },
};

contextBridge.exposeInMainWorld('seamless', bridge);
