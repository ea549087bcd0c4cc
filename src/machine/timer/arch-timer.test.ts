import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as G from '../../abi/arm/gicv3.js';
import * as R from '../../abi/arm/sysreg.js';
import {
  IRQ_LINE_IRQ, SR_CNTP_CTL_EL0, SR_CNTP_CVAL_EL0, SR_CNTV_CTL_EL0, SR_CNTV_CVAL_EL0, SR_CNTVOFF_EL2,
} from '../../cpu/layout.js';
import { bootLikeLinux, makeGic } from '../gic/testing.js';
import { ArchTimer, PTIMER_PPI, VTIMER_PPI } from './arch-timer.js';

const ENABLE = BigInt(R.CNT_CTL_ENABLE);
const IMASK = BigInt(R.CNT_CTL_IMASK);

function setup(vcpus = 1) {
  const f = makeGic({ vcpus });
  bootLikeLinux(f, Array.from({ length: vcpus }, (_, i) => i));
  for (let c = 0; c < vcpus; c++)
    f.setGicr(c, G.GICR_SGI_BASE + G.GICR_ISENABLER0, (1 << VTIMER_PPI) | (1 << PTIMER_PPI));
  let now = 1000n;
  const timer = new ArchTimer({ vcpus, engine: f.engine, gic: f.gic, counter: () => now });
  const pending = (c: number, ppi: number) =>
    ((Number(f.gicr(c, G.GICR_SGI_BASE + G.GICR_ISPENDR0)) >>> ppi) & 1) === 1;
  return { f, timer, pending, setNow: (t: bigint) => (now = t) };
}

describe('architected timer', () => {
  test('virtual timer asserts PPI 27 when CVAL passes and IMASK is clear', () => {
    const { f, timer, pending, setNow } = setup();
    f.engine.setSysreg(0, SR_CNTV_CVAL_EL0, 1500n);
    f.engine.setSysreg(0, SR_CNTV_CTL_EL0, ENABLE);
    assert.equal(timer.update(0), 1500n, 'not yet: the deadline is CVAL');
    assert.equal(pending(0, VTIMER_PPI), false);
    setNow(1500n);
    assert.equal(timer.update(0), null);
    assert.equal(pending(0, VTIMER_PPI), true);
    assert.equal(f.engine.lines[0], IRQ_LINE_IRQ);
    assert.equal(Number(f.mrs(0, R.ICC_IAR1_EL1)), VTIMER_PPI);
  });

  test('IMASK or a clear ENABLE keep the line low and give no deadline', () => {
    const { f, timer, pending } = setup();
    f.engine.setSysreg(0, SR_CNTV_CVAL_EL0, 10n);
    f.engine.setSysreg(0, SR_CNTV_CTL_EL0, ENABLE | IMASK);
    assert.equal(timer.update(0), null);
    assert.equal(pending(0, VTIMER_PPI), false);
    f.engine.setSysreg(0, SR_CNTV_CVAL_EL0, 5000n);
    f.engine.setSysreg(0, SR_CNTV_CTL_EL0, 0n);
    assert.equal(timer.update(0), null);
    assert.equal(pending(0, VTIMER_PPI), false);
  });

  test('the line follows the timer down when the guest reprograms it', () => {
    const { f, timer, pending } = setup();
    f.engine.setSysreg(0, SR_CNTV_CVAL_EL0, 10n);
    f.engine.setSysreg(0, SR_CNTV_CTL_EL0, ENABLE);
    timer.update(0);
    assert.equal(pending(0, VTIMER_PPI), true);
    f.engine.setSysreg(0, SR_CNTV_CVAL_EL0, 4000n);
    assert.equal(timer.update(0), 4000n);
    assert.equal(pending(0, VTIMER_PPI), false);
    assert.equal(f.engine.lines[0], 0);
  });

  test('the virtual count is the physical count minus CNTVOFF', () => {
    const { f, timer, pending, setNow } = setup();
    f.engine.setSysreg(0, SR_CNTVOFF_EL2, 600n);
    f.engine.setSysreg(0, SR_CNTV_CVAL_EL0, 500n);
    f.engine.setSysreg(0, SR_CNTV_CTL_EL0, ENABLE);
    assert.equal(timer.update(0), 1100n, 'virtual 500 is physical 1100');
    setNow(1099n);
    timer.update(0);
    assert.equal(pending(0, VTIMER_PPI), false);
    setNow(1100n);
    timer.update(0);
    assert.equal(pending(0, VTIMER_PPI), true);
  });

  test('a CNTVOFF above the physical count wraps the virtual count, as 64-bit arithmetic does', () => {
    const { f, timer, pending } = setup();
    f.engine.setSysreg(0, SR_CNTVOFF_EL2, 2000n); // virtual count = 1000 - 2000 mod 2^64: huge
    f.engine.setSysreg(0, SR_CNTV_CVAL_EL0, 5n);
    f.engine.setSysreg(0, SR_CNTV_CTL_EL0, ENABLE);
    assert.equal(timer.update(0), null);
    assert.equal(pending(0, VTIMER_PPI), true);
  });

  test('the physical timer drives PPI 30, and update returns the earlier deadline of the two', () => {
    const { f, timer, pending, setNow } = setup();
    f.engine.setSysreg(0, SR_CNTP_CVAL_EL0, 3000n);
    f.engine.setSysreg(0, SR_CNTP_CTL_EL0, ENABLE);
    f.engine.setSysreg(0, SR_CNTV_CVAL_EL0, 2500n);
    f.engine.setSysreg(0, SR_CNTV_CTL_EL0, ENABLE);
    assert.equal(timer.update(0), 2500n);
    setNow(2600n);
    assert.equal(timer.update(0), 3000n);
    setNow(3000n);
    assert.equal(timer.update(0), null);
    assert.equal(pending(0, PTIMER_PPI), true);
    assert.equal(pending(0, VTIMER_PPI), true);
  });

  test('each vCPU has its own timers', () => {
    const { f, timer, pending } = setup(2);
    f.engine.setSysreg(1, SR_CNTV_CVAL_EL0, 1n);
    f.engine.setSysreg(1, SR_CNTV_CTL_EL0, ENABLE);
    timer.update(0);
    timer.update(1);
    assert.equal(pending(0, VTIMER_PPI), false);
    assert.equal(pending(1, VTIMER_PPI), true);
    assert.deepEqual(f.engine.lines, [0, IRQ_LINE_IRQ]);
  });

  test('a handler that masks the timer before EOI is not interrupted again: deactivation resamples', () => {
    const { f, timer } = setup();
    f.engine.setSysreg(0, SR_CNTV_CVAL_EL0, 10n);
    f.engine.setSysreg(0, SR_CNTV_CTL_EL0, ENABLE);
    timer.update(0);
    assert.equal(Number(f.mrs(0, R.ICC_IAR1_EL1)), VTIMER_PPI);
    // Linux's arch_timer_handler_virt sets IMASK (the engine handles the MSR, the machine is not told) ...
    f.engine.setSysreg(0, SR_CNTV_CTL_EL0, ENABLE | IMASK);
    // ... then the GIC driver ends the interrupt
    f.msr(0, R.ICC_EOIR1_EL1, VTIMER_PPI);
    assert.equal(f.engine.lines[0], 0);
    assert.equal(Number(f.mrs(0, R.ICC_IAR1_EL1)), G.INTID_SPURIOUS);
  });

  test('resync makes the next update drive the lines again after a GIC restore', () => {
    const { f, timer, pending } = setup();
    f.engine.setSysreg(0, SR_CNTV_CVAL_EL0, 10n);
    f.engine.setSysreg(0, SR_CNTV_CTL_EL0, ENABLE);
    const saved = f.gic.save();
    timer.update(0);
    f.gic.restore(saved); // the line is low again in the GIC, the timer still thinks it drove it high
    timer.resync();
    timer.update(0);
    assert.equal(pending(0, VTIMER_PPI), true);
  });
});
