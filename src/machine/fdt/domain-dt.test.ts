import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { domainDtb } from './domain-dt.js';
import { assertGolden } from '../../host/golden.js';
import { DTC, skipUnlessPeer } from '../../host/peers.js';

const golden = (name: string) => fileURLToPath(new URL(`./golden/${name}`, import.meta.url));

function decompile(dtb: Uint8Array): string {
  const r = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', '-q', '-'], { input: dtb, encoding: 'utf8' });
  assert.equal(r.status, 0, `dtc failed: ${r.stderr}`);
  return r.stdout;
}

test('hvm device tree decompiles with dtc to the golden source', { skip: skipUnlessPeer(DTC) }, () => {
  const dtb = domainDtb({
    vcpus: 2, memory: 256n << 20n, bootargs: 'console=ttyAMA0', pl011: true, pl031: true,
    initrd: { start: 0x48000000n, end: 0x480f2000n },
  });
  assertGolden(golden('hvm-2vcpu.dts'), decompile(dtb));
});

test('pvh device tree matches the shape Xen 4.17 gives a domU', { skip: skipUnlessPeer(DTC) }, () => {
  const dts = decompile(domainDtb({
    vcpus: 1, memory: 256n << 20n, bootargs: 'console=hvc0', xen: { version: '4.17' },
    initrd: { start: 0x48000000n, end: 0x480f2000n },
  }));
  assertGolden(golden('pvh-1vcpu.dts'), dts);
  // Same nodes and key properties as shared/reference/xen-4.17-arm64/domU-fdt.dts
  assert.match(dts, /model = "XENVM-4\.17";/);
  assert.match(dts, /compatible = "xen,xen-4\.17\\0xen,xen";/);
  assert.match(dts, /interrupts = <0x01 0x0f 0xf08>;/);
  assert.match(dts, /reg = <0x00 0x3001000 0x00 0x10000 0x00 0x3020000 0x00 0x1000000>;/);
  assert.match(dts, /interrupts = <0x01 0x0d 0xf08 0x01 0x0e 0xf08 0x01 0x0b 0xf08>;/);
});

test('cpu nodes use Xen\'s affinity numbering beyond 16 vCPUs', { skip: skipUnlessPeer(DTC) }, () => {
  const dts = decompile(domainDtb({ vcpus: 17, memory: 128n << 20n, bootargs: '' }));
  assert.match(dts, /cpu@100 \{[^}]*reg = <0x100>;/s);
  assert.match(dts, /cpu@f \{[^}]*reg = <0x0f>;/s);
});
