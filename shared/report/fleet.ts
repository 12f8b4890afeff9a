// Why: a fleet is rolled by Ansible, which fetches each host's report (the Report model of
// model.ts) to the control node. The admin then wants one page: per host the kernels, the
// blackout promised beside measured, the workloads kept, the outcome, the worst first; and every
// file that was not a report named, because a host whose report cannot be read is a host whose
// upgrade nobody has checked. One versioned model, rendered by fleetMarkdown.ts and fleetHtml.ts.
import * as z from '../zod';
import { OUTCOMES, type Outcome } from '../domain/journal';
import { REPORT_VERSION, reportRangeSchema, reportSchema, type Report } from './model';

export const FLEET_REPORT_VERSION = 1;

/** An outcome, or `running` for a report fetched before its upgrade ended (outcome null). */
export const FLEET_STATUSES = [...OUTCOMES, 'running'] as const;
export type FleetStatus = (typeof FLEET_STATUSES)[number];

/**
 * Worst first: a workload gone, then a host that needs a hand, then state lost to a cold start;
 * then an upgrade nobody knows the end of; then the hosts left on the old kernel (a rollback had
 * a blackout, an abort none); then a restore that systemd did not take back; then success.
 */
export const FLEET_STATUS_ORDER: readonly FleetStatus[] = [
  'lost',
  'failed',
  'cold-started',
  'running',
  'rolled-back',
  'aborted',
  'restored-unmanaged',
  'restored',
];
const rank = (s: FleetStatus) => FLEET_STATUS_ORDER.indexOf(s);

export const statusOf = (outcome: Outcome | null): FleetStatus => outcome ?? 'running';

const nonneg = () => z.number().check(z.nonnegative());

export const fleetHostSchema = z.object({
  /** The host's name in the fleet: the file's (DIR/NAME.json) or its folder's (DIR/NAME/…json). */
  name: z.string(),
  /** The hostname the report recorded, when it says one. */
  hostname: z.nullable(z.string()),
  /** The report's file, relative to the fleet folder. */
  source: z.string(),
  upgradeId: z.string(),
  startedAt: z.nullable(z.string()),
  status: z.enum(FLEET_STATUSES),
  kernels: z.object({ before: z.nullable(z.string()), after: z.nullable(z.string()) }),
  blackout: z.object({
    estimate: z.nullable(reportRangeSchema),
    measuredMs: z.nullable(nonneg()),
    /** A lazy restore's degraded window after the blackout (ms null: a fill did not finish). */
    degraded: z.nullable(z.object({ ms: z.nullable(nonneg()), faults: nonneg() })),
  }),
  workloads: z.object({
    /** Restored (on the new kernel, or on the old one after a rollback). */
    kept: nonneg(),
    total: nonneg(),
    list: z.array(
      z.object({
        selector: z.string(),
        /** null: the upgrade did not get as far as a restore. */
        restored: z.nullable(z.boolean()),
        handedBackTo: z.nullable(z.string()),
      }),
    ),
  }),
  /** The first error the report's evidence holds (code and message), to say why in one line. */
  firstError: z.nullable(z.object({ code: z.string(), message: z.string() })),
});

export const fleetReportSchema = z.object({
  schemaVersion: z.literal(FLEET_REPORT_VERSION),
  generatedAt: z.string(),
  /** Worst status first, then by name. */
  hosts: z.array(fleetHostSchema),
  /** Hosts per status, worst first; only the statuses some host has. */
  totals: z.array(z.object({ status: z.enum(FLEET_STATUSES), hosts: nonneg() })),
  /** Files in the folder that are not a report this Seamless reads: each named with why. */
  errors: z.array(z.object({ source: z.string(), message: z.string() })),
});
export type FleetHost = z.infer<typeof fleetHostSchema>;
export type FleetReport = z.infer<typeof fleetReportSchema>;

/** One file of the fleet folder, read: a report, or why it is not one. */
export type FleetEntry = { source: string; name: string; report: Report } | { source: string; name: string; error: string };

/** A fetched file's text as a fleet entry: the report it validates as, or what is wrong with it. */
export function parseFleetEntry(source: string, name: string, text: string): FleetEntry {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { source, name, error: `not JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  if (typeof json === 'object' && json !== null && 'version' in json && json.version !== REPORT_VERSION)
    return {
      source,
      name,
      error: `a report of version ${String(json.version)}; this Seamless reads version ${REPORT_VERSION}`,
    };
  const parsed = reportSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`);
    const more = parsed.error.issues.length > 3 ? `; and ${parsed.error.issues.length - 3} more` : '';
    return { source, name, error: `not a Seamless report: ${issues.join('; ')}${more}` };
  }
  return { source, name, report: parsed.data };
}

function hostOf(name: string, source: string, r: Report): FleetHost {
  const list = r.workloads.map((w) => ({ selector: w.selector, restored: w.after.restored, handedBackTo: w.after.handedBackTo }));
  const err = r.evidence[0];
  const d = r.blackout.degraded;
  return {
    name,
    hostname: r.host.hostname,
    source,
    upgradeId: r.upgradeId,
    startedAt: r.startedAt,
    status: statusOf(r.outcome),
    kernels: { before: r.kernels.before, after: r.kernels.after },
    blackout: { estimate: r.blackout.estimate, measuredMs: r.blackout.measuredMs, degraded: d ? { ms: d.ms, faults: d.faults } : null },
    workloads: { kept: list.filter((w) => w.restored === true).length, total: list.length, list },
    firstError: err ? { code: err.code, message: err.message } : null,
  };
}

/** The fleet report of the files read from a fleet folder. Pure: the same entries give the same report. */
export function buildFleetReport(entries: readonly FleetEntry[], generatedAt: string): FleetReport {
  const hosts = entries
    .flatMap((e) => ('report' in e ? [hostOf(e.name, e.source, e.report)] : []))
    .sort((a, b) => rank(a.status) - rank(b.status) || a.name.localeCompare(b.name) || a.source.localeCompare(b.source));
  const totals = FLEET_STATUS_ORDER.map((status) => ({ status, hosts: hosts.filter((h) => h.status === status).length })).filter(
    (t) => t.hosts > 0,
  );
  const errors = entries
    .flatMap((e) => ('error' in e ? [{ source: e.source, message: e.error }] : []))
    .sort((a, b) => a.source.localeCompare(b.source));
  return { schemaVersion: FLEET_REPORT_VERSION, generatedAt, hosts, totals, errors };
}

/** One line for a terminal or a heading: "3 hosts: 1 failed, 1 rolled-back, 1 restored; 1 file not read". */
export function fleetSummaryLine(f: FleetReport): string {
  const n = f.hosts.length;
  const counts = f.totals.map((t) => `${t.hosts} ${t.status}`).join(', ');
  const bad = f.errors.length ? `; ${f.errors.length} file${f.errors.length === 1 ? '' : 's'} not read` : '';
  return `${n} host${n === 1 ? '' : 's'}${n ? `: ${counts}` : ''}${bad}`;
}

/** The host's name as the fleet shows it, with the hostname the report recorded when it differs. */
export const fleetHostLabel = (h: FleetHost): string => (h.hostname && h.hostname !== h.name ? `${h.name} (${h.hostname})` : h.name);
