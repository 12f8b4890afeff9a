// Test workload: reads a whole file into the page cache (through a small buffer, so its own
// memory stays small), keeps it open, and prints its PID.
const fs = require('node:fs');
const fd = fs.openSync(process.argv[2], 'r');
const buf = Buffer.alloc(1024 * 1024);
let pos = 0;
for (let n; (n = fs.readSync(fd, buf, 0, buf.length, pos)) > 0;) pos += n;
process.stdout.write(`${JSON.stringify({ pid: process.pid, read: pos })}\n`);
setInterval(() => {}, 1 << 30);
