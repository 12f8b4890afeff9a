// Why: CRIU carries an established TCP connection across the kexec only if nothing answers
// its peer in between: `criu dump --tcp-established` drops the connection's packets with
// iptables rules (marked 0xc114: CRIU's own packets pass), Seamless saves them to the store
// and loads them on the new boot before the network comes up, and `criu restore` removes them.
// Two more things are needed on a boot whose network is not configured yet: a route to each
// peer for CRIU's repair-mode connect() (else ENETUNREACH), and, when a socket was restored
// closed instead (the safer retry), the leftover rules must go so the peer gets a reset
// rather than silence. Pure parsing here; the restore runs the commands.

/** CRIU's mark on its own packets; its lock rules match everything else. */
const CRIU_MARK = /!\s+--mark\s+0xc114\b/;

/** Peer addresses of CRIU's lock rules in iptables-save / ip6tables-save output (INPUT: -s is the peer). */
export function lockedPeers(rules: string): string[] {
  const peers = new Set<string>();
  for (const line of rules.split('\n')) {
    if (!line.startsWith('-A INPUT ') || !CRIU_MARK.test(line)) continue;
    const m = /\s-s\s+(\S+?)(?:\/\d+)?(?:\s|$)/.exec(line);
    if (m) peers.add(m[1]!);
  }
  return [...peers];
}

/** CRIU's lock rules still present (iptables-save output), as argument lists for `iptables -D`. */
export function leftoverLockRules(rules: string): string[][] {
  return rules
    .split('\n')
    .filter((l) => /^-A (INPUT|OUTPUT) /.test(l) && CRIU_MARK.test(l))
    .map((l) => ['-D', ...l.slice(3).trim().split(/\s+/)]);
}
