import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as G from '../../abi/arm/gicv3.js';
import { GIC_IIDR } from './distributor.js';
import { makeGic } from './testing.js';

describe('GICv3 Distributor', () => {
  test('GICD_TYPER reports the SPIs, vCPUs, 16 INTID bits, A3V and RSS, and no LPIs, MBIs or ESPIs', () => {
    for (const [spis, itLines] of [[64, 2], [96, 3], [0, 0]]) {
      const typer = Number(makeGic({ vcpus: 4, spis }).gicd(G.GICD_TYPER));
      assert.equal(typer & G.GICD_TYPER_ITLINES_MASK, itLines);
      // Linux: GICD_TYPER_SPIS = 32 * (ITLinesNumber + 1), INTIDs 0-31 included
      assert.equal(((typer & 0x1f) + 1) * 32 - 32, spis);
      assert.equal((typer >> 5) & 7, 3);
      assert.equal((typer >> 19) & 0x1f, 15);
      assert.ok(typer & G.GICD_TYPER_A3V && typer & G.GICD_TYPER_RSS);
      assert.equal(typer & (G.GICD_TYPER_LPIS | G.GICD_TYPER_MBIS | G.GICD_TYPER_ESPI | G.GICD_TYPER_NO1N |
        G.GICD_TYPER_SECURITY_EXTN), 0);
    }
  });

  test('GICD_CTLR keeps ARE and DS set and RWP clear; only the group enables are writable', () => {
    const f = makeGic();
    assert.equal(Number(f.gicd(G.GICD_CTLR)), G.GICD_CTLR_ARE | G.GICD_CTLR_DS);
    f.setGicd(G.GICD_CTLR, 0xffff_ffff);
    assert.equal(Number(f.gicd(G.GICD_CTLR)), G.GICD_CTLR_ARE | G.GICD_CTLR_DS | 3);
    f.setGicd(G.GICD_CTLR, 0);
    assert.equal(Number(f.gicd(G.GICD_CTLR)), G.GICD_CTLR_ARE | G.GICD_CTLR_DS);
  });

  test('PIDR2 reports GICv3, the CIDRs are the CoreSight values and IIDR matches no Linux GIC erratum', () => {
    const f = makeGic();
    assert.equal(Number(f.gicd(G.GICD_PIDR2)) & G.GIC_PIDR2_ARCH_MASK, G.GIC_PIDR2_ARCH_GICV3);
    assert.deepEqual([0, 1, 2, 3].map(i => Number(f.gicd(G.GICD_CIDR0 + 4 * i))), [...G.GIC_CIDR]);
    assert.equal(Number(f.gicd(G.GICD_IIDR)), GIC_IIDR);
    // drivers/irqchip/irq-gic-v3.c gic_quirks[]: { iidr, mask } pairs matched against GICD_IIDR
    for (const [iidr, mask] of [[0x0204043b, 0xffffffff], [0, 0xffffffff], [0xa000034c, 0xe8f00fff],
      [0x0402043b, 0xffffffff], [0x0400043b, 0xff0e0fff], [0x0402043b, 0xff0f0fff]])
      assert.notEqual((GIC_IIDR & mask) >>> 0, iidr);
    assert.equal(Number(f.gicd(G.GICD_TYPER2)), 0);
  });

  test('registers for INTIDs 0-31 are RAZ/WI in the distributor', () => {
    const f = makeGic();
    for (const off of [G.GICD_IGROUPR, G.GICD_ISENABLER, G.GICD_ISPENDR, G.GICD_ISACTIVER, G.GICD_IPRIORITYR,
      G.GICD_ICFGR + 4]) {
      f.setGicd(off, 0xffff_ffff);
      assert.equal(Number(f.gicd(off)), 0, `offset 0x${off.toString(16)}`);
    }
    assert.equal(Number(f.gicr(0, G.GICR_SGI_BASE + G.GICR_ISENABLER0)), 0);
  });

  test('set/clear registers act on the bits written as 1', () => {
    const f = makeGic();
    f.setGicd(G.GICD_ISENABLER + 4, 0b1011);
    f.setGicd(G.GICD_ISENABLER + 4, 0b0100);
    f.setGicd(G.GICD_ICENABLER + 4, 0b0010);
    assert.equal(Number(f.gicd(G.GICD_ISENABLER + 4)), 0b1101);
    assert.equal(Number(f.gicd(G.GICD_ICENABLER + 4)), 0b1101);
    f.setGicd(G.GICD_ISACTIVER + 8, 1 << 31);
    assert.equal(Number(f.gicd(G.GICD_ICACTIVER + 8)), 0x8000_0000);
    f.setGicd(G.GICD_ICACTIVER + 8, 0xffff_ffff);
    assert.equal(Number(f.gicd(G.GICD_ISACTIVER + 8)), 0);
  });

  test('IPRIORITYR takes byte and word accesses and keeps the 5 implemented bits', () => {
    const f = makeGic();
    f.setGicd(G.GICD_IPRIORITYR + 32, 0x1f2f3f4f);
    assert.equal(Number(f.gicd(G.GICD_IPRIORITYR + 32)), 0x18283848);
    f.setGicd(G.GICD_IPRIORITYR + 34, 0xff, 1);
    assert.equal(Number(f.gicd(G.GICD_IPRIORITYR + 34, 1)), 0xf8);
    assert.equal(Number(f.gicd(G.GICD_IPRIORITYR + 32)), 0x18f83848);
    assert.equal(Number(f.gicd(G.GICD_IPRIORITYR + 32 + 64)), 0, 'beyond the implemented SPIs: RAZ');
  });

  test('ICFGR programs edge or level per SPI; bit 0 of each field is RES0', () => {
    const f = makeGic();
    f.setGicd(G.GICD_ICFGR + 8, 0xffff_ffff);
    assert.equal(Number(f.gicd(G.GICD_ICFGR + 8)), 0xaaaa_aaaa);
    f.setGicd(G.GICD_ICFGR + 8, 0x2);
    assert.equal(Number(f.gicd(G.GICD_ICFGR + 8)), 0x2);
  });

  test('IROUTER is 64-bit, also accessible as 32-bit halves, with only Aff3, IRM and Aff2-0 kept', () => {
    const f = makeGic();
    const off = G.GICD_IROUTER + 40 * 8;
    f.setGicd(off, 0xffff_ffff_ffff_ffffn, 8);
    assert.equal(f.gicd(off, 8), 0xff_80ff_ffffn);
    f.setGicd(off + 4, 0x12);
    f.setGicd(off, 0x0003_0201);
    assert.equal(f.gicd(off, 8), 0x12_0003_0201n);
    assert.equal(f.gicd(off + 4), 0x12n);
    assert.equal(f.gicd(G.GICD_IROUTER + 8 * 8, 8), 0n, 'no IROUTER for INTIDs below 32');
  });

  test('IGRPMODR, NSACR, ITARGETSR and the SGI registers are RAZ/WI', () => {
    const f = makeGic();
    for (const off of [G.GICD_IGRPMODR + 4, G.GICD_NSACR + 8, G.GICD_ITARGETSR + 32, G.GICD_SPENDSGIR]) {
      f.setGicd(off, 0xffff_ffff);
      assert.equal(Number(f.gicd(off)), 0);
    }
    f.setGicd(G.GICD_SGIR, 0x0001_0001); // legacy SGI generation does nothing with ARE = 1
    assert.equal(f.engine.lines[0], 0);
    assert.deepEqual(f.logLines, []);
  });

  test('a width a register does not support is RAZ/WI and logged once per burst', () => {
    const f = makeGic();
    f.setGicd(G.GICD_ISENABLER + 4, 0xff, 1);
    assert.equal(Number(f.gicd(G.GICD_ISENABLER + 4)), 0);
    assert.equal(f.gicd(G.GICD_CTLR, 8), 0n);
    assert.equal(f.logLines.length, 2);
    assert.match(f.logLines[0], /gicd: 1-byte write at offset 0x104 ignored/);
  });

  test('reserved offsets are RAZ/WI with a log line', () => {
    const f = makeGic();
    assert.equal(f.gicd(0x20), 0n);
    f.setGicd(0xa000, 1);
    assert.equal(f.logLines.length, 2);
  });
});
