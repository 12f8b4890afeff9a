// Why: CRIU carries an established TCP connection across the kexec only if nothing answers
// its peer in between: `criu dump --tcp-established` drops the connection's packets with
// iptables rules (marked 0xc114: CRIU's own packets pass), Seamless saves them to the store
// and loads them on the new boot before the network comes up, and `criu restore` removes them.
// Two more things are needed on a boot whose network is not configured yet. CRIU's repair-mode
// connect() needs the socket's own address to be local and a route to its peer, else
// ENETUNREACH (the kernel refuses a non-local source in the route lookup unless the socket is
// IP_TRANSPARENT; ip_nonlocal_bind is not enough): both are put on lo for the restore only.
// And when a socket was restored closed instead (the safer retry), the leftover rules must go
// so the peer gets a reset rather than silence. Pure parsing here; the restore runs the commands.

/** CRIU's mark on its own packets; its lock rules match everything else. */
const CRIU_MARK = /!\s+--mark\s+0xc114\b/;

/**
 * The addresses of the connections CRIU locked, from iptables-save / ip6tables-save output:
 * on its INPUT rules -s is the peer and -d the connection's own (local) address.
 */
export function lockedAddresses(rules: string): { peers: string[]; locals: string[] } {
  const peers = new Set<string>();
  const locals = new Set<string>();
  const addr = (line: string, flag: string) => new RegExp(`\\s${flag}\\s+(\\S+?)(?:/\\d+)?(?:\\s|$)`).exec(line)?.[1];
  for (const line of rules.split('\n')) {
    if (!line.startsWith('-A INPUT ') || !CRIU_MARK.test(line)) continue;
    const peer = addr(line, '-s');
    const local = addr(line, '-d');
    if (peer) peers.add(peer);
    if (local) locals.add(local);
  }
  return { peers: [...peers], locals: [...locals] };
}

/** CRIU's lock rules still present (iptables-save output), as argument lists for `iptables -D`. */
export function leftoverLockRules(rules: string): string[][] {
  return rules
    .split('\n')
    .filter((l) => /^-A (INPUT|OUTPUT) /.test(l) && CRIU_MARK.test(l))
    .map((l) => ['-D', ...l.slice(3).trim().split(/\s+/)]);
}
