import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../host/engine-loader.js';
import { HYPERVISOR_xen_version, XEN_EFAULT, XEN_EINVAL, XEN_ENOSYS, XEN_EPERM } from '../../abi/xen/xen.js';
import {
  XENVER_build_id, XENVER_capabilities, XENVER_commandline, XENVER_compile_info, XENVER_extraversion,
  XENVER_get_features, XENVER_guest_handle, XENVER_pagesize, XENVER_platform_parameters, XENVER_version,
} from '../../abi/xen/version.js';
import { GUEST, guestView, struct, xenTestbed } from './testbed.js';

const cstring = (bytes: Uint8Array) => new TextDecoder().decode(bytes.subarray(0, bytes.indexOf(0)));

test('XENVER_version is major << 16 | minor and XENVER_pagesize 4096', async () => {
  const t = await xenTestbed(createEngine);
  assert.equal(t.call(HYPERVISOR_xen_version, [XENVER_version, 0]), (4 << 16) | 17);
  assert.equal(t.call(HYPERVISOR_xen_version, [XENVER_pagesize, 0]), 4096);
  assert.equal(t.call(HYPERVISOR_xen_version, [XENVER_pagesize, GUEST.BUF]), -XEN_EINVAL);
});

test('XENVER_get_features submap 0 is 0x56005 for a domU; other submaps are -EINVAL', async () => {
  const t = await xenTestbed(createEngine);
  t.e.writePhys(GUEST.ARG, struct(8, [[0, 4, 0], [4, 4, 0xdeadbeef]]));
  assert.equal(t.call(HYPERVISOR_xen_version, [XENVER_get_features, GUEST.ARG]), 0);
  assert.equal(guestView(t.d, GUEST.ARG, 8).getUint32(4, true), 0x56005);
  t.e.writePhys(GUEST.ARG, struct(8, [[0, 4, 1]]));
  assert.equal(t.call(HYPERVISOR_xen_version, [XENVER_get_features, GUEST.ARG]), -XEN_EINVAL);
});

test('a pointer outside RAM or misaligned across the RAM end is -EFAULT, never a host exception', async () => {
  const t = await xenTestbed(createEngine);
  for (const bad of [0n, 0x1000n, 0x3fff_fffcn, 0x4040_0000n - 4n, (1n << 64n) - 4n, 0xffff_0000_0000_0000n]) {
    assert.equal(t.call(HYPERVISOR_xen_version, [XENVER_get_features, bad]), -XEN_EFAULT, `0x${bad.toString(16)}`);
    assert.equal(t.call(HYPERVISOR_xen_version, [XENVER_extraversion, bad]), -XEN_EFAULT);
  }
});

test('string queries are NUL-terminated in their fixed buffers; the command line is <denied> to a domU', async () => {
  const t = await xenTestbed(createEngine, { xen: { version: { extra: '.7', commandline: 'loglvl=all' } } });
  const read = (len: number) => t.e.readPhys(GUEST.BUF, len);
  t.e.writePhys(GUEST.BUF, new Uint8Array(1024).fill(0xaa));
  assert.equal(t.call(HYPERVISOR_xen_version, [XENVER_extraversion, GUEST.BUF]), 0);
  assert.equal(cstring(read(16)), '.7');
  assert.deepEqual([...read(17).subarray(2)], [...new Uint8Array(14), 0xaa]);
  assert.equal(t.call(HYPERVISOR_xen_version, [XENVER_capabilities, GUEST.BUF]), 0);
  assert.equal(cstring(read(1024)), 'xen-3.0-aarch64 xen-3.0-armv7l ');
  assert.equal(t.call(HYPERVISOR_xen_version, [XENVER_compile_info, GUEST.BUF]), 0);
  assert.equal(cstring(read(64)), 'tsxen (TypeScript)');
  assert.equal(t.call(HYPERVISOR_xen_version, [XENVER_commandline, GUEST.BUF]), 0);
  assert.equal(cstring(read(1024)), '<denied>');
  assert.equal(t.call(HYPERVISOR_xen_version, [XENVER_build_id, 0]), -XEN_EPERM);
});

test('platform parameters, guest handle and unknown commands', async () => {
  const t = await xenTestbed(createEngine);
  assert.equal(t.call(HYPERVISOR_xen_version, [XENVER_platform_parameters, GUEST.ARG]), 0);
  assert.equal(guestView(t.d, GUEST.ARG, 8).getBigUint64(0, true), 0x200000n);
  t.d.handle.set([1, 2, 3]);
  assert.equal(t.call(HYPERVISOR_xen_version, [XENVER_guest_handle, GUEST.ARG]), 0);
  assert.deepEqual([...t.e.readPhys(GUEST.ARG, 4)], [1, 2, 3, 0]);
  assert.equal(t.call(HYPERVISOR_xen_version, [99, GUEST.ARG]), -XEN_ENOSYS);
});
