// Test workload: holds N MiB of written anonymous memory and one child; prints its PID.
const { spawn } = require('node:child_process');
const mib = Number(process.argv[2] || 0);
const held = Buffer.alloc(mib * 1024 * 1024, 0x5a);
const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], { stdio: 'ignore' });
process.stdout.write(`${JSON.stringify({ pid: process.pid, child: child.pid, held: held.length })}\n`);
setInterval(() => held[0]++, 1 << 30);
