// bench/xenstore/socket-client.ts - the socket side of bench/xenstore/run.ts, run as a separate process:
// `socket-client.ts SOCKET N` connects and makes N sequential READ round trips, then prints
// {"n": N, "seconds": S} (time from the first request to the last reply).

import { connect } from 'node:net';

const [path, nArg] = process.argv.slice(2);
const n = Number(nArg);
const body = Buffer.from('/bench/value\0');
const msg = Buffer.alloc(16 + body.length);
msg.writeUInt32LE(2, 0); // XS_READ
msg.writeUInt32LE(body.length, 12);
body.copy(msg, 16);

const sock = connect(path!);
sock.setNoDelay?.(true);
let done = 0;
let pending: Buffer = Buffer.alloc(0);
let t0 = 0n;
sock.on('connect', () => {
  t0 = process.hrtime.bigint();
  msg.writeUInt32LE(1, 4);
  sock.write(msg);
});
sock.on('data', (d: Buffer) => {
  pending = pending.length ? Buffer.concat([pending, d]) : d;
  while (pending.length >= 16 && pending.length >= 16 + pending.readUInt32LE(12)) {
    if (pending.readUInt32LE(0) !== 2) throw new Error(`unexpected reply type ${pending.readUInt32LE(0)}`);
    pending = pending.subarray(16 + pending.readUInt32LE(12));
    if (++done === n) {
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      process.stdout.write(JSON.stringify({ n, seconds }) + '\n');
      sock.end();
      return;
    }
    msg.writeUInt32LE(done + 1, 4);
    sock.write(msg);
  }
});
