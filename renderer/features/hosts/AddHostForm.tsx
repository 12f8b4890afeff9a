// Why: adds a server by what an admin would type to ssh: user@host[:port] or an alias from
// ~/.ssh/config. Only the target is saved; passwords are asked at connect time, never stored.
import { useState, type FormEvent } from 'react';
import { useApp } from '../../store/context';
import type { ErrorInfo } from '../../../shared/errors';
import { ErrorBox } from '../../ui/ErrorBox';

export function AddHostForm() {
  const addHost = useApp((s) => s.addHost);
  const [spec, setSpec] = useState('');
  const [error, setError] = useState<ErrorInfo | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!spec.trim()) return;
    const err = await addHost(spec.trim());
    setError(err);
    if (!err) setSpec('');
  };
  return (
    <form className="add-host" onSubmit={(e) => void submit(e)}>
      <label>
        Add a host
        <input
          value={spec}
          onChange={(e) => setSpec(e.target.value)}
          placeholder="admin@db1.example:22"
          data-testid="add-host-spec"
          autoComplete="off"
        />
      </label>
      <button type="submit" data-testid="add-host-submit">
        Add
      </button>
      {error ? <ErrorBox error={error} /> : null}
    </form>
  );
}
