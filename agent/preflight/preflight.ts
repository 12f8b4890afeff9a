// Why: answers `preflight.run`: every rule over one gathered context, sorted block → warn →
// info, with the CRIU options each workload needs. A plan with a blocking finding cannot start.
import { isAcknowledged } from '../../shared/domain/findings';
import type { Finding, PreflightResult } from '../../shared/domain/findings';
import type { PreflightContext } from './context';
import { criuRules, dirtyCacheRules, kexecRules, limitRules, pidRules } from './rules/hostRules';
import { kernelRules } from './rules/kernelRules';
import { containerRules } from './rules/containerRules';
import { storeRules } from './rules/storeRules';
import { criuOptionsFor, selectionRules, workloadRules } from './rules/workloadRules';

export const RULES: ((ctx: PreflightContext) => Finding[])[] = [
  selectionRules,
  criuRules,
  kexecRules,
  kernelRules,
  storeRules,
  workloadRules,
  containerRules,
  pidRules,
  dirtyCacheRules,
  limitRules,
];

const ORDER = { block: 0, warn: 1, info: 2 } as const;

export function judge(ctx: PreflightContext): PreflightResult {
  const findings = RULES.flatMap((rule) => rule(ctx)).sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
  return {
    findings,
    criuOptions: Object.fromEntries(ctx.selected.map((s) => [s.selector, criuOptionsFor(s)])),
    estimatedImageBytes: ctx.estimatedImageBytes,
    // A block stops the plan unless the admin acknowledged that very finding in the plan.
    canStart: !findings.some((f) => f.severity === 'block' && !isAcknowledged(f, ctx.plan.options.acknowledge)),
    bootCmdline: { current: ctx.facts.kernel.cmdline, next: ctx.newKernel.cmdline },
  };
}
