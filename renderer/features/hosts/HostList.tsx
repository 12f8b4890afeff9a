// Why: the hosts the admin can work on, with where each session stands.
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../../store/context';

export function HostList() {
  const order = useApp(useShallow((s) => s.hosts.order));
  const byId = useApp((s) => s.hosts.byId);
  const selected = useApp((s) => s.selectedHostId);
  const sessions = useApp((s) => s.sessions);
  const select = useApp((s) => s.selectHost);
  return (
    <nav aria-label="Hosts">
      <ul className="host-list">
        {order.map((id) => {
          const h = byId[id];
          if (!h) return null;
          const state = h.provided?.state === 'stopped' ? 'stopped' : (sessions[id]?.state ?? 'not connected');
          return (
            <li key={id}>
              <button
                type="button"
                className={id === selected ? 'host selected' : 'host'}
                onClick={() => select(id)}
                data-testid={`select-host-${id}`}
              >
                <span>{h.label}</span>
                <span className={`state state-${state.replace(/\s/g, '-')}`} data-testid={`session-state-${id}`}>
                  {state}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
