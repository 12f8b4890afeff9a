// Why: every error the UI shows has the same parts: what failed (code), what to do (message),
// and the evidence, folded away until asked for.
import type { ErrorInfo } from '../../shared/errors';

export function ErrorBox({ error }: { error: ErrorInfo }) {
  return (
    <div className="error" role="alert" data-testid="error">
      <strong>{error.code}</strong> {error.message}
      {error.evidence ? (
        <details>
          <summary>Evidence</summary>
          <pre>{error.evidence}</pre>
        </details>
      ) : null}
    </div>
  );
}
