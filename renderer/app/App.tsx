// Why: the app's frame. The first screen lists the known hosts with their facts; later features
// (workloads, plan, run, report) hang off the same frame.
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../store/context';
import { HostFactsCard } from '../features/hosts/HostFactsCard';
import { ErrorBox } from '../ui/ErrorBox';

export function App() {
  const order = useApp(useShallow((s) => s.hosts.order));
  const byId = useApp((s) => s.hosts.byId);
  const load = useApp((s) => s.hosts.load);
  const loadHosts = useApp((s) => s.loadHosts);
  useEffect(() => {
    void loadHosts();
  }, [loadHosts]);

  return (
    <main>
      <header>
        <h1>Seamless</h1>
        <p className="muted">Kernel upgrades that keep your workloads running.</p>
      </header>
      {load.status === 'error' ? <ErrorBox error={load.error} /> : null}
      <div className="hosts">
        {order.map((id) => {
          const host = byId[id];
          return host ? <HostFactsCard key={id} host={host} /> : null;
        })}
      </div>
    </main>
  );
}
