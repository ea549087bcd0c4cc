import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../host/engine-loader.js';
import { HYPERVISOR_multicall, HYPERVISOR_physdev_op, HYPERVISOR_xen_version, XEN_ENOSYS } from '../../abi/xen/xen.js';
import { XENVER_version } from '../../abi/xen/version.js';
import { A64, loadCode } from '../../cpu/testing.js';
import { GUEST, xenTestbed } from './testbed.js';

test('an unknown or x86-only hypercall number answers -ENOSYS', async () => {
  const t = await xenTestbed(createEngine);
  for (const nr of [HYPERVISOR_multicall, HYPERVISOR_physdev_op, 0, 63, 64, 1 << 20]) {
    assert.equal(t.call(nr, [0, 0, 0]), -XEN_ENOSYS, `hypercall ${nr}`);
  }
  t.e.setX(0, 16, 1n << 63n);
  t.d.hypercall(0);
  assert.equal(BigInt.asIntN(64, t.e.x(0, 0)), BigInt(-XEN_ENOSYS));
});

test('HVC #0xEA1 from guest code reaches the table: number in x16, result in x0, other registers kept', async () => {
  const t = await xenTestbed(createEngine);
  const code = [
    A64.movz(16, 17), // __HYPERVISOR_xen_version
    A64.movz(0, XENVER_version),
    A64.movz(1, 0),
    A64.movz(5, 0x1234),
    A64.hvc(0xea1),
    A64.movz(2, 0x77),
    A64.hvc(0), // PSCI_VERSION-ish call: leaves run() so the test can look
  ];
  loadCode(t.e, GUEST.PAGE, code);
  t.e.setPc(0, GUEST.PAGE);
  t.domain.runSlice(0);
  assert.equal(t.e.x(0, 0), BigInt((4 << 16) | 17));
  assert.equal(t.e.x(0, 16), BigInt(HYPERVISOR_xen_version));
  assert.equal(t.e.x(0, 5), 0x1234n);
  t.domain.runSlice(0);
  assert.equal(t.e.x(0, 2), 0x77n);
});

test('a handler that throws crashes only its domain, with what happened, and the host carries on', async () => {
  const t = await xenTestbed(createEngine);
  t.d.gnttab.querySize = () => { throw new Error('broken invariant'); };
  t.e.writePhys(GUEST.ARG, new Uint8Array(16).fill(0));
  t.e.writePhys(GUEST.ARG, Uint8Array.of(0xf0, 0x7f));
  t.call(20, [6, GUEST.ARG, 1]); // grant_table_op(GNTTABOP_query_size)
  assert.equal(t.domain.state, 'shutdown');
  assert.equal(t.domain.shutdownReason, 'crash');
  assert.match(t.domain.crashInfo ?? '', /grant_table_op.*broken invariant/s);
});
