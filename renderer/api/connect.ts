// Why: the renderer does not know where it runs; this picks the transport: the preload bridge
// inside Electron, else the WebSocket of the server that served the page.
import { createApiClient, type ApiClient } from './client';
import { createIpcTransport } from './ipcTransport';
import { createWsTransport } from './wsTransport';

export function connectApi(): ApiClient {
  if (window.seamless) return createApiClient(createIpcTransport(window.seamless));
  // The socket hangs off the page's own path (/s/<token>/api): the token never leaves the URL.
  const url = new URL('api', window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return createApiClient(createWsTransport(url.toString()));
}
