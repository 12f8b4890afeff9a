// Why: every error the UI shows has the same parts: what failed (code), what to do (message),
// and the evidence, folded away until asked for. A code this build does not know (a journal
// written by a newer agent) is shown as written.
import type { ErrorInfo } from '../../shared/errors';
import type { RecordedError } from '../../shared/domain/journal';

export function ErrorBox({ error }: { error: ErrorInfo | RecordedError }) {
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
