import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../host/engine-loader.js';
import {
  DOMID_SELF, HYPERVISOR_memory_op, XEN_EACCES, XEN_EBUSY, XEN_EDOM, XEN_EFAULT, XEN_EINVAL, XEN_ENOENT,
  XEN_ENOSYS, XEN_EOPNOTSUPP, XEN_EPERM, XEN_ESRCH,
} from '../../abi/xen/xen.js';
import {
  XENMAPSPACE_dev_mmio, XENMAPSPACE_gmfn, XENMAPSPACE_gmfn_foreign, XENMAPSPACE_gmfn_range,
  XENMAPSPACE_grant_table, XENMAPSPACE_shared_info, XENMEM_add_to_physmap, XENMEM_add_to_physmap_batch,
  XENMEM_current_reservation, XENMEM_decrease_reservation, XENMEM_maximum_gpfn, XENMEM_maximum_reservation,
  XENMEM_populate_physmap, XENMEM_remove_from_physmap, XENMEM_increase_reservation, XENMEM_exchange,
} from '../../abi/xen/memory.js';
import { SHARED_INFO_WC_VERSION } from '../../abi/xen/shared_info.js';
import { A64, loadCode } from '../../cpu/testing.js';
import { P2M_OVERLAY_MAX } from '../../cpu/layout.js';
import { GUEST, guestView, struct, xenTestbed, type XenTestbed } from './testbed.js';

const xatp = (space: number, idx: bigint | number, gpfn: bigint | number, domid = DOMID_SELF, size = 0) =>
  struct(24, [[0, 2, domid], [2, 2, size], [4, 4, space], [8, 8, idx], [16, 8, gpfn]]);
const reservation = (list: bigint, nr: bigint | number, order = 0, domid = DOMID_SELF, flags = 0) =>
  struct(32, [[0, 8, list], [8, 8, nr], [16, 4, order], [20, 4, flags], [24, 2, domid]]);

function addToPhysmap(t: XenTestbed, a: Uint8Array, start = 0n): number {
  t.e.writePhys(GUEST.ARG, a);
  return t.call(HYPERVISOR_memory_op, [BigInt(XENMEM_add_to_physmap) | (start << 6n), GUEST.ARG]);
}

/** Run `ldr x0, [addr]` on vCPU 0 in the guest and return what it loaded. */
function guestLoad(t: XenTestbed, addr: bigint): bigint {
  loadCode(t.e, GUEST.PAGE - 0x1000n, [A64.movz(1, Number(addr & 0xffffn)), A64.movk(1, Number((addr >> 16n) & 0xffffn), 1),
    A64.ldrX(0, 1), A64.hvc(0)]);
  t.e.setPc(0, GUEST.PAGE - 0x1000n);
  t.e.run(0, 100);
  return t.e.x(0, 0);
}

test('add_to_physmap(shared_info) makes the page visible to the guest at once, replacing the RAM frame', async () => {
  const t = await xenTestbed(createEngine);
  const frame = GUEST.PAGE + 0x3000n;
  t.e.writePhys(frame, new Uint8Array(4096).fill(0xcc));
  assert.equal(guestLoad(t, frame + BigInt(SHARED_INFO_WC_VERSION)) & 0xffn, 0xccn);
  assert.equal(addToPhysmap(t, xatp(XENMAPSPACE_shared_info, 0, frame >> 12n)), 0);
  const wcVersion = t.e.view.getUint32(t.d.shared.page + SHARED_INFO_WC_VERSION, true);
  assert.equal(guestLoad(t, frame + BigInt(SHARED_INFO_WC_VERSION)) & 0xffff_ffffn, BigInt(wcVersion));
  // and the hypervisor's writes show through the guest's mapping
  t.d.shared.testAndSetPending(1);
  assert.equal(guestView(t.d, frame + 48n, 8).getUint8(0), 2);
  // mapping it again at the same frame is accepted; at another frame it is busy until removed
  assert.equal(addToPhysmap(t, xatp(XENMAPSPACE_shared_info, 0, frame >> 12n)), 0);
  assert.equal(addToPhysmap(t, xatp(XENMAPSPACE_shared_info, 0, (frame >> 12n) + 1n)), -XEN_EBUSY);
  t.e.writePhys(GUEST.ARG, struct(16, [[0, 2, DOMID_SELF], [8, 8, frame >> 12n]]));
  assert.equal(t.call(HYPERVISOR_memory_op, [XENMEM_remove_from_physmap, GUEST.ARG]), 0);
  assert.equal(t.d.p2m.kind(Number(frame >> 12n)), 'hole'); // the RAM frame it replaced is gone
  assert.equal(t.call(HYPERVISOR_memory_op, [XENMEM_remove_from_physmap, GUEST.ARG]), -XEN_ENOENT);
  assert.equal(addToPhysmap(t, xatp(XENMAPSPACE_shared_info, 0, (frame >> 12n) + 1n)), 0);
});

test('add_to_physmap(grant_table) maps frames into the grant window and grows the table to the index', async () => {
  const t = await xenTestbed(createEngine);
  // Linux maps from the highest index down (drivers/xen/grant-table.c gnttab_map)
  for (let i = 3; i >= 0; i--) assert.equal(addToPhysmap(t, xatp(XENMAPSPACE_grant_table, i, 0x38000 + i)), 0);
  assert.equal(t.d.gnttab.querySize().nrFrames, 4);
  // the guest writes a grant entry through its mapping; the table sees it
  const frame2 = t.d.gnttab.frameHost(2);
  assert.equal(t.d.p2m.gfnToHost(0x38002), frame2);
  assert.equal(addToPhysmap(t, xatp(XENMAPSPACE_grant_table, 64, 0x38040)), -XEN_EINVAL);
  assert.equal(addToPhysmap(t, xatp(XENMAPSPACE_grant_table, 0x80000000, 0x38041)), -XEN_EINVAL); // v2 status frame
  assert.equal(addToPhysmap(t, xatp(XENMAPSPACE_grant_table, 1n << 40n, 0x38041)), -XEN_EINVAL);
  assert.equal(addToPhysmap(t, xatp(XENMAPSPACE_grant_table, 1, 0x38005)), -XEN_EBUSY);
});

test('add_to_physmap refuses what Arm refuses, each with its errno', async () => {
  const t = await xenTestbed(createEngine);
  const other = t.xen.createDomain({ name: 'other', engine: t.e, machine: t.machine, clock: t.clock });
  assert.equal(addToPhysmap(t, xatp(XENMAPSPACE_shared_info, 1, 0x40100)), -XEN_EINVAL);
  assert.equal(addToPhysmap(t, xatp(XENMAPSPACE_shared_info, 0, (1n << 64n) - 1n)), -XEN_EINVAL);
  assert.equal(addToPhysmap(t, xatp(XENMAPSPACE_shared_info, 0, 1n << 40n)), -XEN_EINVAL);
  assert.equal(addToPhysmap(t, xatp(XENMAPSPACE_gmfn, 0x40100, 0x40101)), -XEN_ENOSYS);
  assert.equal(addToPhysmap(t, xatp(XENMAPSPACE_gmfn_range, 0x40100, 0x40101, DOMID_SELF, 2)), -XEN_ENOSYS);
  assert.equal(addToPhysmap(t, xatp(XENMAPSPACE_gmfn_foreign, 0, 0x40101)), -XEN_ENOSYS);
  assert.equal(addToPhysmap(t, xatp(XENMAPSPACE_dev_mmio, 0x9000, 0x9000)), -XEN_EACCES);
  assert.equal(addToPhysmap(t, xatp(99, 0, 0x40101)), -XEN_ENOSYS);
  assert.equal(addToPhysmap(t, xatp(XENMAPSPACE_shared_info, 0, 0x40100, 0x1234)), -XEN_ESRCH);
  assert.equal(addToPhysmap(t, xatp(XENMAPSPACE_shared_info, 0, 0x40100, other.id)), -XEN_EPERM);
  assert.equal(addToPhysmap(t, xatp(XENMAPSPACE_shared_info, 0, 0x40100, 0)), -XEN_EACCES); // dom0 has no P2M
  assert.equal(addToPhysmap(t, xatp(XENMAPSPACE_shared_info, 0, 0x40100), 0x10000n), -XEN_EDOM);
  assert.equal(t.call(HYPERVISOR_memory_op, [XENMEM_add_to_physmap, 0x1000]), -XEN_EFAULT);
  assert.equal(t.call(HYPERVISOR_memory_op, [XENMEM_exchange, GUEST.ARG]), -XEN_ENOSYS);
});

test('decrease_reservation punches holes; populate_physmap gives zeroed frames back; accounting follows', async () => {
  const t = await xenTestbed(createEngine);
  const total = t.d.totPages;
  const gfns = [0x40200n, 0x40201n, 0x40300n, 0x40301n];
  t.e.writePhys(GUEST.BUF, struct(32, gfns.map((g, i) => [i * 8, 8, g] as [number, 8, bigint])));
  t.e.writePhys(0x4020_0000n, new Uint8Array(8).fill(0x77));
  t.e.writePhys(GUEST.ARG, reservation(GUEST.BUF, 4));
  assert.equal(t.call(HYPERVISOR_memory_op, [XENMEM_decrease_reservation, GUEST.ARG]), 4);
  assert.equal(t.d.totPages, total - 4);
  assert.equal(t.d.p2m.gfnToHost(0x40200), -1);
  t.e.writePhys(GUEST.ARG + 0x100n, struct(2, [[0, 2, DOMID_SELF]]));
  assert.equal(t.call(HYPERVISOR_memory_op, [XENMEM_current_reservation, GUEST.ARG + 0x100n]), total - 4);
  // giving back a frame twice fails at that frame
  assert.equal(t.call(HYPERVISOR_memory_op, [XENMEM_decrease_reservation, GUEST.ARG]), 0);
  assert.equal(t.call(HYPERVISOR_memory_op, [XENMEM_populate_physmap, GUEST.ARG]), 4);
  assert.equal(t.d.totPages, total);
  assert.equal(guestLoad(t, 0x4020_0000n), 0n);
  assert.equal(t.call(HYPERVISOR_memory_op, [XENMEM_maximum_reservation, GUEST.ARG + 0x100n]), t.d.maxPages);
  assert.equal(t.call(HYPERVISOR_memory_op, [XENMEM_maximum_gpfn, GUEST.ARG + 0x100n]), 0x403ff);
  assert.equal(t.call(HYPERVISOR_memory_op, [XENMEM_current_reservation | (1 << 6), GUEST.ARG + 0x100n]), -XEN_EINVAL);
});

test('populate_physmap outside RAM allocates hypervisor pages, within max_pages', async () => {
  const t = await xenTestbed(createEngine, { maxPages: 1024 + 2 });
  t.e.writePhys(GUEST.BUF, struct(24, [[0, 8, 0x39000n], [8, 8, 0x39001n], [16, 8, 0x39002n]]));
  t.e.writePhys(GUEST.ARG, reservation(GUEST.BUF, 3));
  assert.equal(t.call(HYPERVISOR_memory_op, [XENMEM_populate_physmap, GUEST.ARG]), 2);
  assert.equal(t.d.p2m.kind(0x39001), 'owned');
  assert.equal(t.d.totPages, 1026);
  assert.equal(guestLoad(t, 0x3900_1000n), 0n);
  // giving one back frees its page and lets the third one in
  t.e.writePhys(GUEST.ARG, reservation(GUEST.BUF, 1));
  assert.equal(t.call(HYPERVISOR_memory_op, [XENMEM_decrease_reservation, GUEST.ARG]), 1);
  assert.equal(t.d.p2m.kind(0x39000), 'none');
  t.e.writePhys(GUEST.ARG, reservation(GUEST.BUF + 16n, 1));
  assert.equal(t.call(HYPERVISOR_memory_op, [XENMEM_populate_physmap, GUEST.ARG]), 1);
});

test('hostile reservations make no progress rather than fail loudly', async () => {
  const t = await xenTestbed(createEngine);
  const other = t.xen.createDomain({ name: 'other', engine: t.e, machine: t.machine, clock: t.clock });
  t.e.writePhys(GUEST.BUF, struct(8, [[0, 8, 0x40200n]]));
  const dec = (r: Uint8Array, start = 0n) => {
    t.e.writePhys(GUEST.ARG, r);
    return t.call(HYPERVISOR_memory_op, [BigInt(XENMEM_decrease_reservation) | (start << 6n), GUEST.ARG]);
  };
  assert.equal(dec(reservation(GUEST.BUF, 1, 10)), 0); // order above CONFIG_DOMU_MAX_ORDER
  assert.equal(dec(reservation(GUEST.BUF, 1n << 40n)), 0); // too many to encode a continuation
  assert.equal(dec(reservation(0x10n, 1)), 0); // extent list not mapped
  assert.equal(dec(reservation(GUEST.BUF, 1, 0, other.id)), 0); // not ours
  assert.equal(dec(reservation(GUEST.BUF, 1, 0, 0x4321)), 0); // no such domain
  assert.equal(dec(reservation(GUEST.BUF, 1), 5n), 5); // start beyond the end
  assert.equal(t.call(HYPERVISOR_memory_op, [XENMEM_decrease_reservation, 0x10]), 0);
  t.e.writePhys(GUEST.BUF, struct(8, [[0, 8, (1n << 64n) - 1n]]));
  assert.equal(dec(reservation(GUEST.BUF, 1)), 0); // absurd frame
  t.e.writePhys(GUEST.BUF, struct(8, [[0, 8, 0x10n]]));
  assert.equal(dec(reservation(GUEST.BUF, 1)), 0); // nothing there
  t.e.writePhys(GUEST.ARG, reservation(GUEST.BUF, 1));
  assert.equal(t.call(HYPERVISOR_memory_op, [XENMEM_increase_reservation, GUEST.ARG]), 0);
  assert.equal(t.d.totPages, 1024);
});

/** A xen_memory_reservation at GUEST.ARG listing `n` consecutive guest frames from 0x40400 (a list at 0x4030_0000). */
function writeFrameReservation(t: XenTestbed, n: number): void {
  const list = new Uint8Array(n * 8);
  const v = new DataView(list.buffer);
  for (let i = 0; i < n; i++) v.setBigUint64(i * 8, 0x40400n + BigInt(i), true);
  t.e.writePhys(0x4030_0000n, list);
  t.e.writePhys(GUEST.ARG, reservation(0x4030_0000n, n));
}

test('a large populate_physmap continues: the HVC is re-executed with the progress in cmd', async () => {
  const t = await xenTestbed(createEngine, { ramSize: 32 << 20 });
  const n = 5000;
  writeFrameReservation(t, n);
  t.e.setPc(0, 0x4000_0104n); // as if the HVC at 0x4000_0100 just trapped
  const first = t.call(HYPERVISOR_memory_op, [XENMEM_populate_physmap, GUEST.ARG]);
  assert.equal(first, XENMEM_populate_physmap | (4096 << 6));
  assert.equal(t.e.pc(0), 0x4000_0100n);
  assert.equal(t.e.x(0, 1), GUEST.ARG);
  t.d.hypercall(0); // the guest executes the HVC again, x0/x1/x16 as left
  assert.equal(t.e.x(0, 0), BigInt(n));
});

test('decrease_reservation stops with partial progress when the P2M overlay table is full', async () => {
  const t = await xenTestbed(createEngine, { ramSize: 32 << 20 });
  const n = 5000;
  writeFrameReservation(t, n);
  let r = t.call(HYPERVISOR_memory_op, [XENMEM_decrease_reservation, GUEST.ARG]);
  while (r > n) { t.d.hypercall(0); r = Number(t.e.x(0, 0)); } // follow continuations
  assert.equal(r, P2M_OVERLAY_MAX); // one overlay entry per hole
  assert.equal(t.d.p2m.overlayFree, 0);
  assert.equal(t.d.totPages, 8192 - r);
});

test('add_to_physmap_batch reports one error per index', async () => {
  const t = await xenTestbed(createEngine);
  const batch = (space: number, size: number, u = 0) =>
    struct(32, [[0, 2, DOMID_SELF], [2, 2, space], [4, 2, size], [6, 2, u],
      [8, 8, GUEST.BUF], [16, 8, GUEST.BUF + 0x100n], [24, 8, GUEST.BUF + 0x200n]]);
  t.e.writePhys(GUEST.BUF, struct(16, [[0, 8, 0n], [8, 8, 100n]]));
  t.e.writePhys(GUEST.BUF + 0x100n, struct(16, [[0, 8, 0x38000n], [8, 8, 0x38001n]]));
  t.e.writePhys(GUEST.ARG, batch(XENMAPSPACE_grant_table, 2));
  assert.equal(t.call(HYPERVISOR_memory_op, [XENMEM_add_to_physmap_batch, GUEST.ARG]), 0);
  const errs = guestView(t.d, GUEST.BUF + 0x200n, 8);
  assert.deepEqual([errs.getInt32(0, true), errs.getInt32(4, true)], [0, -XEN_EINVAL]);
  t.e.writePhys(GUEST.ARG, batch(XENMAPSPACE_gmfn_foreign, 1, 0));
  assert.equal(t.call(HYPERVISOR_memory_op, [XENMEM_add_to_physmap_batch, GUEST.ARG]), 0);
  assert.equal(errs.getInt32(0, true), -XEN_EPERM); // dom0's frames are not the guest's to map
  t.e.writePhys(GUEST.ARG, batch(XENMAPSPACE_gmfn_range, 1));
  assert.equal(t.call(HYPERVISOR_memory_op, [XENMEM_add_to_physmap_batch, GUEST.ARG]), -XEN_EOPNOTSUPP);
});
