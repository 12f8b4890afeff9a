// Why: the renderer's entry: connect to the controller (IPC or WebSocket), build the store,
// route pushed events through the per-frame buffer, render.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectApi } from './api/connect';
import { createAppStore } from './store/store';
import { createEventBuffer } from './store/eventBuffer';
import { StoreProvider } from './store/context';
import { App } from './app/App';
import type { ApiEvent } from '../shared/api';
import './ui/styles.css';

const api = connectApi();
const store = createAppStore(api);
api.onEvent(
  createEventBuffer<ApiEvent>(
    (batch) => store.getState().applyEvents(batch),
    (cb) => requestAnimationFrame(() => cb()),
  ),
);
api.onClose?.((reason) => store.getState().serverClosed(reason));
// Subscribed: the desktop shell may let events flow now (it holds them until this).
void api.call('app.ready', {});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <StoreProvider store={store}>
      <App />
    </StoreProvider>
  </StrictMode>,
);
