// test/difftest/classes/addr.ts - addressing modes for the load/store classes (Arm ARM C1.3.3 "Load/Store
// addressing modes"). Every mode is generated backwards from the effective address: first an address
// inside the scratch window, then a base (and index) value that produces it, so accesses are always valid
// while base registers still hold varied values. An SP base stays 16-byte aligned (SCTLR_EL1.SA0).

import { W, X, XSP, type CaseGen } from '../gen.js';

export type AddrMode = 'offset' | 'unscaled' | 'pre' | 'post' | 'reg' | 'base';

export const MODE_NAMES: Record<AddrMode, string> = {
  offset: 'unsigned offset',
  unscaled: 'unscaled',
  pre: 'pre-index',
  post: 'post-index',
  reg: 'register offset',
  base: 'base register',
};

export interface Access {
  /** The bracketed address operand, e.g. "[x3, #16]!" or "[x3], #-8". */
  operand: string;
  /** Base register number (31 = SP). */
  base: number;
  /** Registers the access occupies (base and index), for the caller's register picks to avoid. */
  regs: number[];
}

/**
 * An address operand of `mode` for an access of `size` bytes. `scale` is the byte unit of the immediate
 * (the access size for scaled forms; 1 for unscaled), `immBits` the signed immediate width of pre/post/
 * unscaled forms (9, or 7 for pairs), `align` the alignment the access itself needs (exclusives, none = 1).
 */
export function address(g: CaseGen, mode: AddrMode, size: number,
  opts: { scale?: number; immBits?: number; align?: number; sp?: boolean | 'always'; regShift?: number } = {}): Access {
  const { scale = 1, immBits = 9, align = 1, sp = true, regShift = 0 } = opts;
  const useSp = sp === 'always' || (sp && g.spBase && mode !== 'reg' && g.chance(0.15));
  const base = useSp ? 31 : g.reserve();
  if (mode === 'reg') return registerOffset(g, base, size, regShift);
  let imm = 0;
  if (mode === 'offset') imm = g.imm(0, 4095) * scale;
  else if (mode !== 'base') {
    const lim = 1 << (immBits - 1);
    imm = g.imm(-lim, lim - 1) * scale;
  }
  // Post-index accesses the base itself; the other modes access base + imm
  const off = mode === 'post' ? 0 : imm;
  const addr = pickAddress(g, size, align, useSp ? off : undefined);
  setBase(g, base, addr - BigInt(off));
  const b = XSP(base);
  const operand =
    mode === 'base' ? `[${b}]` :
    mode === 'pre' ? `[${b}, #${imm}]!` :
    mode === 'post' ? `[${b}], #${imm}` :
    `[${b}, #${imm}]`;
  return { operand, base, regs: [base] };
}

/** An address in the window; with `spOffset` given, one whose base (address - offset) is 16-byte aligned. */
function pickAddress(g: CaseGen, size: number, align: number, spOffset?: number): bigint {
  for (let i = 0; i < 1000; i++) {
    const a = g.memAddr(size, align);
    if (spOffset === undefined || ((a - BigInt(spOffset)) & 15n) === 0n) return a;
  }
  throw new Error(`no ${size}-byte address with a 16-aligned SP base for offset ${spOffset}`);
}

function setBase(g: CaseGen, base: number, v: bigint): void {
  if (base === 31) g.state.sp = BigInt.asUintN(64, v);
  else g.setX(base, v);
}

/** [Xn, Xm{, LSL #s}], [Xn, Wm, UXTW|SXTW {#s}], [Xn, Xm, SXTX {#s}] with s = 0 or log2(size). */
function registerOffset(g: CaseGen, base: number, size: number, shift: number): Access {
  const index = g.reserve();
  const ext = g.pick(['lsl', 'uxtw', 'sxtw', 'sxtx']);
  const s = g.chance(0.5) ? shift : 0;
  const addr = g.memAddr(size);
  let idx = BigInt(g.int(ext === 'uxtw' ? 0 : -40, 40));
  let reg = BigInt.asUintN(64, idx);
  if (ext === 'uxtw' || ext === 'sxtw') {
    // Only the low 32 bits take part: put garbage above them
    reg = (BigInt(g.rng.u32()) << 32n) | BigInt.asUintN(32, idx);
  }
  g.setX(index, reg);
  setBase(g, base, addr - (idx << BigInt(s)));
  const m = ext === 'uxtw' || ext === 'sxtw' ? W(index) : X(index);
  const amount = ext === 'lsl' ? (s ? `, lsl #${s}` : '') : `, ${ext}${g.chance(0.5) || s ? ` #${s}` : ''}`;
  return { operand: `[${XSP(base)}, ${m}${amount}]`, base, regs: [base, index] };
}
