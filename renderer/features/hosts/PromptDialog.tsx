// Why: connecting may need the admin: to trust a host key (shown as its SHA256 fingerprint, to
// compare with `ssh-keygen -lf` on the host), or to type a password. The answer goes back once
// and is not kept in the UI. A key's passphrase can be remembered where the desktop app has an
// OS keyring; elsewhere the dialog says why it cannot.
import { useState, type FormEvent } from 'react';
import { useApp } from '../../store/context';

export function PromptDialog() {
  const prompt = useApp((s) => s.prompts[0]);
  const answer = useApp((s) => s.answerPrompt);
  const [secret, setSecret] = useState('');
  const [remember, setRemember] = useState(false);
  if (!prompt) return null;
  const reply = (value: boolean | string | null, keep = false) => {
    setSecret('');
    setRemember(false);
    void answer(prompt.promptId, value, keep);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    reply(secret, remember);
  };
  return (
    <div className="modal-backdrop">
      <div role="dialog" aria-modal="true" aria-labelledby="prompt-title" className="modal" data-testid="prompt" data-kind={prompt.kind}>
        <h2 id="prompt-title">{prompt.kind === 'host-key' ? 'Unknown host key' : `${prompt.hostId}`}</h2>
        <p>{prompt.message}</p>
        {prompt.kind === 'host-key' ? (
          <>
            <p className="mono" data-testid="prompt-fingerprint">
              {prompt.keyType} {prompt.fingerprint}
            </p>
            <div className="actions">
              <button type="button" onClick={() => reply(false)} data-testid="prompt-reject">
                Do not connect
              </button>
              <button type="button" className="primary" onClick={() => reply(true)} data-testid="prompt-trust">
                Trust and remember
              </button>
            </div>
          </>
        ) : (
          <form onSubmit={submit}>
            <input
              type="password"
              value={secret}
              onChange={(e) => setSecret(e.target.value)}
              autoFocus
              data-testid="prompt-secret"
              aria-label={prompt.message}
            />
            {prompt.remember?.possible === true ? (
              <label className="check">
                <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} data-testid="prompt-remember" />
                Remember this passphrase (encrypted by the system keyring)
              </label>
            ) : null}
            {prompt.remember?.possible === false ? (
              <p className="muted" data-testid="prompt-no-remember">
                {prompt.remember.why}
              </p>
            ) : null}
            <div className="actions">
              <button type="button" onClick={() => reply(null)} data-testid="prompt-cancel">
                Cancel
              </button>
              <button type="submit" className="primary" data-testid="prompt-submit">
                OK
              </button>
            </div>
          </form>
        )}
      </div>
    </div>
  );
}
