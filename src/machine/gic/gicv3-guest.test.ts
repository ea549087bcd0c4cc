// End to end with the real engine: guest code brings the GIC up the way Linux does, arms the virtual timer,
// waits in WFI and handles the timer interrupt (IAR1 = 27, mask the timer, EOIR1). The engine build comes from
// TSXEN_ENGINE_WASM or build/engine.wasm (src/host/engine-loader.ts).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Engine, ExitReason } from '../../cpu/engine.js';
import { RAM_BASE_PA } from '../../cpu/layout.js';
import { createEngine } from '../../host/engine-loader.js';
import { MmioBus } from '../bus.js';
import { RateLimitedLog } from '../../base/log.js';
import { ArchTimer, VTIMER_PPI } from '../timer/arch-timer.js';
import { Gicv3 } from './gicv3.js';

// aarch64-linux-gnu-as output of the program; the assembly is beside each word. Loaded at RAM_BASE_PA.
const MAIN = [
  0x10004000, // adr     x0, vectors            (+0x800)
  0xd518c000, // msr     vbar_el1, x0
  0xd5033fdf, // isb
  0xd2820001, // mov     x1, #0x1000
  0xf2a06001, // movk    x1, #0x300, lsl #16    GICD 0x03001000
  0xb900003f, // str     wzr, [x1]              GICD_CTLR = 0
  0xb9400022, // 1: ldr  w2, [x1]
  0x37ffffe2, // tbnz    w2, #31, 1b            wait while RWP
  0x52800262, // mov     w2, #0x13              ARE_NS | EnableGrp1A | EnableGrp1
  0xb9000022, // str     w2, [x1]
  0xd2a06043, // mov     x3, #0x3020000         GICR of vCPU 0
  0xb9401464, // ldr     w4, [x3, #20]          GICR_WAKER
  0x121e7884, // and     w4, w4, #~2            clear ProcessorSleep
  0xb9001464, // str     w4, [x3, #20]
  0xb9401464, // 2: ldr  w4, [x3, #20]
  0x3717ffe4, // tbnz    w4, #2, 2b             wait while ChildrenAsleep
  0x91404065, // add     x5, x3, #0x10, lsl #12 SGI_base
  0x12800006, // mov     w6, #-1
  0xb90080a6, // str     w6, [x5, #0x80]        GICR_IGROUPR0: all Group 1
  0x52801406, // mov     w6, #0xa0
  0x39106ca6, // strb    w6, [x5, #0x41b]       GICR_IPRIORITYR byte of INTID 27
  0x52a10006, // mov     w6, #(1 << 27)
  0xb90100a6, // str     w6, [x5, #0x100]       GICR_ISENABLER0: INTID 27
  0xd538cca7, // mrs     x7, icc_sre_el1
  0xb24000e7, // orr     x7, x7, #1
  0xd518cca7, // msr     icc_sre_el1, x7
  0xd5033fdf, // isb
  0xd2801e07, // mov     x7, #0xf0
  0xd5184607, // msr     icc_pmr_el1, x7
  0xd518cc7f, // msr     icc_bpr1_el1, xzr
  0xd518cc9f, // msr     icc_ctlr_el1, xzr      EOImode 0 (Linux without EL2)
  0xd2800027, // mov     x7, #1
  0xd518cce7, // msr     icc_igrpen1_el1, x7
  0xd5033fdf, // isb
  0xd2807d08, // mov     x8, #1000
  0xd51be308, // msr     cntv_tval_el0, x8
  0xd2800028, // mov     x8, #1
  0xd51be328, // msr     cntv_ctl_el0, x8       ENABLE, IMASK clear
  0xd5033fdf, // isb
  0xd2800014, // mov     x20, #0                interrupts handled
  0xd50342ff, // msr     daifclr, #2            unmask IRQ
  0xd503207f, // 3: wfi
  0xb4fffff4, // cbz     x20, 3b
  0xd4000002, // hvc     #0                     done
  0x14000000, // b       .
];
const WFI_OFFSET = 41 * 4;
const VECTORS = 0x800;
// IRQ from the current EL with SP_ELx: VBAR_EL1 + 0x280
const IRQ_HANDLER = [
  0xd538cc09, // mrs     x9, icc_iar1_el1
  0xd280006a, // mov     x10, #3                ENABLE | IMASK, as arch_timer_handler_virt
  0xd51be32a, // msr     cntv_ctl_el0, x10
  0xd5033fdf, // isb
  0xd518cc29, // msr     icc_eoir1_el1, x9
  0xd538cb6b, // mrs     x11, icc_rpr_el1
  0x91000694, // add     x20, x20, #1
  0xd69f03e0, // eret
];

function words(ws: number[]): Uint8Array {
  const b = new Uint8Array(ws.length * 4);
  const v = new DataView(b.buffer);
  ws.forEach((w, i) => v.setUint32(i * 4, w, true));
  return b;
}

/** System instructions and exception generation, the encoding groups of src/cpu/as/system.ts. */
const isSystemGroup = (insn: number) => {
  const top = (insn & 0xff00_0000) >>> 0;
  return top === 0xd500_0000 || top === 0xd400_0000;
};

test('a guest enables the GIC like Linux, waits in WFI and takes the virtual timer interrupt (IAR1 = 27)', async t => {
  const log = new RateLimitedLog(line => logLines.push(line));
  const logLines: string[] = [];
  const unimplemented: number[] = [];
  let now = 1_000_000n;
  let engine!: Engine;
  const bus = new MmioBus({ log, onHole: vcpu => engine.abortMmio(vcpu) });
  let gic!: Gicv3;
  engine = await createEngine({
    ramSize: 0x10_0000,
    vcpus: 1,
    hooks: {
      mmioRead: (vcpu, pa, size) => bus.read(vcpu, pa, size),
      mmioWrite: (vcpu, pa, size, value) => bus.write(vcpu, pa, size, value),
      counter: () => now,
      sysregAccess: (vcpu, key, isRead, rt) => gic.sysregAccess(vcpu, key, isRead, rt),
      unimplemented: (_vcpu, _pc, insn) => void unimplemented.push(insn),
    },
  });
  gic = new Gicv3({ vcpus: 1, spis: 64, engine, log });
  gic.mapInto(bus, 0x0300_1000n, 0x0302_0000n);
  const timer = new ArchTimer({ vcpus: 1, engine, gic, counter: () => now });
  const base = BigInt(RAM_BASE_PA);
  engine.writePhys(base, words(MAIN));
  engine.writePhys(base + BigInt(VECTORS + 0x280), words(IRQ_HANDLER));
  engine.setPc(0, base);

  let wfiExits = 0;
  let firedAt = -1n;
  let exit: ExitReason = ExitReason.Budget;
  for (let slice = 0; slice < 100 && exit !== ExitReason.Hvc; slice++) {
    exit = engine.run(0, 10_000);
    if (unimplemented.length) break;
    const deadline = timer.update(0);
    if (exit === ExitReason.Wfi && !gic.pendingFor(0)) {
      wfiExits++;
      assert.equal(engine.pc(0), base + BigInt(WFI_OFFSET + 4), 'WFI exits with PC after the WFI');
      assert.notEqual(deadline, null, 'a vCPU in WFI with its timer armed has a deadline');
      now = deadline!; // the scheduler sleeps until then
      timer.update(0);
      firedAt = now;
      assert.equal(gic.pendingFor(0), true, 'PPI 27 wakes the vCPU');
    } else {
      assert.ok(exit === ExitReason.Hvc || exit === ExitReason.Budget || exit === ExitReason.Wfi,
        `unexpected exit ${exit} at pc 0x${engine.pc(0).toString(16)}`);
    }
  }
  const notYet = unimplemented.filter(isSystemGroup);
  if (notYet.length > 0 && notYet.length === unimplemented.length) {
    t.skip(`the engine does not implement system instructions yet (first: 0x${notYet[0].toString(16)})`);
    return;
  }
  assert.deepEqual(unimplemented.map(i => i.toString(16)), [], 'the engine ran every instruction');
  assert.equal(exit, ExitReason.Hvc, 'the guest finished');
  assert.equal(wfiExits, 1);
  assert.equal(firedAt, 1_000_000n + 1000n, 'the timer fired TVAL ticks after it was armed');
  assert.equal(engine.x(0, 9), BigInt(VTIMER_PPI), 'ICC_IAR1_EL1 returned 27');
  assert.equal(engine.x(0, 20), 1n, 'exactly one interrupt was taken');
  assert.equal(engine.x(0, 11), 0xffn, 'after EOIR the running priority is idle');
  assert.equal(gic.pendingFor(0), false, 'the masked timer no longer asserts PPI 27');
  assert.equal(gic.save().redistributors[0].private.active[0], 0, 'PPI 27 was deactivated by EOIR (EOImode 0)');
  assert.deepEqual(logLines, []);
});
