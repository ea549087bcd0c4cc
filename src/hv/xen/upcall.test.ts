import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../host/engine-loader.js';
import * as G from '../../abi/arm/gicv3.js';
import * as R from '../../abi/arm/sysreg.js';
import { GICD_BASE, GICR_BASE, bootLikeLinux, type FakeEngine, type GicFixture } from '../../machine/gic/testing.js';
import { Gicv3 } from '../../machine/gic/gicv3.js';
import { xenTestbed, type XenTestbed } from './testbed.js';

/** The domain's own GIC, driven as the guest drives it (MMIO on its bus, ICC_* through x5/x7). */
function guestGic(t: XenTestbed): GicFixture {
  const { gic, bus } = t.machine;
  const rd = (vcpu: number, off: number) => GICR_BASE + BigInt(vcpu * Gicv3.REDIST_STRIDE + off);
  return {
    gic, bus, engine: undefined as unknown as FakeEngine, log: undefined as never, logLines: [], holes: [],
    mrs(vcpu, key) {
      if (!gic.sysregAccess(vcpu, key, true, 5)) throw new Error(`MRS 0x${key.toString(16)} UNDEFINED`);
      return t.e.x(vcpu, 5);
    },
    msr(vcpu, key, value) {
      t.e.setX(vcpu, 7, BigInt(value));
      if (!gic.sysregAccess(vcpu, key, false, 7)) throw new Error(`MSR 0x${key.toString(16)} UNDEFINED`);
    },
    gicd: (off, size = 4) => bus.read(0, GICD_BASE + BigInt(off), size),
    setGicd: (off, value, size = 4) => bus.write(0, GICD_BASE + BigInt(off), size, BigInt(value)),
    gicr: (vcpu, off, size = 4) => bus.read(vcpu, rd(vcpu, off), size),
    setGicr: (vcpu, off, value, size = 4) => bus.write(vcpu, rd(vcpu, off), size, BigInt(value)),
  };
}

test('an event raises PPI 31 as a level line that stays up while evtchn_upcall_pending is set at EOI', async () => {
  const t = await xenTestbed(createEngine);
  const f = guestGic(t);
  bootLikeLinux(f, [0]);
  // Linux's xen_init_IRQ: request_percpu_irq on the /hypervisor interrupt (PPI 31, level) and enable it
  f.setGicr(0, G.GICR_SGI_BASE + G.GICR_ISENABLER0, 1 << 31);
  assert.equal(t.machine.interruptPending(0), false);
  const port = t.d.evtchn.allocUnbound(0);
  t.d.evtchn.raise(port);
  assert.equal(t.machine.interruptPending(0), true);
  assert.deepEqual(t.wakes, [0]); // a vCPU waiting in WFI would wake
  assert.equal(Number(f.mrs(0, R.ICC_IAR1_EL1)), 31);
  // the handler runs: a second event arrives before it clears the flag, so at EOI the line is still up
  t.d.evtchn.raise(t.d.evtchn.allocUnbound(0));
  f.msr(0, R.ICC_EOIR1_EL1, 31);
  assert.equal(t.machine.interruptPending(0), true);
  assert.equal(Number(f.mrs(0, R.ICC_IAR1_EL1)), 31);
  // this time the handler clears evtchn_upcall_pending first (__xen_evtchn_do_upcall), then EOIs: the line drops
  t.e.bytes[t.d.shared.vcpuInfoHost(0)] = 0;
  f.msr(0, R.ICC_EOIR1_EL1, 31);
  assert.equal(t.machine.interruptPending(0), false);
  assert.equal(Number(f.mrs(0, R.ICC_IAR1_EL1)), G.INTID_SPURIOUS);
});
