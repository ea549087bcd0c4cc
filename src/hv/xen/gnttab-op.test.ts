import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../host/engine-loader.js';
import {
  DOMID_SELF, HYPERVISOR_grant_table_op, HYPERVISOR_memory_op, XEN_EFAULT, XEN_EINVAL, XEN_ENOSYS, XEN_EPERM, XEN_ESRCH,
} from '../../abi/xen/xen.js';
import {
  GNTST_bad_domain, GNTST_permission_denied, GNTTABOP_copy, GNTTABOP_get_version, GNTTABOP_map_grant_ref,
  GNTTABOP_query_size, GNTTABOP_set_version, GNTTABOP_setup_table,
} from '../../abi/xen/grant_table.js';
import { XENMAPSPACE_grant_table, XENMEM_add_to_physmap } from '../../abi/xen/memory.js';
import { GUEST, guestView, struct, xenTestbed, type XenTestbed } from './testbed.js';

function querySize(t: XenTestbed, dom = DOMID_SELF, count = 1) {
  t.e.writePhys(GUEST.ARG, struct(16, [[0, 2, dom]]));
  const rc = t.call(HYPERVISOR_grant_table_op, [GNTTABOP_query_size, GUEST.ARG, count]);
  const v = guestView(t.d, GUEST.ARG, 16);
  return { rc, nr: v.getUint32(4, true), max: v.getUint32(8, true), status: v.getInt16(12, true) };
}

test('query_size reports the frames in use and the maximum (64); domain errors go in status', async () => {
  const t = await xenTestbed(createEngine);
  const other = t.xen.createDomain({ name: 'other', engine: t.e, machine: t.machine, clock: t.clock });
  assert.deepEqual(querySize(t), { rc: 0, nr: 1, max: 64, status: 0 });
  assert.equal(querySize(t, 0x4444).status, GNTST_bad_domain);
  assert.equal(querySize(t, other.id).status, GNTST_permission_denied);
  assert.equal(querySize(t, DOMID_SELF, 2).rc, -XEN_EINVAL);
  assert.equal(querySize(t, DOMID_SELF, 0x80000000).rc, -XEN_EINVAL);
  assert.equal(t.call(HYPERVISOR_grant_table_op, [GNTTABOP_query_size, 0x10, 1]), -XEN_EFAULT);
  assert.equal(t.call(HYPERVISOR_grant_table_op, [GNTTABOP_query_size | 0x1000, GUEST.ARG, 1]), -XEN_EINVAL);
});

test('set_version accepts 1, refuses 2 with -ENOSYS and other numbers with -EINVAL, and writes back 1', async () => {
  const t = await xenTestbed(createEngine);
  for (const [v, rc] of [[1, 0], [2, -XEN_ENOSYS], [0, -XEN_EINVAL], [3, -XEN_EINVAL]] as const) {
    t.e.writePhys(GUEST.ARG, struct(4, [[0, 4, v]]));
    assert.equal(t.call(HYPERVISOR_grant_table_op, [GNTTABOP_set_version, GUEST.ARG, 1]), rc);
    assert.equal(guestView(t.d, GUEST.ARG, 4).getUint32(0, true), 1);
  }
  t.e.writePhys(GUEST.ARG, struct(8, [[0, 2, DOMID_SELF], [4, 4, 9]]));
  assert.equal(t.call(HYPERVISOR_grant_table_op, [GNTTABOP_get_version, GUEST.ARG, 1]), 0);
  assert.equal(guestView(t.d, GUEST.ARG, 8).getUint32(4, true), 1);
  t.e.writePhys(GUEST.ARG, struct(8, [[0, 2, 0x4444]]));
  assert.equal(t.call(HYPERVISOR_grant_table_op, [GNTTABOP_get_version, GUEST.ARG, 1]), -XEN_ESRCH);
  t.e.writePhys(GUEST.ARG, struct(8, [[0, 2, 0]]));
  assert.equal(t.call(HYPERVISOR_grant_table_op, [GNTTABOP_get_version, GUEST.ARG, 1]), -XEN_EPERM);
});

test('setup_table lists where the guest mapped each frame, and grows the table', async () => {
  const t = await xenTestbed(createEngine);
  t.e.writePhys(GUEST.BUF, struct(24, [[0, 2, DOMID_SELF], [4, 4, XENMAPSPACE_grant_table], [8, 8, 0], [16, 8, 0x38000]]));
  assert.equal(t.call(HYPERVISOR_memory_op, [XENMEM_add_to_physmap, GUEST.BUF]), 0);
  t.e.writePhys(GUEST.ARG, struct(24, [[0, 2, DOMID_SELF], [4, 4, 2], [16, 8, GUEST.BUF + 0x100n]]));
  assert.equal(t.call(HYPERVISOR_grant_table_op, [GNTTABOP_setup_table, GUEST.ARG, 1]), 0);
  const list = guestView(t.d, GUEST.BUF + 0x100n, 16);
  assert.equal(list.getBigUint64(0, true), 0x38000n);
  assert.equal(list.getBigUint64(8, true), (1n << 64n) - 1n);
  assert.equal(guestView(t.d, GUEST.ARG, 16).getInt16(8, true), 0);
  assert.equal(t.d.gnttab.querySize().nrFrames, 2);
  t.e.writePhys(GUEST.ARG, struct(24, [[0, 2, DOMID_SELF], [4, 4, 65], [16, 8, GUEST.BUF + 0x100n]]));
  assert.equal(t.call(HYPERVISOR_grant_table_op, [GNTTABOP_setup_table, GUEST.ARG, 1]), 0);
  assert.equal(guestView(t.d, GUEST.ARG, 16).getInt16(8, true), -1);
});

test('backend operations are not offered to a guest', async () => {
  const t = await xenTestbed(createEngine);
  assert.equal(t.call(HYPERVISOR_grant_table_op, [GNTTABOP_map_grant_ref, GUEST.ARG, 1]), -XEN_ENOSYS);
  assert.equal(t.call(HYPERVISOR_grant_table_op, [GNTTABOP_copy, GUEST.ARG, 1]), -XEN_ENOSYS);
});
