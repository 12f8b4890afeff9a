// Why: the fleet at a glance, worst host first: per host the kernels, the blackout promised beside
// measured, the workloads kept and the outcome, and every file in the folder that was not a
// report. The exports are the same pure renderings `seamless fleet report` writes.
import { useState } from 'react';
import { useApp } from '../../store/context';
import { ErrorBox } from '../../ui/ErrorBox';
import { download } from '../../ui/download';
import { fleetHostLabel, fleetSummaryLine, type FleetHost, type FleetReport } from '../../../shared/report/fleet';
import { renderFleetHtml } from '../../../shared/report/fleetHtml';
import { renderFleetMarkdown } from '../../../shared/report/fleetMarkdown';
import { FLEET_STATUS_WORDS, kernelsText, measuredText, promisedText, workloadFate, workloadsText } from '../../../shared/report/fleetText';

function HostRow({ h }: { h: FleetHost }) {
  const [open, setOpen] = useState(false);
  const key = `fleet-host-details-${h.source}`;
  return (
    <>
      <tr data-testid={`fleet-host-${h.name}`}>
        <td>{fleetHostLabel(h)}</td>
        <td>{kernelsText(h)}</td>
        <td>{promisedText(h)}</td>
        <td>{measuredText(h)}</td>
        <td>{workloadsText(h)}</td>
        <td className={h.status === 'restored' ? 'ok' : 'blocked'} data-testid="fleet-host-status">
          {h.status}
        </td>
        <td>
          <button
            type="button"
            onClick={() => setOpen(!open)}
            aria-expanded={open}
            aria-controls={key}
            aria-label={`${open ? 'Less' : 'More'} about ${h.name}`}
          >
            {open ? 'Less' : 'More'}
          </button>
        </td>
      </tr>
      {open ? (
        <tr id={key}>
          <td colSpan={7}>
            <p className="muted">
              {FLEET_STATUS_WORDS[h.status]}. Upgrade <span className="mono">{h.upgradeId}</span>, from{' '}
              <span className="mono">{h.source}</span>.
            </p>
            <ul>
              {h.workloads.list.map((w) => (
                <li key={w.selector}>
                  <span className="mono">{w.selector}</span>: {workloadFate(w)}
                  {w.handedBackTo ? ` (systemd: ${w.handedBackTo})` : ''}
                </li>
              ))}
              {h.firstError ? (
                <li>
                  first error: <strong>{h.firstError.code}</strong> {h.firstError.message}
                </li>
              ) : null}
            </ul>
          </td>
        </tr>
      ) : null}
    </>
  );
}

function Fleet({ fleet }: { fleet: FleetReport }) {
  return (
    <>
      <p
        className={fleet.hosts.every((h) => h.status === 'restored') && !fleet.errors.length ? 'ok' : 'blocked'}
        data-testid="fleet-summary"
      >
        {fleetSummaryLine(fleet)}
      </p>
      <table className="estimate-table" data-testid="fleet-hosts">
        <thead>
          <tr>
            <th scope="col">host</th>
            <th scope="col">kernel before → after</th>
            <th scope="col">blackout promised</th>
            <th scope="col">measured</th>
            <th scope="col">workloads</th>
            <th scope="col">outcome</th>
            <th scope="col">
              <span className="visually-hidden">details</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {fleet.hosts.map((h) => (
            <HostRow key={h.source} h={h} />
          ))}
        </tbody>
      </table>
      {fleet.errors.length ? (
        <>
          <h3>Files that are not reports</h3>
          <ul data-testid="fleet-errors">
            {fleet.errors.map((e) => (
              <li key={e.source}>
                <span className="mono">{e.source}</span>: {e.message}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <div className="exports">
        Export:{' '}
        <button
          type="button"
          onClick={() => download('fleet-report.html', 'text/html', renderFleetHtml(fleet))}
          data-testid="fleet-export-html"
        >
          HTML
        </button>{' '}
        <button
          type="button"
          onClick={() => download('fleet-report.md', 'text/markdown', renderFleetMarkdown(fleet))}
          data-testid="fleet-export-md"
        >
          Markdown
        </button>{' '}
        <button
          type="button"
          onClick={() => download('fleet-report.json', 'application/json', `${JSON.stringify(fleet, null, 2)}\n`)}
          data-testid="fleet-export-json"
        >
          JSON
        </button>
      </div>
    </>
  );
}

export function FleetView({ dir }: { dir: string }) {
  const fleet = useApp((s) => s.fleet);
  const close = useApp((s) => s.closeFleet);
  const report = fleet?.dir === dir ? fleet.report : null;
  return (
    <section className="card" aria-label="Fleet report" data-testid="fleet">
      <h2>
        Fleet: <span className="mono">{dir}</span>{' '}
        <button type="button" className="link" onClick={close} data-testid="fleet-close">
          close
        </button>
      </h2>
      {report?.status === 'loading' ? <p className="muted">Reading the reports in the folder…</p> : null}
      {report?.status === 'error' ? <ErrorBox error={report.error} /> : null}
      {report?.status === 'ready' ? <Fleet fleet={report.data} /> : null}
    </section>
  );
}
