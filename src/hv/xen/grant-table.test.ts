import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import {
  GNTST_bad_gntref, GNTST_bad_page, GNTST_general_error, GNTST_okay, GTF_accept_transfer, GTF_permit_access,
  GTF_PWT, GTF_reading, GTF_readonly, GTF_sub_page, GTF_writing,
} from '../../abi/xen/grant_table.js';
import { GrantTable, gntstFromErrno, type GrantMapping } from './grant-table.js';

const EPERM = -1, EAGAIN = -11, ENOMEM = -12, EFAULT = -14, EBUSY = -16, EINVAL = -22, ENOSYS = -38;
const PAGE = 4096;
const RAM_GFN = 0x40000; // guest frame RAM_GFN + k lives at host page k (k = 1..7)
const FRAME_POOL = 0x10000; // hypervisor pages for grant frames from here

/** A domain Memory in a SharedArrayBuffer: 8 RAM pages, then a pool of grant-frame pages. */
function setup(opts: { maxFrames?: number; poolPages?: number; noGfn?: boolean } = {}) {
  const pool = opts.poolPages ?? 8;
  const bytes = new Uint8Array(new SharedArrayBuffer(FRAME_POOL + pool * PAGE));
  let next = FRAME_POOL;
  let written = 0;
  const gt = new GrantTable(5, {
    maxFrames: opts.maxFrames,
    bytes,
    allocFrame: () => (next < bytes.length ? (next += PAGE) - PAGE : -1),
    gfnToHost: opts.noGfn ? undefined : gfn => (gfn > RAM_GFN && gfn < RAM_GFN + 8 ? (gfn - RAM_GFN) * PAGE : -1),
    onEntryWritten: () => written++,
  });
  const view = new DataView(bytes.buffer);
  const entry = (ref: number) => gt.frameHost(ref >> 9) + (ref & 511) * 8;
  /** The guest's gnttab_grant_foreign_access: domid and frame first, then the flags. */
  const grant = (ref: number, domid: number, gfn: number, flags = GTF_permit_access) => {
    view.setUint16(entry(ref) + 2, domid, true);
    view.setUint32(entry(ref) + 4, gfn, true);
    view.setUint16(entry(ref), flags, true);
  };
  const flags = (ref: number) => view.getUint16(entry(ref), true);
  const setFlags = (ref: number, f: number) => view.setUint16(entry(ref), f, true);
  return { gt, bytes, grant, flags, setFlags, entry, writes: () => written };
}

test('the table starts with one zeroed frame and grows on demand up to maxFrames', () => {
  const { gt, bytes } = setup({ maxFrames: 4 });
  assert.deepEqual(gt.querySize(), { nrFrames: 1, maxFrames: 4 });
  const f0 = gt.frameHost(0);
  assert.equal(f0, FRAME_POOL);
  bytes.fill(0xaa, FRAME_POOL + PAGE, FRAME_POOL + 4 * PAGE); // stale contents in the pool
  const f3 = gt.frameHost(3);
  assert.equal(f3, FRAME_POOL + 3 * PAGE);
  assert.deepEqual(gt.querySize(), { nrFrames: 4, maxFrames: 4 });
  assert.ok(bytes.subarray(FRAME_POOL + PAGE, FRAME_POOL + 4 * PAGE).every(b => b === 0));
  assert.equal(gt.frameHost(0), f0); // stable
  assert.equal(gt.frameHost(4), EINVAL);
  assert.equal(gt.frameHost(-1), EINVAL);
  assert.equal(gt.frameHost(1.5), EINVAL);
});

test('growing without hypervisor pages is ENOMEM; impossible limits are refused at construction', () => {
  const { gt } = setup({ maxFrames: 16, poolPages: 2 });
  assert.equal(gt.frameHost(1), FRAME_POOL + PAGE);
  assert.equal(gt.frameHost(5), ENOMEM);
  const bytes = new Uint8Array(new SharedArrayBuffer(PAGE * 2));
  assert.throws(() => new GrantTable(1, { bytes, allocFrame: () => PAGE, maxFrames: 0 }), RangeError);
  assert.throws(() => new GrantTable(1, { bytes, allocFrame: () => PAGE, maxFrames: 4097 }), RangeError);
  assert.throws(() => new GrantTable(1, { bytes, allocFrame: () => -1 }), /first grant frame/);
});

test('set_version: 1 is accepted, 2 is ENOSYS as on Arm Xen 4.17, anything else EINVAL', () => {
  const { gt } = setup();
  assert.equal(gt.setVersion(1), 0);
  assert.equal(gt.setVersion(2), ENOSYS);
  assert.equal(gt.setVersion(0), EINVAL);
  assert.equal(gt.setVersion(3), EINVAL);
  assert.equal(gt.getVersion(), 1);
});

test('copyFrom reads a read-only grant and leaves its flags as they were', () => {
  const { gt, bytes, grant, flags, writes } = setup();
  bytes.set([1, 2, 3, 4], 2 * PAGE + 100);
  grant(8, 0, RAM_GFN + 2, GTF_permit_access | GTF_readonly);
  const buf = new Uint8Array(4);
  assert.equal(gt.copyFrom(8, 100, 4, buf), 0);
  assert.deepEqual([...buf], [1, 2, 3, 4]);
  assert.equal(flags(8), GTF_permit_access | GTF_readonly);
  assert.equal(gt.pinnedEntries, 0);
  assert.equal(writes(), 2); // set GTF_reading, then clear it
});

test('copyTo writes through a writable grant and is refused on a read-only one', () => {
  const { gt, bytes, grant, flags } = setup();
  grant(9, 0, RAM_GFN + 3);
  assert.equal(gt.copyTo(9, 4090, 6, new Uint8Array([9, 8, 7, 6, 5, 4])), 0);
  assert.deepEqual([...bytes.subarray(3 * PAGE + 4090, 3 * PAGE + 4096)], [9, 8, 7, 6, 5, 4]);
  assert.equal(flags(9), GTF_permit_access);
  grant(10, 0, RAM_GFN + 3, GTF_permit_access | GTF_readonly);
  assert.equal(gt.copyTo(10, 0, 1, new Uint8Array(1)), EPERM);
  assert.equal(flags(10), GTF_permit_access | GTF_readonly);
  assert.equal(bytes[3 * PAGE], 0);
});

test('a copy never crosses its page or overruns the buffer', () => {
  const { gt, grant, flags } = setup();
  grant(8, 0, RAM_GFN + 1);
  const buf = new Uint8Array(16);
  assert.equal(gt.copyFrom(8, 4090, 7, buf), EINVAL);
  assert.equal(gt.copyFrom(8, -1, 1, buf), EINVAL);
  assert.equal(gt.copyFrom(8, 0, 17, buf), EINVAL);
  assert.equal(gt.copyFrom(8, 0.5, 1, buf), EINVAL);
  assert.equal(flags(8), GTF_permit_access); // nothing was pinned
});

test('hostile refs, wrong domid and wrong entry types are refused without touching the entry', () => {
  const { gt, grant, flags } = setup();
  assert.equal(gt.acquire(512, 0, false), EINVAL); // beyond the one frame
  assert.equal(gt.acquire(-1, 0, false), EINVAL);
  assert.equal(gt.acquire(2 ** 32, 0, false), EINVAL);
  assert.equal(gt.acquire(NaN, 0, false), EINVAL);
  grant(8, 3, RAM_GFN + 1);
  assert.equal(gt.acquire(8, 0, false), EPERM); // granted to d3, not d0
  assert.equal(flags(8), GTF_permit_access);
  grant(11, 0, RAM_GFN + 1, 0); // GTF_invalid: revoked or never granted
  assert.equal(gt.acquire(11, 0, false), EPERM);
  grant(12, 0, RAM_GFN + 1, GTF_accept_transfer);
  assert.equal(gt.acquire(12, 0, false), EPERM);
  assert.equal(gt.pinnedEntries, 0);
});

test('a granted frame that is not the domain\'s RAM is EFAULT and leaves no flag set', () => {
  const { gt, grant, flags } = setup();
  grant(8, 0, 0x38000); // the grant window itself
  assert.equal(gt.acquire(8, 0, true), EFAULT);
  assert.equal(flags(8), GTF_permit_access);
  const n = setup({ noGfn: true });
  n.grant(8, 0, RAM_GFN + 1);
  assert.equal(n.gt.acquire(8, 0, false), EFAULT);
  assert.equal(n.flags(8), GTF_permit_access);
});

test('map gives a window onto the granted page; release clears the flags and is idempotent', () => {
  const { gt, bytes, grant, flags } = setup();
  grant(8, 0, RAM_GFN + 4);
  const m = gt.map(8, true) as GrantMapping;
  assert.equal(typeof m, 'object');
  assert.equal(flags(8), GTF_permit_access | GTF_reading | GTF_writing);
  assert.equal(m.bytes.length, PAGE);
  m.bytes[17] = 0x5a;
  assert.equal(bytes[4 * PAGE + 17], 0x5a);
  assert.equal(gt.hostOf(m.handle), 4 * PAGE);
  m.release();
  assert.equal(flags(8), GTF_permit_access);
  m.release();
  assert.equal(gt.release(m.handle), EINVAL);
  assert.equal(gt.hostOf(m.handle), EINVAL);
  assert.equal(gt.pinnedEntries, 0);
});

test('sub-page grants can be copied but not mapped', () => {
  const { gt, grant } = setup();
  grant(8, 0, RAM_GFN + 1, GTF_permit_access | GTF_sub_page);
  assert.equal(gt.map(8, false), EPERM);
  assert.equal(gt.copyFrom(8, 0, 4, new Uint8Array(4)), 0);
});

test('pin counts: GTF_reading goes with the last pin, GTF_writing with the last write pin', () => {
  const { gt, grant, flags } = setup();
  grant(8, 0, RAM_GFN + 1);
  const r1 = gt.acquire(8, 0, false);
  const r2 = gt.acquire(8, 0, false);
  assert.equal(flags(8), GTF_permit_access | GTF_reading);
  const w = gt.acquire(8, 0, true);
  assert.equal(flags(8), GTF_permit_access | GTF_reading | GTF_writing);
  assert.deepEqual(gt.pins(8), { readers: 2, writers: 1 });
  assert.equal(gt.release(w), 0);
  assert.equal(flags(8), GTF_permit_access | GTF_reading);
  assert.equal(gt.release(r1), 0);
  assert.equal(flags(8), GTF_permit_access | GTF_reading);
  assert.equal(gt.release(r2), 0);
  assert.equal(flags(8), GTF_permit_access);
  assert.deepEqual(gt.pins(8), { readers: 0, writers: 0 });
});

test('a read pin released while a write pin is held keeps both flags', () => {
  const { gt, grant, flags } = setup();
  grant(8, 0, RAM_GFN + 1);
  const w = gt.acquire(8, 0, true);
  const r = gt.acquire(8, 0, false);
  gt.release(r);
  assert.equal(flags(8), GTF_permit_access | GTF_reading | GTF_writing);
  gt.release(w);
  assert.equal(flags(8), GTF_permit_access);
});

test('a pinned entry cannot be pinned by another domain, and pin counters have Xen\'s limit', () => {
  const { gt, grant } = setup();
  grant(8, 0, RAM_GFN + 1);
  const handles: number[] = [];
  for (let i = 0; i < 128; i++) handles.push(gt.acquire(8, 0, false));
  assert.ok(handles.every(h => h >= 0));
  assert.equal(gt.acquire(8, 0, false), EBUSY);
  assert.equal(gt.acquire(8, 7, false), EBUSY);
  for (const h of handles) gt.release(h);
  assert.equal(gt.pinnedEntries, 0);
});

test('the guest cannot end access while pinned: Linux\'s cmpxchg sees GTF_reading and keeps the entry', () => {
  const { gt, grant, flags, setFlags } = setup();
  grant(8, 0, RAM_GFN + 1);
  const h = gt.acquire(8, 0, false);
  // gnttab_end_foreign_access_ref_v1: give up if reading|writing, else cmpxchg(flags, 0)
  const f = flags(8);
  const ended = (f & (GTF_reading | GTF_writing)) === 0 && (setFlags(8, 0), true);
  assert.equal(ended, false);
  gt.release(h);
  assert.equal((flags(8) & (GTF_reading | GTF_writing)) === 0, true);
});

test('a grant revoked (overwritten) while pinned keeps serving its pins and ends with no stale flags', () => {
  const { gt, bytes, grant, flags, setFlags } = setup();
  grant(8, 0, RAM_GFN + 2);
  const m = gt.map(8, true) as GrantMapping;
  setFlags(8, 0); // a hostile guest revokes by a plain store
  m.bytes[0] = 0x77; // the pinned page stays usable until released
  assert.equal(bytes[2 * PAGE], 0x77);
  // the active entry is authoritative while pinned, as in Xen: same domain, same frame
  const h = gt.acquire(8, 0, false);
  assert.equal(gt.hostOf(h), 2 * PAGE);
  gt.release(h);
  m.release();
  assert.equal(flags(8), 0);
  // once the pins are gone the revoked entry is refused
  assert.equal(gt.acquire(8, 0, false), EPERM);
});

test('a write pin on an entry the guest has since made read-only is refused', () => {
  const { gt, grant, flags, setFlags } = setup();
  grant(8, 0, RAM_GFN + 1);
  const r = gt.acquire(8, 0, false);
  setFlags(8, flags(8) | GTF_readonly); // "changing a GTF_permit_access from writable to read-only"
  assert.equal(gt.acquire(8, 0, true), EPERM);
  gt.release(r);
  assert.equal(flags(8), GTF_permit_access | GTF_readonly);
});

test('refs in later frames work once the guest has grown the table', () => {
  const { gt, grant, bytes } = setup();
  assert.equal(gt.acquire(600, 0, false), EINVAL);
  gt.frameHost(1);
  bytes[5 * PAGE] = 42;
  grant(600, 0, RAM_GFN + 5);
  const buf = new Uint8Array(1);
  assert.equal(gt.copyFrom(600, 0, 1, buf), 0);
  assert.equal(buf[0], 42);
});

test('handles are reused after release', () => {
  const { gt, grant } = setup();
  grant(8, 0, RAM_GFN + 1);
  grant(9, 0, RAM_GFN + 2);
  const a = gt.acquire(8, 0, false);
  gt.release(a);
  const b = gt.acquire(9, 0, false);
  assert.equal(b, a);
  assert.equal(gt.hostOf(b), 2 * PAGE);
  assert.equal(gt.release(-1), EINVAL);
  assert.equal(gt.release(99), EINVAL);
});

test('gntstFromErrno gives the status GNTTABOP_map_grant_ref/copy report', () => {
  assert.equal(gntstFromErrno(0), GNTST_okay);
  assert.equal(gntstFromErrno(EINVAL), GNTST_bad_gntref);
  assert.equal(gntstFromErrno(EFAULT), GNTST_bad_page);
  assert.equal(gntstFromErrno(EPERM), GNTST_general_error);
  assert.equal(gntstFromErrno(EAGAIN), GNTST_general_error);
});

test('flag updates are atomic against a guest vCPU toggling its own bits concurrently', async () => {
  const { gt, bytes, grant, entry } = setup();
  grant(8, 0, RAM_GFN + 1);
  const word = entry(8) >> 2;
  const ctl = new Int32Array(new SharedArrayBuffer(12)); // [0] stop, [1] toggles done, [2] lost updates seen
  // Another thread plays a guest vCPU flipping GTF_PWT with a compare-and-swap loop (LDXR/STXR on hardware).
  // Only it changes that bit, so finding it different from what it last stored means a lost update.
  const worker = new Worker(
    `const { workerData: { buf, ctl, word, bit } } = require('node:worker_threads');
     const w = new Int32Array(buf, 0, buf.byteLength >> 2);
     Atomics.store(ctl, 1, -1);
     let n = 0, lost = 0, mine = Atomics.load(w, word) & bit;
     while (Atomics.load(ctl, 0) === 0) {
       const v = Atomics.load(w, word);
       if ((v & bit) !== mine) { lost++; mine = v & bit; }
       if (Atomics.compareExchange(w, word, v, v ^ bit) === v) { mine ^= bit; n++; }
     }
     Atomics.store(ctl, 2, lost);
     Atomics.store(ctl, 1, n);`,
    { eval: true, workerData: { buf: bytes.buffer, ctl, word, bit: GTF_PWT } },
  );
  while (Atomics.load(ctl, 1) === 0) await new Promise(r => setTimeout(r, 1));
  let ok = 0;
  let unstable = 0;
  const buf = new Uint8Array(1);
  for (let i = 0; i < 20000; i++) {
    const rc = gt.copyFrom(8, 0, 1, buf);
    if (rc === 0) ok++;
    else if (rc === EAGAIN) unstable++;
    else assert.fail(`unexpected ${rc}`);
  }
  Atomics.store(ctl, 0, 1);
  await new Promise(r => worker.once('exit', r));
  const toggles = Atomics.load(ctl, 1);
  assert.ok(ok > 0, `no copy succeeded (${unstable} unstable)`);
  assert.equal(Atomics.load(ctl, 2), 0, 'the guest saw one of its updates lost');
  // and none of ours: our bits are clear, the guest's bit has the parity of its toggles
  const expected = GTF_permit_access | (toggles % 2 ? GTF_PWT : 0);
  assert.equal(new DataView(bytes.buffer).getUint16(entry(8), true), expected);
  assert.equal(new DataView(bytes.buffer).getUint16(entry(8) + 2, true), 0);
  assert.equal(gt.pinnedEntries, 0);
});
