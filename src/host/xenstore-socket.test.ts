import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as W from '../abi/xen/io/xs_wire.js';
import { encodeMessage } from '../dom0/xenstore/connection.js';
import { payload, splitMessages, parts, type Reply } from '../dom0/xenstore/testing.js';
import { Xenstored } from '../dom0/xenstore/xenstored.js';
import { listenXenstore } from './xenstore-socket.js';

function tmp() {
  return mkdtempSync(join(tmpdir(), 'tsxen-xs-sock-'));
}

/** A raw client: send messages, collect replies. */
async function client(path: string) {
  const sock: Socket = connect(path);
  await new Promise<void>((res, rej) => sock.once('connect', res).once('error', rej));
  let buf = Buffer.alloc(0);
  const got: Reply[] = [];
  let closed = false;
  sock.on('data', d => {
    buf = Buffer.concat([buf, d]);
    const msgs = splitMessages(buf);
    buf = buf.subarray(msgs.reduce((n, m) => n + 16 + m.payload.length, 0));
    got.push(...msgs);
  });
  sock.on('close', () => (closed = true));
  const until = async (cond: () => boolean) => {
    for (let i = 0; i < 400 && !cond(); i++) await new Promise(r => setTimeout(r, 5));
  };
  return {
    sock, got, until,
    get closed() { return closed; },
    async call(type: number, strs: string[], value?: string): Promise<string> {
      const n = got.length;
      sock.write(encodeMessage({ type, reqId: n + 1, txId: 0, payload: payload(strs, value) }));
      await until(() => got.slice(n).some(m => m.type !== W.XS_WATCH_EVENT));
      const r = got.slice(n).find(m => m.type !== W.XS_WATCH_EVENT)!;
      return (r.type === W.XS_ERROR ? 'E:' : '') + parts(r.payload).join(' ');
    },
  };
}

test('clients on the socket are privileged dom0 connections speaking the wire protocol', async () => {
  const dir = tmp();
  const srv = await listenXenstore(new Xenstored(), join(dir, 'socket'));
  assert.equal(statSync(srv.path).mode & 0o777, 0o600);
  const a = await client(srv.path);
  const b = await client(srv.path);
  assert.equal(await a.call(W.XS_WRITE, ['/x'], 'v'), 'OK');
  assert.equal(await b.call(W.XS_READ, ['/x']), 'v');
  assert.equal(await b.call(W.XS_IS_DOMAIN_INTRODUCED, ['0']), 'T');
  assert.equal(await b.call(W.XS_WATCH, ['/x', 'tok']), 'OK');
  await a.call(W.XS_WRITE, ['/x'], 'w');
  await b.until(() => b.got.filter(m => m.type === W.XS_WATCH_EVENT).length === 2);
  assert.deepEqual(b.got.filter(m => m.type === W.XS_WATCH_EVENT).map(m => parts(m.payload).join(' ')), ['/x tok', '/x tok']);
  a.sock.destroy();
  b.sock.destroy();
  await srv.close();
  rmSync(dir, { recursive: true });
});

test('a client sending a payload over 4096 bytes is disconnected; others carry on', async () => {
  const dir = tmp();
  const xs = new Xenstored();
  const srv = await listenXenstore(xs, join(dir, 'socket'));
  const bad = await client(srv.path);
  const good = await client(srv.path);
  await bad.call(W.XS_WATCH, ['/w', 't']);
  const hdr = encodeMessage({ type: W.XS_WRITE, reqId: 9, txId: 0, payload: new Uint8Array(0) });
  new DataView(hdr.buffer).setUint32(12, 4097, true);
  bad.sock.write(hdr);
  await bad.until(() => bad.closed);
  assert.ok(bad.closed);
  assert.equal(await good.call(W.XS_WRITE, ['/w'], 'x'), 'OK');
  assert.equal(xs.connections.size, 1);
  good.sock.destroy();
  await srv.close();
  rmSync(dir, { recursive: true });
});

test('a stale socket file is replaced; any other file is left alone with a clear error', async () => {
  const dir = tmp();
  const path = join(dir, 'socket');
  // a socket file nobody listens on, as a crashed run leaves it
  spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`]);
  assert.equal(statSync(path).isSocket(), true);
  const again = await listenXenstore(new Xenstored(), path);
  assert.equal(await (await client(path)).call(W.XS_READ, ['/tool']), '');
  await again.close();
  const file = join(dir, 'file');
  writeFileSync(file, 'data');
  await assert.rejects(() => listenXenstore(new Xenstored(), file), /not a socket/);
  rmSync(dir, { recursive: true });
});

test('a disconnected client\'s watches and transactions are gone', async () => {
  const dir = tmp();
  const xs = new Xenstored();
  const srv = await listenXenstore(xs, join(dir, 'socket'));
  const c = await client(srv.path);
  await c.call(W.XS_WATCH, ['/a', 't']);
  await c.call(W.XS_TRANSACTION_START, ['']);
  assert.equal(xs.connections.size, 1);
  c.sock.destroy();
  for (let i = 0; i < 100 && xs.connections.size; i++) await new Promise(r => setTimeout(r, 5));
  assert.equal(xs.connections.size, 0);
  await srv.close();
  rmSync(dir, { recursive: true });
});
