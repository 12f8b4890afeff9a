// Why: after an upgrade the admin wants what was promised beside what happened, and a file to
// hand on. The report comes from the controller (the same model `seamless report` writes); the
// exports are rendered here by the same pure renderers, so the HTML, Markdown and JSON saved
// from the app are byte for byte what the CLI writes; the PDF is that HTML printed by the
// controller, as `seamless report --format pdf` prints it.
import { useState } from 'react';
import { useApp } from '../../store/context';
import { upgradeKey } from '../../store/upgradeRecords';
import { ErrorBox } from '../../ui/ErrorBox';
import { download } from '../../ui/download';
import { formatDuration } from '../../../shared/format';
import type { Report } from '../../../shared/report/model';
import type { ErrorInfo } from '../../../shared/errors';
import { renderHtml } from '../../../shared/report/renderHtml';
import { renderMarkdown } from '../../../shared/report/renderMarkdown';
import { PHASE_LABELS, rangeText, verdict, VERDICT_WORDS } from '../../../shared/report/reportText';

function Exports({ report }: { report: Report }) {
  const base = `seamless-report-${report.upgradeId}`;
  const reportPdf = useApp((s) => s.reportPdf);
  const [pdf, setPdf] = useState<{ state: 'idle' | 'printing' } | { state: 'error'; error: ErrorInfo }>({ state: 'idle' });
  const printPdf = async () => {
    setPdf({ state: 'printing' });
    const out = await reportPdf(report);
    if (out.ok) download(`${base}.pdf`, 'application/pdf', out.bytes);
    setPdf(out.ok ? { state: 'idle' } : { state: 'error', error: out.error });
  };
  return (
    <div className="exports">
      Export:{' '}
      <button type="button" onClick={() => download(`${base}.html`, 'text/html', renderHtml(report))} data-testid="export-html">
        HTML
      </button>{' '}
      <button type="button" onClick={() => download(`${base}.md`, 'text/markdown', renderMarkdown(report))} data-testid="export-md">
        Markdown
      </button>{' '}
      <button
        type="button"
        onClick={() => download(`${base}.json`, 'application/json', `${JSON.stringify(report, null, 2)}\n`)}
        data-testid="export-json"
      >
        JSON
      </button>{' '}
      <button type="button" onClick={() => void printPdf()} disabled={pdf.state === 'printing'} data-testid="export-pdf">
        {pdf.state === 'printing' ? 'PDF…' : 'PDF'}
      </button>
      {pdf.state === 'printing' ? (
        <span className="muted" role="status">
          {' '}
          Printing the report…
        </span>
      ) : null}
      {pdf.state === 'error' ? <ErrorBox error={pdf.error} /> : null}
    </div>
  );
}

export function ReportPanel({ hostId, id }: { hostId: string; id: string }) {
  const report = useApp((s) => s.reports[upgradeKey(hostId, id)]);
  const load = useApp((s) => s.loadReport);
  return (
    <div className="report" aria-label="Report">
      <h3>Report</h3>
      {report === undefined || report.status === 'idle' ? (
        <button type="button" onClick={() => void load(hostId, id)} data-testid="report-load">
          Show the report
        </button>
      ) : null}
      {report?.status === 'loading' ? <p className="muted">Reading the journal and the report from the host…</p> : null}
      {report?.status === 'error' ? <ErrorBox error={report.error} /> : null}
      {report?.status === 'ready' ? (
        <div data-testid="report">
          <p data-testid="report-blackout">
            Blackout: promised {rangeText(report.data.blackout.estimate)}, measured{' '}
            {report.data.blackout.measuredMs === null ? '—' : formatDuration(report.data.blackout.measuredMs)} (
            {VERDICT_WORDS[verdict(report.data.blackout.estimate, report.data.blackout.measuredMs)]})
          </p>
          <table className="estimate-table">
            <thead>
              <tr>
                <th scope="col">phase</th>
                <th scope="col">promised</th>
                <th scope="col">measured</th>
                <th scope="col">
                  <span className="visually-hidden">verdict</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {report.data.phases.map((p) => (
                <tr key={p.phase}>
                  <td>{PHASE_LABELS[p.phase]}</td>
                  <td>{rangeText(p.estimate)}</td>
                  <td>{p.measuredMs === null ? '—' : formatDuration(p.measuredMs)}</td>
                  <td>{p.ok === false ? `failed: ${p.error?.code ?? ''}` : VERDICT_WORDS[verdict(p.estimate, p.measuredMs)]}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Exports report={report.data} />
        </div>
      ) : null}
    </div>
  );
}
