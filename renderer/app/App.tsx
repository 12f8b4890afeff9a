// Why: the app's frame: hosts on the left, the selected host's page (or an opened fleet folder)
// on the right, and the dialog for anything a connection needs to ask.
import { useEffect } from 'react';
import { useApp } from '../store/context';
import { HostList } from '../features/hosts/HostList';
import { AddHostForm } from '../features/hosts/AddHostForm';
import { HostView } from '../features/hosts/HostView';
import { FleetOpenForm } from '../features/fleet/FleetOpenForm';
import { FleetView } from '../features/fleet/FleetView';
import { PromptDialog } from '../features/hosts/PromptDialog';
import { ErrorBox } from '../ui/ErrorBox';

export function App() {
  const load = useApp((s) => s.hosts.load);
  const loadHosts = useApp((s) => s.loadHosts);
  const host = useApp((s) => (s.selectedHostId ? s.hosts.byId[s.selectedHostId] : undefined));
  const fleetDir = useApp((s) => s.fleet?.dir ?? null);
  useEffect(() => {
    void loadHosts();
  }, [loadHosts]);

  return (
    <div className="layout">
      <aside>
        <header>
          <h1>Seamless</h1>
          <p className="muted">Kernel upgrades that keep your workloads running.</p>
        </header>
        <HostList />
        <AddHostForm />
        <FleetOpenForm />
      </aside>
      <main>
        {load.status === 'error' ? <ErrorBox error={load.error} /> : null}
        {fleetDir !== null ? <FleetView dir={fleetDir} /> : host ? <HostView key={host.id} host={host} /> : null}
      </main>
      <PromptDialog />
    </div>
  );
}
