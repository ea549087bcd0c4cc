import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as G from '../../abi/arm/gicv3.js';
import * as R from '../../abi/arm/sysreg.js';
import { IRQ_LINE_IRQ } from '../../cpu/layout.js';
import { Gicv3, mpidrAffinity, xenMpidr } from './gicv3.js';
import { bootLikeLinux, FakeEngine, makeGic, type GicFixture } from './testing.js';

function booted(vcpus = 1, spis = 64): GicFixture {
  const f = makeGic({ vcpus, spis });
  bootLikeLinux(f, Array.from({ length: vcpus }, (_, i) => i));
  return f;
}
const iar1 = (f: GicFixture, c = 0) => Number(f.mrs(c, R.ICC_IAR1_EL1));
const enable = (f: GicFixture, intid: number) => f.setGicd(G.GICD_ISENABLER + 4 * (intid >> 5), 1 << (intid & 31));
const setEdge = (f: GicFixture, intid: number) => {
  const off = G.GICD_ICFGR + 4 * (intid >> 4);
  f.setGicd(off, Number(f.gicd(off)) | (2 << (2 * (intid & 15))));
};
const pendingBit = (f: GicFixture, intid: number) =>
  (Number(f.gicd(G.GICD_ISPENDR + 4 * (intid >> 5))) >>> (intid & 31)) & 1;

describe('GICv3 interrupt lifecycle', () => {
  test('a level SPI stays pending while the line is high', () => {
    const f = booted();
    enable(f, 50);
    f.gic.setLevel(50, true);
    assert.equal(f.engine.lines[0], IRQ_LINE_IRQ);
    assert.equal(iar1(f), 50);
    assert.equal(pendingBit(f, 50), 1, 'active and pending while the line is high');
    f.msr(0, R.ICC_EOIR1_EL1, 50);
    assert.equal(f.engine.lines[0], IRQ_LINE_IRQ, 'signalled again after deactivation');
    f.gic.setLevel(50, false);
    assert.equal(pendingBit(f, 50), 0);
    assert.equal(f.engine.lines[0], 0);
  });

  test('an edge SPI stays pending after the line drops, until acknowledged', () => {
    const f = booted();
    enable(f, 51);
    setEdge(f, 51);
    f.gic.setLevel(51, true);
    f.gic.setLevel(51, false);
    assert.equal(pendingBit(f, 51), 1);
    assert.equal(iar1(f), 51);
    assert.equal(pendingBit(f, 51), 0);
    f.msr(0, R.ICC_EOIR1_EL1, 51);
    assert.equal(f.engine.lines[0], 0);
    f.gic.setLevel(51, true);
    f.gic.setLevel(51, true); // no new edge
    assert.equal(iar1(f), 51);
    f.msr(0, R.ICC_EOIR1_EL1, 51);
    assert.equal(iar1(f), G.INTID_SPURIOUS);
  });

  test('ISPENDR makes a level SPI pending until ICPENDR or acknowledge, whatever the line', () => {
    const f = booted();
    enable(f, 52);
    f.setGicd(G.GICD_ISPENDR + 4, 1 << 20);
    assert.equal(pendingBit(f, 52), 1);
    f.setGicd(G.GICD_ICPENDR + 4, 1 << 20);
    assert.equal(pendingBit(f, 52), 0);
    f.gic.setLevel(52, true);
    f.setGicd(G.GICD_ICPENDR + 4, 1 << 20);
    assert.equal(pendingBit(f, 52), 1, 'the line keeps it pending');
  });

  test('a disabled interrupt is pending but not signalled', () => {
    const f = booted();
    f.gic.pulse(53);
    assert.equal(pendingBit(f, 53), 1);
    assert.equal(f.engine.lines[0], 0);
    enable(f, 53);
    assert.equal(f.engine.lines[0], IRQ_LINE_IRQ);
    f.setGicd(G.GICD_ICENABLER + 4, 1 << 21);
    assert.equal(f.engine.lines[0], 0);
  });

  test('GICD_CTLR.EnableGrp1 gates every Group 1 interrupt', () => {
    const f = booted();
    enable(f, 40);
    f.gic.pulse(40);
    f.gic.pulse(20);
    f.setGicr(0, G.GICR_SGI_BASE + G.GICR_ISENABLER0, 1 << 20);
    f.setGicd(G.GICD_CTLR, G.GICD_CTLR_ENABLE_GRP0);
    assert.equal(f.engine.lines[0], 0);
    f.setGicd(G.GICD_CTLR, G.GICD_CTLR_ENABLE_GRP1);
    assert.equal(iar1(f), 20);
  });

  test('a PPI line belongs to one vCPU', () => {
    const f = booted(2);
    f.setGicr(1, G.GICR_SGI_BASE + G.GICR_ISENABLER0, 1 << 27);
    f.gic.setLevel(27, true, 1);
    assert.deepEqual(f.engine.lines, [0, IRQ_LINE_IRQ]);
    assert.equal(iar1(f, 1), 27);
    assert.throws(() => f.gic.setLevel(27, true, 2), RangeError);
    assert.throws(() => f.gic.setLevel(3, true), RangeError, 'SGIs have no line');
    assert.throws(() => f.gic.setLevel(32 + 64, true), RangeError, 'no such SPI');
  });
});

describe('GICv3 routing', () => {
  test('Linux routes every SPI to the boot CPU; IROUTER moves one to another vCPU', () => {
    const f = booted(2);
    enable(f, 60);
    f.gic.pulse(60);
    assert.deepEqual(f.engine.lines, [IRQ_LINE_IRQ, 0]);
    f.setGicd(G.GICD_IROUTER + 60 * 8, 1, 8); // Aff0 = 1: vCPU 1
    assert.deepEqual(f.engine.lines, [0, IRQ_LINE_IRQ]);
    assert.equal(iar1(f, 0), G.INTID_SPURIOUS);
    assert.equal(iar1(f, 1), 60);
  });

  test('an SPI routed to an affinity no vCPU has is never signalled', () => {
    const f = booted(2);
    enable(f, 61);
    f.setGicd(G.GICD_IROUTER + 61 * 8, 0x0700, 8);
    f.gic.pulse(61);
    assert.deepEqual(f.engine.lines, [0, 0]);
  });

  test('a 1-of-N SPI goes to any participating vCPU and leaves the others once acknowledged', () => {
    const f = booted(3);
    enable(f, 62);
    f.setGicd(G.GICD_IROUTER + 62 * 8, 1n << 31n, 8);
    f.setGicr(0, G.GICR_CTLR, G.GICR_CTLR_DPG1NS); // vCPU 0 opts out of 1-of-N Group 1
    f.gic.pulse(62);
    assert.deepEqual(f.engine.lines, [0, IRQ_LINE_IRQ, IRQ_LINE_IRQ]);
    assert.equal(iar1(f, 2), 62);
    assert.deepEqual(f.engine.lines, [0, 0, 0]);
    assert.equal(iar1(f, 1), G.INTID_SPURIOUS);
  });

  test('a sleeping redistributor forwards nothing', () => {
    const f = booted(2);
    f.setGicr(1, G.GICR_WAKER, G.GICR_WAKER_PROCESSOR_SLEEP);
    f.msr(0, R.ICC_SGI1R_EL1, (4n << 24n) | 0b10n);
    assert.equal(f.engine.lines[1], 0);
    assert.equal(iar1(f, 1), G.INTID_SPURIOUS);
    f.setGicr(1, G.GICR_WAKER, 0);
    assert.equal(iar1(f, 1), 4);
  });
});

describe('GICv3 outputs', () => {
  test('pendingFor reports an interrupt the vCPU could take, and wake is called on assertion', () => {
    const woken: number[] = [];
    const f = makeGic({ vcpus: 2, wake: c => woken.push(c) });
    bootLikeLinux(f, [0, 1]);
    enable(f, 40);
    assert.equal(f.gic.pendingFor(0), false);
    f.gic.pulse(40);
    assert.equal(f.gic.pendingFor(0), true);
    assert.equal(f.gic.pendingFor(1), false);
    f.gic.pulse(41); // disabled: nothing new
    assert.deepEqual(woken, [0]);
    f.msr(0, R.ICC_PMR_EL1, 0);
    assert.equal(f.gic.pendingFor(0), false, 'masked by PMR: WFI would not wake');
  });

  test('deactivating a level interrupt calls its resampler, which may drop the line', () => {
    const f = booted();
    enable(f, 45);
    const seen: number[] = [];
    f.gic.onDeactivate(45, c => {
      seen.push(c);
      f.gic.setLevel(45, false);
    });
    f.gic.setLevel(45, true);
    assert.equal(iar1(f), 45);
    f.msr(0, R.ICC_EOIR1_EL1, 45);
    assert.deepEqual(seen, [0]);
    assert.equal(f.engine.lines[0], 0);
  });
});

describe('GICv3 construction and snapshots', () => {
  test('rejects SPI counts GICD_TYPER cannot describe and duplicate affinities', () => {
    const engine = new FakeEngine(2);
    const log = makeGic().log;
    assert.throws(() => new Gicv3({ vcpus: 1, spis: 40, engine, log }), RangeError);
    assert.throws(() => new Gicv3({ vcpus: 2, spis: 32, engine, log, mpidrs: [0n, 0x8000_0000n] }), /share/);
  });

  test('the Xen MPIDR layout puts 16 vCPUs per Aff1 cluster', () => {
    assert.equal(xenMpidr(0), 0x8000_0000n);
    assert.equal(xenMpidr(17), 0x8000_0101n);
    assert.equal(mpidrAffinity(0x12_8034_5678n), 0x1234_5678);
  });

  test('save and restore carry pending, active, configuration and CPU interface state', () => {
    const f = booted(2, 96);
    enable(f, 100);
    f.setGicd(G.GICD_IPRIORITYR + 100, 0x30, 1);
    f.setGicd(G.GICD_IROUTER + 100 * 8, 1, 8);
    f.gic.setLevel(100, true);
    f.msr(0, R.ICC_SGI1R_EL1, (7n << 24n) | 0b10n);
    assert.equal(iar1(f, 1), 100);
    f.msr(1, R.ICC_BPR1_EL1, 5);
    const state = JSON.parse(JSON.stringify(f.gic.save()));

    const g = makeGic({ vcpus: 2, spis: 96 });
    g.gic.restore(state);
    assert.deepEqual(g.gic.save(), state);
    assert.deepEqual(g.engine.lines, [0, 0], 'vCPU 1 runs at priority 0x30; SGI 7 (0xa0) waits');
    assert.equal(Number(g.mrs(1, R.ICC_RPR_EL1)), 0x30);
    g.msr(1, R.ICC_EOIR1_EL1, 100);
    assert.equal(iar1(g, 1), 100, 'the restored line is still high');
    g.gic.setLevel(100, false);
    g.msr(1, R.ICC_EOIR1_EL1, 100);
    assert.equal(iar1(g, 1), 7);
    assert.equal(Number(g.gicd(G.GICD_IROUTER + 100 * 8, 8)), 1);
    assert.throws(() => makeGic({ vcpus: 3, spis: 96 }).gic.restore(state), RangeError);
    assert.throws(() => makeGic({ vcpus: 2, spis: 64 }).gic.restore(state), RangeError);
  });

  test('reset returns every part to its reset state', () => {
    const f = booted(1);
    enable(f, 40);
    f.gic.pulse(40);
    f.gic.reset();
    assert.equal(f.engine.lines[0], 0);
    assert.equal(Number(f.gicd(G.GICD_ISENABLER + 4)), 0);
    assert.equal(Number(f.gicr(0, G.GICR_WAKER)), G.GICR_WAKER_PROCESSOR_SLEEP | G.GICR_WAKER_CHILDREN_ASLEEP);
    assert.equal(Number(f.mrs(0, R.ICC_IGRPEN1_EL1)), 0);
  });
});
