// Why: adds a server by what an admin would give ssh: user@host[:port] or an alias from
// ~/.ssh/config, and, as `ssh -i` and `ssh -J` would take them, a key file and a jump host. Only
// the target is saved; passwords are asked at connect time, never stored.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useApp } from '../../store/context';
import type { ErrorInfo } from '../../../shared/errors';
import { ErrorBox } from '../../ui/ErrorBox';

export function AddHostForm() {
  const addHost = useApp((s) => s.addHost);
  const [spec, setSpec] = useState('');
  const [identityFile, setIdentityFile] = useState('');
  const [proxyJump, setProxyJump] = useState('');
  const [more, setMore] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const desktop = useApp((s) => s.desktop);
  const pickFile = useApp((s) => s.pickFile);
  const command = useApp((s) => s.command);
  const specInput = useRef<HTMLInputElement>(null);
  const seenCommand = useRef(command?.seq ?? 0);
  useEffect(() => {
    // File → Add Host… in the desktop app's menu.
    if (!command || command.seq === seenCommand.current) return;
    seenCommand.current = command.seq;
    if (command.name === 'add-host') specInput.current?.focus();
  }, [command]);
  const browseKey = async () => {
    const r = await pickFile('ssh-key');
    if (!r.ok) setError(r.error);
    else if (r.path) setIdentityFile(r.path);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!spec.trim()) return;
    const err = await addHost(spec.trim(), undefined, {
      ...(identityFile.trim() ? { identityFile: identityFile.trim() } : {}),
      ...(proxyJump.trim() ? { proxyJump: proxyJump.trim() } : {}),
    });
    setError(err);
    if (!err) {
      setSpec('');
      setIdentityFile('');
      setProxyJump('');
    }
  };
  return (
    <form className="add-host" onSubmit={(e) => void submit(e)}>
      <label>
        Add a host (user@host:port, or an ssh alias)
        <input
          value={spec}
          onChange={(e) => setSpec(e.target.value)}
          placeholder="admin@db1.example:22"
          ref={specInput}
          data-testid="add-host-spec"
          autoComplete="off"
        />
      </label>
      {more ? (
        <>
          <label>
            Key file (ssh -i)
            <input
              value={identityFile}
              onChange={(e) => setIdentityFile(e.target.value)}
              placeholder="/home/me/.ssh/id_ed25519"
              data-testid="add-host-key"
              autoComplete="off"
            />
          </label>
          {desktop ? (
            <button type="button" onClick={() => void browseKey()} data-testid="add-host-key-browse">
              Choose a key file…
            </button>
          ) : null}
          <label>
            Jump host (ssh -J)
            <input
              value={proxyJump}
              onChange={(e) => setProxyJump(e.target.value)}
              placeholder="me@bastion.example"
              data-testid="add-host-jump"
              autoComplete="off"
            />
          </label>
        </>
      ) : (
        <button type="button" className="link" onClick={() => setMore(true)} data-testid="add-host-more">
          key file, jump host…
        </button>
      )}
      <button type="submit" data-testid="add-host-submit">
        Add
      </button>
      {error ? <ErrorBox error={error} /> : null}
    </form>
  );
}
