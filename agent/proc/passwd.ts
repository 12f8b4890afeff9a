// Why: user names for the inventory come from /etc/passwd (the agent must not depend on NSS
// tools being present); uids with no entry (containers, LDAP) are shown as numbers.

export function parsePasswd(text: string): Map<number, string> {
  const users = new Map<number, string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const f = line.split(':');
    if (f.length >= 3 && /^\d+$/.test(f[2]!)) {
      const uid = Number(f[2]);
      if (!users.has(uid)) users.set(uid, f[0]!);
    }
  }
  return users;
}
