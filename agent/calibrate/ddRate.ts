// Why: bandwidth is measured with coreutils' dd (present on every host, O_DIRECT and fsync by
// flag), whose closing line states the bytes and seconds itself: "67108864 bytes (67 MB, 64 MiB)
// copied, 0.0915 s, 733 MB/s". This reads that line; the runner is separate.

export function parseDdRate(stderr: string): { bytes: number; seconds: number; bytesPerS: number } | null {
  const lines = stderr.trim().split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = /^(\d+) bytes\b.*copied, ([\d.]+(?:e-?\d+)?) s\b/.exec(lines[i]!.trim());
    if (!m) continue;
    const bytes = Number(m[1]);
    const seconds = Number(m[2]);
    if (bytes > 0 && seconds > 0) return { bytes, seconds, bytesPerS: bytes / seconds };
  }
  return null;
}
