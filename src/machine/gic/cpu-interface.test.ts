import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as G from '../../abi/arm/gicv3.js';
import * as R from '../../abi/arm/sysreg.js';
import { IRQ_LINE_FIQ, IRQ_LINE_IRQ } from '../../cpu/layout.js';
import { bootLikeLinux, makeGic, type GicFixture } from './testing.js';

/** A GIC booted the way Linux does, with SPIs 40-47 enabled at the given priorities (default 0xa0). */
function booted(opts: { vcpus?: number; eoiMode?: number } = {}): GicFixture {
  const f = makeGic({ vcpus: opts.vcpus ?? 1 });
  bootLikeLinux(f, Array.from({ length: opts.vcpus ?? 1 }, (_, i) => i), opts.eoiMode ?? 0);
  f.setGicd(G.GICD_ISENABLER + 4, 0xff00); // INTIDs 40-47
  return f;
}

const setPriority = (f: GicFixture, intid: number, prio: number) => f.setGicd(G.GICD_IPRIORITYR + intid, prio, 1);
const iar1 = (f: GicFixture, c = 0) => Number(f.mrs(c, R.ICC_IAR1_EL1));
const isActive = (f: GicFixture, intid: number) =>
  (Number(f.gicd(G.GICD_ISACTIVER + 4 * (intid >> 5))) >>> (intid & 31)) & 1;
const isPending = (f: GicFixture, intid: number) =>
  (Number(f.gicd(G.GICD_ISPENDR + 4 * (intid >> 5))) >>> (intid & 31)) & 1;

describe('GICv3 CPU interface', () => {
  test('IAR returns the highest-priority pending SPI and marks it active', () => {
    const f = booted();
    setPriority(f, 41, 0x90);
    setPriority(f, 42, 0x80);
    f.gic.pulse(41);
    f.gic.pulse(42);
    assert.equal(f.engine.lines[0], IRQ_LINE_IRQ);
    assert.equal(Number(f.mrs(0, R.ICC_HPPIR1_EL1)), 42);
    assert.equal(iar1(f), 42);
    assert.equal(isActive(f, 42), 1);
    assert.equal(isPending(f, 42), 0);
    assert.equal(Number(f.mrs(0, R.ICC_RPR_EL1)), 0x80);
    // 41 (0x90) cannot preempt 42 (0x80): no IRQ, and IAR says spurious
    assert.equal(f.engine.lines[0], 0);
    assert.equal(iar1(f), G.INTID_SPURIOUS);
    assert.equal(isPending(f, 41), 1);
  });

  test('equal priorities are taken lowest INTID first', () => {
    const f = booted();
    f.gic.pulse(45);
    f.gic.pulse(43);
    assert.equal(iar1(f), 43);
  });

  test('EOIR with EOImode=0 drops the priority and deactivates', () => {
    const f = booted();
    f.gic.pulse(40);
    assert.equal(iar1(f), 40);
    f.msr(0, R.ICC_EOIR1_EL1, 40);
    assert.equal(isActive(f, 40), 0);
    assert.equal(Number(f.mrs(0, R.ICC_RPR_EL1)), 0xff);
    assert.equal(Number(f.mrs(0, R.ICC_AP1R0_EL1)), 0);
  });

  test('with EOImode=1 EOIR only drops the priority and DIR deactivates', () => {
    const f = booted({ eoiMode: 1 });
    f.gic.pulse(40);
    assert.equal(iar1(f), 40);
    f.msr(0, R.ICC_EOIR1_EL1, 40);
    assert.equal(Number(f.mrs(0, R.ICC_RPR_EL1)), 0xff);
    assert.equal(isActive(f, 40), 1);
    // an active interrupt is not signalled again even though the running priority dropped
    f.gic.pulse(40);
    assert.equal(f.engine.lines[0], 0);
    f.msr(0, R.ICC_DIR_EL1, 40);
    assert.equal(isActive(f, 40), 0);
    assert.equal(f.engine.lines[0], IRQ_LINE_IRQ);
  });

  test('DIR is ignored with EOImode=0', () => {
    const f = booted();
    f.gic.pulse(40);
    iar1(f);
    f.msr(0, R.ICC_DIR_EL1, 40);
    assert.equal(isActive(f, 40), 1);
  });

  test('EOIR of a special INTID or with nothing active changes nothing', () => {
    const f = booted();
    f.gic.pulse(40);
    iar1(f);
    f.msr(0, R.ICC_EOIR1_EL1, 1023);
    assert.equal(Number(f.mrs(0, R.ICC_RPR_EL1)), 0xa0);
    f.msr(0, R.ICC_EOIR1_EL1, 40);
    f.msr(0, R.ICC_EOIR1_EL1, 40);
    assert.equal(Number(f.mrs(0, R.ICC_RPR_EL1)), 0xff);
  });

  test('PMR masks lower-priority interrupts', () => {
    const f = booted();
    setPriority(f, 44, 0xf0);
    f.gic.pulse(44);
    assert.equal(f.engine.lines[0], 0, 'priority 0xf0 is not above PMR 0xf0');
    assert.equal(Number(f.mrs(0, R.ICC_HPPIR1_EL1)), 44, 'HPPIR ignores the mask');
    assert.equal(iar1(f), G.INTID_SPURIOUS);
    f.msr(0, R.ICC_PMR_EL1, 0xf8);
    assert.equal(f.engine.lines[0], IRQ_LINE_IRQ);
    assert.equal(iar1(f), 44);
  });

  test('preemption needs a higher group priority per BPR', () => {
    const f = booted();
    setPriority(f, 40, 0x60);
    setPriority(f, 41, 0x50);
    f.msr(0, R.ICC_BPR1_EL1, 6); // group priority = bits 7:6
    f.gic.pulse(40);
    assert.equal(iar1(f), 40);
    assert.equal(Number(f.mrs(0, R.ICC_RPR_EL1)), 0x40, 'the running priority is the group priority');
    f.gic.pulse(41);
    assert.equal(f.engine.lines[0], 0, '0x50 and 0x60 are in the same priority group');
    assert.equal(iar1(f), G.INTID_SPURIOUS);
    f.msr(0, R.ICC_EOIR1_EL1, 40);
    assert.equal(iar1(f), 41);
    f.msr(0, R.ICC_EOIR1_EL1, 41);

    f.msr(0, R.ICC_BPR1_EL1, 0); // back to the minimum: every priority bit preempts
    assert.equal(Number(f.mrs(0, R.ICC_BPR1_EL1)), 3);
    f.gic.pulse(40);
    assert.equal(iar1(f), 40);
    f.gic.pulse(41);
    assert.equal(f.engine.lines[0], IRQ_LINE_IRQ);
    assert.equal(iar1(f), 41, '0x50 preempts 0x60');
    assert.equal(Number(f.mrs(0, R.ICC_AP1R0_EL1)), (1 << (0x60 >> 3)) | (1 << (0x50 >> 3)));
    f.msr(0, R.ICC_EOIR1_EL1, 41);
    assert.equal(Number(f.mrs(0, R.ICC_RPR_EL1)), 0x60, 'EOIR drops the highest active priority only');
  });

  test('CBPR makes BPR1 read as BPR0 + 1 and ignore writes', () => {
    const f = booted();
    f.msr(0, R.ICC_BPR0_EL1, 4);
    f.msr(0, R.ICC_CTLR_EL1, G.ICC_CTLR_CBPR);
    assert.equal(Number(f.mrs(0, R.ICC_BPR1_EL1)), 5);
    f.msr(0, R.ICC_BPR1_EL1, 7);
    f.msr(0, R.ICC_CTLR_EL1, 0);
    assert.equal(Number(f.mrs(0, R.ICC_BPR1_EL1)), 3);
    f.msr(0, R.ICC_BPR0_EL1, 0);
    assert.equal(Number(f.mrs(0, R.ICC_BPR0_EL1)), 2, 'BPR0 clamps to its minimum');
  });

  test('ICC_CTLR_EL1 reports 5 priority bits, 16 INTID bits, A3V and RSS', () => {
    const f = makeGic();
    const v = Number(f.mrs(0, R.ICC_CTLR_EL1));
    assert.equal((v >> 8) & 7, 4);
    assert.equal((v >> 11) & 7, 0);
    assert.ok(v & G.ICC_CTLR_A3V && v & G.ICC_CTLR_RSS);
    f.msr(0, R.ICC_CTLR_EL1, 0xffff_ffff);
    assert.equal(Number(f.mrs(0, R.ICC_CTLR_EL1)), v | G.ICC_CTLR_CBPR | G.ICC_CTLR_EOIMODE);
  });

  test('PMR keeps the implemented priority bits, so Linux finds Group 0 accessible', () => {
    const f = makeGic();
    f.msr(0, R.ICC_PMR_EL1, 0xff);
    assert.equal(Number(f.mrs(0, R.ICC_PMR_EL1)), 0xf8);
    f.msr(0, R.ICC_PMR_EL1, 1 << (8 - 5));
    assert.equal(Number(f.mrs(0, R.ICC_PMR_EL1)), 0x08);
  });

  test('ICC_SRE_EL1 reads SRE, DFB and DIB as one and ignores writes', () => {
    const f = makeGic();
    f.msr(0, R.ICC_SRE_EL1, 0);
    assert.equal(Number(f.mrs(0, R.ICC_SRE_EL1)), 7);
  });

  test('IAR returns 1023 while Group 1 is disabled at the CPU interface', () => {
    const f = booted();
    f.gic.pulse(40);
    f.msr(0, R.ICC_IGRPEN1_EL1, 0);
    assert.equal(f.engine.lines[0], 0);
    assert.equal(Number(f.mrs(0, R.ICC_HPPIR1_EL1)), G.INTID_SPURIOUS);
    assert.equal(iar1(f), G.INTID_SPURIOUS);
    f.msr(0, R.ICC_IGRPEN1_EL1, 1);
    assert.equal(iar1(f), 40);
  });

  test('Group 0 interrupts are signalled as FIQ and acknowledged through IAR0', () => {
    const f = booted();
    f.setGicd(G.GICD_IGROUPR + 4, 0xffff_ffff & ~(1 << 8)); // INTID 40 in Group 0
    f.msr(0, R.ICC_IGRPEN0_EL1, 1);
    f.gic.pulse(40);
    assert.equal(f.engine.lines[0], IRQ_LINE_FIQ);
    assert.equal(iar1(f), G.INTID_SPURIOUS, 'IAR1 does not acknowledge Group 0');
    assert.equal(Number(f.mrs(0, R.ICC_HPPIR1_EL1)), G.INTID_SPURIOUS);
    assert.equal(Number(f.mrs(0, R.ICC_HPPIR0_EL1)), 40);
    assert.equal(Number(f.mrs(0, R.ICC_IAR0_EL1)), 40);
    assert.equal(Number(f.mrs(0, R.ICC_AP0R0_EL1)), 1 << (0xa0 >> 3));
    f.msr(0, R.ICC_EOIR1_EL1, 40); // wrong group: ignored
    assert.equal(isActive(f, 40), 1);
    f.msr(0, R.ICC_EOIR0_EL1, 40);
    assert.equal(isActive(f, 40), 0);
  });

  test('SGI1R with IRM=1 targets all other vCPUs', () => {
    const f = booted({ vcpus: 3 });
    f.msr(1, R.ICC_SGI1R_EL1, (1n << 40n) | (3n << 24n));
    assert.deepEqual(f.engine.lines, [IRQ_LINE_IRQ, 0, IRQ_LINE_IRQ]);
    assert.equal(iar1(f, 0), 3);
    assert.equal(iar1(f, 2), 3);
    assert.equal(iar1(f, 1), G.INTID_SPURIOUS);
  });

  test('SGI1R targets the listed vCPUs of the named cluster', () => {
    // Xen's MPIDR layout puts vCPU 16 at Aff1 = 1, Aff0 = 0
    const f = booted({ vcpus: 18 });
    f.msr(0, R.ICC_SGI1R_EL1, (1n << 16n) | (5n << 24n) | 0b10n);
    assert.deepEqual(f.engine.lines.map((l, i) => (l ? i : -1)).filter(i => i >= 0), [17]);
    f.msr(0, R.ICC_SGI1R_EL1, (1n << 24n) | 0b101n);
    assert.deepEqual(f.engine.lines.map((l, i) => (l ? i : -1)).filter(i => i >= 0), [0, 2, 17]);
    assert.equal(iar1(f, 2), 1);
    assert.equal(iar1(f, 17), 5);
  });

  test('an SGI is forwarded only in the group the target configured', () => {
    const f = booted({ vcpus: 2 });
    f.msr(0, R.ICC_SGI0R_EL1, (1n << 40n) | (2n << 24n));
    assert.equal(f.engine.lines[1], 0, 'SGI 2 is Group 1 on vCPU 1');
    f.setGicr(1, G.GICR_SGI_BASE + G.GICR_IGROUPR0, 0xffff_ffff & ~(1 << 2));
    f.msr(1, R.ICC_IGRPEN0_EL1, 1);
    f.msr(0, R.ICC_ASGI1R_EL1, (1n << 40n) | (2n << 24n)); // with DS=1, a Group 0 SGI
    assert.equal(f.engine.lines[1], IRQ_LINE_FIQ);
    assert.equal(Number(f.mrs(1, R.ICC_IAR0_EL1)), 2);
  });

  test('an SGI is edge-triggered: pending again after EOI only if sent again', () => {
    const f = booted({ vcpus: 2 });
    f.msr(0, R.ICC_SGI1R_EL1, (1n << 24n) | 0b10n);
    assert.equal(iar1(f, 1), 1);
    f.msr(1, R.ICC_EOIR1_EL1, 1);
    assert.equal(f.engine.lines[1], 0);
  });

  test('unknown registers and accesses in the wrong direction are UNDEFINED', () => {
    const f = makeGic();
    for (const key of [R.ICC_EOIR1_EL1, R.ICC_DIR_EL1, R.ICC_SGI1R_EL1, R.ICC_AP1R1_EL1, R.ICC_NMIAR1_EL1,
      R.sysregKey(3, 4, 12, 9, 5) /* ICC_SRE_EL2 */, R.sysregKey(3, 0, 1, 0, 0) /* SCTLR_EL1 */])
      assert.equal(f.gic.sysregAccess(0, key, true, 0), false, R.sysregName(key));
    for (const key of [R.ICC_IAR1_EL1, R.ICC_HPPIR1_EL1, R.ICC_RPR_EL1, R.ICC_AP0R3_EL1])
      assert.equal(f.gic.sysregAccess(0, key, false, 0), false, R.sysregName(key));
  });

  test('a read of XZR as the target is discarded and a write of XZR writes zero', () => {
    const f = makeGic();
    f.msr(0, R.ICC_PMR_EL1, 0x80);
    assert.equal(f.gic.sysregAccess(0, R.ICC_PMR_EL1, false, 31), true);
    assert.equal(Number(f.mrs(0, R.ICC_PMR_EL1)), 0);
    assert.equal(f.gic.sysregAccess(0, R.ICC_PMR_EL1, true, 31), true);
  });
});
