// Why: nearly every systemd service writes its stdout and stderr into a stream socket connected
// to journald. CRIU cannot dump one end of a stream connection, and the other end (journald) is
// not carried anyway: after the kexec there is a new journald. So the dump names the socket as
// external (`--external=unix[INODE]`) and the restore hands CRIU a fresh journal stream in its
// place (`--inherit-fd=fd[N]:socket:[INODE]`): the restored service logs on, to the new journal.
import { connect, type Socket } from 'node:net';

export const JOURNAL_STDOUT_PATH = '/run/systemd/journal/stdout';

export function isJournalStream(peer: { type: string; peerPath: string | null }): boolean {
  return peer.type === 'stream' && peer.peerPath === JOURNAL_STDOUT_PATH;
}

/** The dump option that marks one journal stream as external. */
export function externalUnixOption(inode: number): string {
  return `--external=unix[${inode}]`;
}

/** The inodes of the journal streams a dump marked external (read back from its options). */
export function externalUnixInodes(options: readonly string[]): number[] {
  return options.flatMap((o) => {
    const m = /^--external=unix\[(\d+)\]$/.exec(o);
    return m ? [Number(m[1])] : [];
  });
}

/**
 * journald's stream header: identifier, unit, priority (6 = info), level prefix, then no
 * forwarding to syslog, kmsg or console (systemd-journald.service(8), "stdout stream").
 */
export function journalStreamHeader(identifier: string, unit: string | null): string {
  return `${identifier}\n${unit ?? ''}\n6\n1\n0\n0\n0\n`;
}

export function openJournalStream(identifier: string, unit: string | null, path = JOURNAL_STDOUT_PATH): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.write(journalStreamHeader(identifier, unit), (err) => (err ? reject(err) : resolve(socket)));
    });
  });
}

/**
 * The restore's options: each external journal stream becomes an inherited fd, numbered from 3
 * in the order of `streams` (the sockets the caller passes to CRIU as fds 3, 4, …).
 */
export function restoreOptions(dumpOptions: readonly string[]): { args: string[]; inodes: number[] } {
  const inodes = externalUnixInodes(dumpOptions);
  const args = dumpOptions.filter((o) => !o.startsWith('--external=unix['));
  inodes.forEach((inode, i) => args.push(`--inherit-fd=fd[${3 + i}]:socket:[${inode}]`));
  return { args, inodes };
}
