// The exit codes scripts and orchestrators branch on: the agent's say which fallback ran, 75
// while a run has not ended, and agree with the `seamless` CLI wherever the CLI has a meaning.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OUTCOMES, type Outcome } from '../../../shared/domain/journal';
import { AGENT_EXIT, AGENT_EXIT_TABLE, agentExitForOutcome, EXIT } from '../../../shared/exitCodes';
import { exitForOutcome } from '../../../electron/cli/exitCodes';

describe('agent exit codes', () => {
  it('give every outcome its code, each fallback its own', () => {
    const byOutcome = Object.fromEntries(OUTCOMES.map((o) => [o, agentExitForOutcome(o)]));
    expect(byOutcome).toEqual({
      restored: 0,
      'restored-unmanaged': 8,
      'rolled-back': 5,
      'cold-started': 7,
      lost: 6,
      aborted: 4,
      failed: 6,
    });
    expect(agentExitForOutcome(null)).toBe(75);
  });

  it('keep the CLI meaning where it has one: success, abort and failure alike, a fallback never 0', () => {
    for (const o of OUTCOMES) {
      const cli = exitForOutcome(o as Outcome);
      const agent = agentExitForOutcome(o);
      if (cli === EXIT.fallback) expect([5, 7, 8]).toContain(agent);
      else expect(agent).toBe(cli);
    }
    for (const k of ['ok', 'problem', 'usage', 'refused', 'aborted', 'failed', 'internal', 'interrupted'] as const)
      expect(AGENT_EXIT[k]).toBe(EXIT[k]);
  });

  it('lists every code once in the table --help and the README print, in order', () => {
    const codes = AGENT_EXIT_TABLE.map((r) => r.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect([...codes].sort((a, b) => a - b)).toEqual(codes);
    expect(new Set(codes)).toEqual(new Set(Object.values(AGENT_EXIT)));
  });

  it('are the ones the README documents for the agent', () => {
    const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### The agent on its own'));
    const escape = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const { code, meaning } of AGENT_EXIT_TABLE) expect(section).toMatch(new RegExp(`\\| ${code} +\\| ${escape(meaning)} +\\|`));
  });
});
