// Why: a rollout's reports are fetched by Ansible into a folder on the control node; when the app
// runs there (or the browser mode does, through a tunnel), the admin opens that folder by its path
// and sees the whole fleet, as `seamless fleet report DIR` writes it.
import { useState, type FormEvent } from 'react';
import { useApp } from '../../store/context';

export function FleetOpenForm() {
  const openFleet = useApp((s) => s.openFleet);
  const desktop = useApp((s) => s.desktop);
  const pickFile = useApp((s) => s.pickFile);
  const [dir, setDir] = useState('');
  const [hint, setHint] = useState<string | null>(null);
  const browse = async () => {
    const r = await pickFile('fleet-dir');
    if (!r.ok) setHint(r.error.message);
    else if (r.path) {
      setDir(r.path);
      setHint(null);
      void openFleet(r.path);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const path = dir.trim();
    if (!path) return;
    if (!path.startsWith('/')) {
      setHint('Give the folder’s full path on the machine running Seamless (it starts with /).');
      return;
    }
    setHint(null);
    void openFleet(path);
  };
  return (
    <form className="add-host fleet-open" onSubmit={submit} aria-label="Open a fleet report">
      <label>
        Fleet reports folder (DIR/&lt;host&gt;.json or DIR/&lt;host&gt;/report.json)
        <input
          value={dir}
          onChange={(e) => setDir(e.target.value)}
          placeholder="/srv/rollout/reports"
          data-testid="fleet-dir"
          autoComplete="off"
        />
      </label>
      {desktop ? (
        <button type="button" onClick={() => void browse()} data-testid="fleet-browse">
          Choose a folder…
        </button>
      ) : null}
      <button type="submit" data-testid="fleet-open">
        Open fleet
      </button>
      {hint ? (
        <p className="muted" role="alert">
          {hint}
        </p>
      ) : null}
    </form>
  );
}
