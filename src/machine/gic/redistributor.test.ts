import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as G from '../../abi/arm/gicv3.js';
import { xenMpidr } from './gicv3.js';
import { makeGic } from './testing.js';

describe('GICv3 Redistributor', () => {
  test('GICR_TYPER.Last is set only on the last redistributor', () => {
    const f = makeGic({ vcpus: 3 });
    const last = [0, 1, 2].map(i => (f.gicr(i, G.GICR_TYPER, 8) & G.GICR_TYPER_LAST) !== 0n);
    assert.deepEqual(last, [false, false, true]);
  });

  test('GICR_TYPER carries the vCPU affinity and processor number, and no LPI support', () => {
    const mpidrs = [xenMpidr(0), xenMpidr(17), 0x8100_0002n | (3n << 32n)];
    const f = makeGic({ vcpus: 3, mpidrs });
    assert.equal(f.gicr(1, G.GICR_TYPER, 8), (0x0101n << 32n) | (1n << 8n) | G.GICR_TYPER_DPGS);
    const typer = f.gicr(2, G.GICR_TYPER, 8);
    assert.equal(typer >> 32n, 0x0300_0002n, 'Aff3 in bits 63:56');
    assert.equal((typer >> 8n) & 0xffffn, 2n);
    assert.equal(typer & (G.GICR_TYPER_PLPIS | G.GICR_TYPER_VLPIS), 0n);
    // the 32-bit halves read the same
    assert.equal(f.gicr(2, G.GICR_TYPER + 4), typer >> 32n);
    assert.equal(f.gicr(2, G.GICR_TYPER), typer & 0xffff_ffffn);
  });

  test('WAKER handshake: ChildrenAsleep follows ProcessorSleep', () => {
    const f = makeGic();
    const sleepBoth = G.GICR_WAKER_PROCESSOR_SLEEP | G.GICR_WAKER_CHILDREN_ASLEEP;
    assert.equal(Number(f.gicr(0, G.GICR_WAKER)), sleepBoth, 'asleep out of reset');
    f.setGicr(0, G.GICR_WAKER, 0);
    assert.equal(Number(f.gicr(0, G.GICR_WAKER)), 0, 'awake at once');
    f.setGicr(0, G.GICR_WAKER, G.GICR_WAKER_PROCESSOR_SLEEP);
    assert.equal(Number(f.gicr(0, G.GICR_WAKER)), sleepBoth);
    f.setGicr(0, G.GICR_WAKER, G.GICR_WAKER_CHILDREN_ASLEEP); // read-only bit
    assert.equal(Number(f.gicr(0, G.GICR_WAKER)), 0);
  });

  test('GICR_CTLR reads RWP clear and keeps only the DPG bits', () => {
    const f = makeGic();
    f.setGicr(0, G.GICR_CTLR, 0xffff_ffff);
    assert.equal(Number(f.gicr(0, G.GICR_CTLR)), G.GICR_CTLR_DPG0 | G.GICR_CTLR_DPG1NS);
  });

  test('RD_base identifies a GICv3 redistributor', () => {
    const f = makeGic();
    assert.equal(Number(f.gicr(0, G.GICR_PIDR2)) & G.GIC_PIDR2_ARCH_MASK, G.GIC_PIDR2_ARCH_GICV3);
    assert.equal(Number(f.gicr(0, G.GICR_IIDR)), Number(f.gicd(G.GICD_IIDR)));
  });

  test('SGI_base: SGIs are always edge-triggered, PPIs are programmable', () => {
    const f = makeGic();
    const sgi = G.GICR_SGI_BASE;
    assert.equal(Number(f.gicr(0, sgi + G.GICR_ICFGR0)), 0xaaaa_aaaa);
    f.setGicr(0, sgi + G.GICR_ICFGR0, 0);
    assert.equal(Number(f.gicr(0, sgi + G.GICR_ICFGR0)), 0xaaaa_aaaa);
    assert.equal(Number(f.gicr(0, sgi + G.GICR_ICFGR1)), 0, 'PPIs reset level-sensitive');
    f.setGicr(0, sgi + G.GICR_ICFGR1, 0x2 << 22);
    assert.equal(Number(f.gicr(0, sgi + G.GICR_ICFGR1)), 0x2 << 22);
  });

  test('SGI_base bit registers and priorities are this vCPU\'s banked copies', () => {
    const f = makeGic({ vcpus: 2 });
    const sgi = G.GICR_SGI_BASE;
    f.setGicr(1, sgi + G.GICR_ISENABLER0, 1 << 27);
    f.setGicr(1, sgi + G.GICR_IPRIORITYR0 + 27, 0x80, 1);
    f.setGicr(1, sgi + G.GICR_IGROUPR0, 0xffff_ffff);
    assert.equal(Number(f.gicr(1, sgi + G.GICR_ISENABLER0)), 1 << 27);
    assert.equal(Number(f.gicr(0, sgi + G.GICR_ISENABLER0)), 0);
    assert.equal(Number(f.gicr(1, sgi + G.GICR_IPRIORITYR0 + 24)), 0x8000_0000);
    f.gic.setLevel(27, true, 1);
    assert.equal(Number(f.gicr(1, sgi + G.GICR_ISPENDR0)), 1 << 27);
    assert.equal(Number(f.gicr(0, sgi + G.GICR_ISPENDR0)), 0);
  });

  test('IGRPMODR0 and NSACR are RAZ/WI, the LPI registers are RAZ/WI at 64 bits', () => {
    const f = makeGic();
    for (const off of [G.GICR_SGI_BASE + G.GICR_IGRPMODR0, G.GICR_SGI_BASE + G.GICR_NSACR]) {
      f.setGicr(0, off, 0xffff_ffff);
      assert.equal(Number(f.gicr(0, off)), 0);
    }
    f.setGicr(0, G.GICR_PROPBASER, 0xffff_ffffn, 8);
    assert.equal(f.gicr(0, G.GICR_PROPBASER, 8), 0n);
    assert.deepEqual(f.logLines, []);
  });

  test('an unsupported width is RAZ/WI and logged', () => {
    const f = makeGic();
    f.setGicr(0, G.GICR_WAKER, 0, 1);
    assert.equal(Number(f.gicr(0, G.GICR_WAKER)), G.GICR_WAKER_PROCESSOR_SLEEP | G.GICR_WAKER_CHILDREN_ASLEEP);
    assert.equal(f.gicr(0, G.GICR_SGI_BASE + G.GICR_ISENABLER0, 8), 0n);
    assert.equal(f.logLines.length, 2);
  });
});
