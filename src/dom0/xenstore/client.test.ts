import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XenstoreError, XsClient } from './client.js';
import { WireTester } from './testing.js';
import { Xenstored } from './xenstored.js';

const tick = () => new Promise<void>(r => setImmediate(r));

test('read, write, mkdir, directory, rm; a missing node reads as null', () => {
  const xs = new XsClient(new Xenstored());
  xs.write('/a/b', 'héllo');
  assert.equal(xs.read('/a/b'), 'héllo');
  assert.deepEqual([...xs.readBytes('/a/b')!], [...Buffer.from('héllo')]);
  xs.mkdir('/a/c');
  assert.deepEqual(xs.directory('/a'), ['b', 'c']);
  xs.rm('/a');
  assert.equal(xs.read('/a/b'), null);
  assert.equal(xs.directory('/a'), null);
  assert.equal(xs.getPerms('/a'), null);
});

test('permissions and errors: other errors throw XenstoreError with the errno name', () => {
  const xs = new XsClient(new Xenstored());
  xs.write('/p', '');
  xs.setPerms('/p', ['n0', 'r3']);
  assert.deepEqual(xs.getPerms('/p'), ['n0', 'r3']);
  assert.throws(() => xs.write('bad//path', 'x'), (e: unknown) => e instanceof XenstoreError && e.errno === 'EINVAL');
  assert.throws(() => xs.rm('/no/such'), /ENOENT/);
});

test('watch callbacks run after the request, once at once and per change; dispose stops them', async () => {
  const store = new Xenstored();
  const xs = new XsClient(store);
  const other = new XsClient(store);
  const seen: string[] = [];
  const w = xs.watch('/w', 'tok', (path, token) => seen.push(`${path} ${token}`));
  assert.deepEqual(seen, []); // not synchronously
  await tick();
  assert.deepEqual(seen, ['/w tok']);
  other.write('/w/x', '1');
  await tick();
  assert.deepEqual(seen, ['/w tok', '/w/x tok']);
  w.dispose();
  other.write('/w/y', '1');
  await tick();
  assert.equal(seen.length, 2);
});

test('a watch callback may use the client (no re-entrancy into a running request)', async () => {
  const xs = new XsClient(new Xenstored());
  const values: (string | null)[] = [];
  xs.watch('/state', 'st', path => values.push(xs.read(path)));
  xs.write('/state', '4');
  await tick();
  assert.deepEqual(values, ['4', '4']);
});

test('transaction() retries the whole function while the commit conflicts', () => {
  const store = new Xenstored();
  const xs = new XsClient(store);
  const other = new XsClient(store);
  xs.write('/counter', '0');
  let attempts = 0;
  const result = xs.transaction(tx => {
    attempts++;
    const v = Number(xs.read('/counter', tx));
    if (attempts === 1) other.write('/counter', '10');
    xs.write('/counter', String(v + 1), tx);
    return v + 1;
  });
  assert.equal(attempts, 2);
  assert.equal(result, 11);
  assert.equal(xs.read('/counter'), '11');
});

test('a throwing transaction function aborts the transaction', () => {
  const xs = new XsClient(new Xenstored());
  assert.throws(() => xs.transaction(tx => {
    xs.write('/partial', 'x', tx);
    throw new Error('boom');
  }), /boom/);
  assert.equal(xs.read('/partial'), null);
});

test('domain management: introduce, is-introduced, domain path, release', () => {
  const store = new Xenstored();
  const xs = new XsClient(store);
  assert.equal(xs.isDomainIntroduced(0), true);
  assert.equal(xs.isDomainIntroduced(3), false);
  xs.introduce(3, 0x39001, 1);
  assert.equal(xs.isDomainIntroduced(3), true);
  assert.equal(xs.getDomainPath(3), '/local/domain/3');
  xs.release(3);
  assert.equal(xs.isDomainIntroduced(3), false);
  assert.throws(() => xs.release(3), /ENOENT/);
});

test('the toolstack builds a domain\'s nodes as libxl does, and the guest sees them', () => {
  const store = new Xenstored();
  const xs = new XsClient(store);
  const dom = '/local/domain/1';
  xs.transaction(tx => {
    xs.mkdir(dom, tx);
    xs.setPerms(dom, ['n0', 'r1'], tx);
    xs.write(`${dom}/name`, 'guest', tx);
    xs.write(`${dom}/memory/target`, '262144', tx);
    for (const p of ['data', 'control/shutdown', 'device']) {
      xs.mkdir(`${dom}/${p}`, tx);
    }
    xs.setPerms(`${dom}/data`, ['n1'], tx);
    xs.setPerms(`${dom}/control/shutdown`, ['n1'], tx);
  });
  xs.introduce(1, 0x39001, 1);
  const guest = WireTester.domain(store, 1);
  assert.equal(guest.read('name'), 'guest');
  assert.equal(guest.write('control/shutdown', ''), 'OK');
  assert.equal(guest.write('data/x', '1'), 'OK');
  assert.equal(guest.write('name', 'evil'), 'E:EACCES');
  assert.deepEqual(xs.getPerms(`${dom}/memory/target`), ['n0', 'r1']);
});

test('RELEASE removes the nodes the domain owns and leaves dom0\'s', () => {
  const store = new Xenstored();
  const xs = new XsClient(store);
  xs.mkdir('/local/domain/1');
  xs.setPerms('/local/domain/1', ['n0', 'r1']);
  xs.mkdir('/local/domain/1/data');
  xs.setPerms('/local/domain/1/data', ['n1']);
  xs.introduce(1, 1, 1);
  const guest = WireTester.domain(store, 1);
  guest.write('data/a/b', 'x');
  xs.release(1);
  assert.equal(xs.read('/local/domain/1/data'), null);
  assert.deepEqual(xs.directory('/local/domain/1'), []);
  assert.deepEqual(store.store.check(), []);
});

test('closing a client drops its watches and transactions', async () => {
  const store = new Xenstored();
  const a = new XsClient(store);
  const b = new XsClient(store);
  const seen: string[] = [];
  a.watch('/c', 't', p => seen.push(p));
  a.transactionStart();
  a.close();
  b.write('/c', 'x');
  await tick();
  assert.deepEqual(seen, []); // even the initial event, still queued at close, is dropped
  assert.equal(store.connections.size, 1);
});

test('a throwing watch callback is logged; other callbacks and the process carry on', async () => {
  const { setLogSink } = await import('../../base/log.js');
  const logged: string[] = [];
  setLogSink((_level, _src, m) => logged.push(m), 'warn');
  try {
    const xs = new XsClient(new Xenstored());
    const seen: string[] = [];
    xs.watch('/cb', 'bad', () => { throw new Error('service bug'); });
    xs.watch('/cb', 'good', p => seen.push(p));
    await tick();
    assert.deepEqual(seen, ['/cb']);
    assert.ok(logged.some(l => l.includes('service bug')));
  } finally {
    setLogSink(() => {});
  }
});
