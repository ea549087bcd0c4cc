// cpu/jit/mem.ts - translation of the A64 loads and stores (Arm ARM C4.1 "Loads and Stores") of general and SIMD&FP
// registers, exclusives and load-acquire/store-release, as cpu/as/ldst*.ts execute them. Accesses go through the
// inline soft-TLB lookup (Block.tlb): anything it does not hit stops before the instruction.

import * as L from '../layout.js';
import type { Block } from './translate.js';
import { Op, I32 } from './wasm.js';
import { P_CPU, T32, T64, KEY_PRFM, fpKeyValid, fpScale, sx } from './common.js';

/** size:opc keys the interpreter allocates for general registers (ldst.ts GPR_KEYS, PRFM excluded). */
export function gprKey(size: number, opc: number): boolean {
  return ((0x37ff >> ((size << 2) | opc)) & 1) !== 0;
}

export function transfer(b: Block, size: number, opc: number, t: number, off = 0): void {
  if (opc === 0) b.storeFrom(t, size, off);
  else b.loadInto(t, size, opc, off);
}

export function ldstUimm(b: Block, insn: number): boolean {
  const size = insn >>> 30, opc = (insn >>> 22) & 3;
  if ((insn & (1 << 26)) !== 0) { // SIMD&FP
    const key = (size << 2) | opc;
    if (!fpKeyValid(key)) return false;
    const n = (insn >>> 5) & 31;
    b.fpCheck();
    b.spAlign(n);
    b.x(n, true);
    b.c.i64(((insn >>> 10) & 0xfff) << fpScale(key)).op(Op.i64Add).set(T64[3]);
    b.tlb(1 << fpScale(key), (opc & 1) === 0);
    fpTransfer(b, key, insn & 31, 0);
    return true;
  }
  if (((size << 2) | opc) === KEY_PRFM) return true; // a hint: no access, no fault (ldst.ts)
  if (!gprKey(size, opc)) return false;
  const n = (insn >>> 5) & 31, t = insn & 31, c = b.c;
  b.spAlign(n);
  b.x(n, true);
  c.i64(((insn >>> 10) & 0xfff) << size).op(Op.i64Add).set(T64[3]);
  b.tlb(1 << size, opc === 0);
  transfer(b, size, opc, t);
  return true;
}

/** LDUR/STUR, post-index, pre-index (LDTR/STTR are left to the interpreter). */
export function ldstImm9(b: Block, insn: number): boolean {
  const size = insn >>> 30, opc = (insn >>> 22) & 3, mode = (insn >>> 10) & 3;
  if ((insn & (1 << 26)) !== 0) { // SIMD&FP: LDUR/STUR, post- and pre-index (no unprivileged forms)
    const key = (size << 2) | opc;
    if (mode === 2 || !fpKeyValid(key)) return false;
    const n = (insn >>> 5) & 31, c = b.c, off = sx((insn >>> 12) & 0x1ff, 9);
    b.fpCheck();
    b.spAlign(n);
    b.x(n, true);
    if (mode !== 1) c.i64(off).op(Op.i64Add);
    c.set(T64[3]);
    b.tlb(1 << fpScale(key), (opc & 1) === 0);
    fpTransfer(b, key, insn & 31, 0);
    if (mode !== 0) { b.x(n, true); c.i64(off).op(Op.i64Add); b.setX(n, true); }
    return true;
  }
  if (mode === 0 && ((size << 2) | opc) === KEY_PRFM) return true; // PRFUM
  if (mode === 2 || !gprKey(size, opc)) return false;
  const n = (insn >>> 5) & 31, t = insn & 31, c = b.c;
  const off = sx((insn >>> 12) & 0x1ff, 9);
  const wback = mode !== 0;
  if (wback && n === t && n !== 31) return false; // CONSTRAINED UNPREDICTABLE: the interpreter decides
  b.spAlign(n);
  b.x(n, true);
  if (mode !== 1) c.i64(off).op(Op.i64Add);
  c.set(T64[3]);
  b.tlb(1 << size, opc === 0);
  transfer(b, size, opc, t);
  if (wback) {
    b.x(n, true);
    c.i64(off).op(Op.i64Add);
    b.setX(n, true);
  }
  return true;
}

/** Register offset: option 010 UXTW, 011 LSL, 110 SXTW, 111 SXTX; S scales by the size. */
export function ldstReg(b: Block, insn: number): boolean {
  const size = insn >>> 30, opc = (insn >>> 22) & 3, option = (insn >>> 13) & 7;
  if ((option & 2) === 0) return false;
  if ((insn & (1 << 26)) !== 0) { // SIMD&FP
    const key = (size << 2) | opc;
    if (!fpKeyValid(key)) return false;
    const n = (insn >>> 5) & 31, m = (insn >>> 16) & 31;
    b.fpCheck();
    b.spAlign(n);
    b.x(n, true);
    b.extendReg(m, option, (insn & (1 << 12)) !== 0 ? fpScale(key) : 0);
    b.c.op(Op.i64Add).set(T64[3]);
    b.tlb(1 << fpScale(key), (opc & 1) === 0);
    fpTransfer(b, key, insn & 31, 0);
    return true;
  }
  if (((size << 2) | opc) === KEY_PRFM) return true; // PRFM (register)
  if (!gprKey(size, opc)) return false;
  const n = (insn >>> 5) & 31, t = insn & 31, m = (insn >>> 16) & 31, c = b.c;
  const s = (insn & (1 << 12)) !== 0 ? size : 0;
  b.spAlign(n);
  b.x(n, true);
  b.extendReg(m, option, s);
  c.op(Op.i64Add).set(T64[3]);
  b.tlb(1 << size, opc === 0);
  transfer(b, size, opc, t);
  return true;
}

/** STP/LDP/LDPSW/STNP/LDNP of general registers: offset, pre- and post-index. */
export function ldstPair(b: Block, insn: number): boolean {
  if ((insn & (1 << 26)) !== 0) return fpPair(b, insn);
  const opc = insn >>> 30, mode = (insn >>> 23) & 3, load = (insn & (1 << 22)) !== 0;
  if (opc === 3 || (opc === 1 && !load)) return false; // unallocated, STGP
  const n = (insn >>> 5) & 31, t = insn & 31, t2 = (insn >>> 10) & 31, c = b.c;
  const size = opc === 2 ? 3 : 2;
  const off = sx((insn >>> 15) & 0x7f, 7) * (1 << size);
  const wback = mode === 1 || mode === 3;
  if (load && t === t2) return false; // CONSTRAINED UNPREDICTABLE
  if (wback && (n === t || n === t2) && n !== 31) return false;
  if (mode === 0 && opc === 1) return false; // LDNP with opc 01 is unallocated
  b.spAlign(n);
  b.x(n, true);
  if (mode !== 1) c.i64(off).op(Op.i64Add);
  c.set(T64[3]);
  b.tlb(2 << size, !load);
  const bytes = 1 << size;
  if (load) {
    const ext = opc === 1 ? 2 : 1; // LDPSW sign-extends words to 64 bits
    transfer(b, size, ext, t, 0);
    transfer(b, size, ext, t2, bytes);
  } else {
    b.storeFrom(t, size, 0);
    b.storeFrom(t2, size, bytes);
  }
  if (wback) {
    b.x(n, true);
    c.i64(off).op(Op.i64Add);
    b.setX(n, true);
  }
  return true;
}

/** LDR (literal) W/X, LDRSW (literal), PRFM (literal), and the SIMD&FP S/D/Q forms: PC + imm19 * 4. */
export function ldrLiteral(b: Block, insn: number, i: number): boolean {
  const opc = insn >>> 30, t = insn & 31, c = b.c, fp = (insn & (1 << 26)) !== 0;
  if (fp && opc === 3) return false; // unallocated
  if (!fp && opc === 3) return true; // PRFM (literal): a hint
  if (fp) b.fpCheck();
  b.pcOf(i);
  c.i64(sx((insn >>> 5) & 0x7ffff, 19) * 4).op(Op.i64Add).set(T64[3]);
  if (fp) {
    const key = opc === 2 ? 3 : opc === 1 ? 0xd : 0x9; // Q, D, S loads
    b.tlb(opc === 2 ? 16 : opc === 1 ? 8 : 4, false);
    fpTransfer(b, key, t, 0);
    return true;
  }
  b.tlb(opc === 1 ? 8 : 4, false);
  b.loadInto(t, opc === 1 ? 3 : 2, opc === 2 ? 2 : 1, 0); // LDRSW sign-extends to 64 bits
  return true;
}

/**
 * One SIMD&FP register transfer for key = size:opc at host T32[3] + `off`: B, H, S, D loads zero the rest of
 * the 128-bit register, Q moves 16 bytes. Q needs no alignment check here: with SCTLR_EL1.A set the soft TLB
 * is never filled, so the access has already stopped before this instruction.
 */
export function fpTransfer(b: Block, key: number, t: number, off: number): void {
  const c = b.c, v = L.S_V + t * 16;
  const load = (key & 1) !== 0;
  if ((key & 2) !== 0) { // Q
    if (load) {
      c.get(P_CPU).get(T32[3]).mem(Op.i64Load, 0, off).mem(Op.i64Store, 3, v);
      c.get(P_CPU).get(T32[3]).mem(Op.i64Load, 0, off + 8).mem(Op.i64Store, 3, v + 8);
    } else {
      c.get(T32[3]).get(P_CPU).mem(Op.i64Load, 3, v).mem(Op.i64Store, 0, off);
      c.get(T32[3]).get(P_CPU).mem(Op.i64Load, 3, v + 8).mem(Op.i64Store, 0, off + 8);
    }
    return;
  }
  const size = key >> 2;
  if (load) {
    c.get(P_CPU).get(T32[3]).mem([Op.i64Load8U, Op.i64Load16U, Op.i64Load32U, Op.i64Load][size], 0, off).mem(Op.i64Store, 3, v);
    c.get(P_CPU).i64(0).mem(Op.i64Store, 3, v + 8);
  } else {
    c.get(T32[3]).get(P_CPU).mem(Op.i64Load, 3, v).mem([Op.i64Store8, Op.i64Store16, Op.i64Store32, Op.i64Store][size], 0, off);
  }
}

/** LDP/STP/LDNP/STNP (SIMD&FP): opc 00 S, 01 D, 10 Q; both elements are read before either register is written. */
export function fpPair(b: Block, insn: number): boolean {
  const opc = insn >>> 30, mode = (insn >>> 23) & 3, load = (insn & (1 << 22)) !== 0;
  if (opc === 3) return false;
  const t = insn & 31, t2 = (insn >>> 10) & 31, n = (insn >>> 5) & 31, c = b.c;
  const scale = 2 + opc, bytes = 1 << scale;
  const off = sx((insn >>> 15) & 0x7f, 7) * bytes;
  b.fpCheck();
  b.spAlign(n);
  b.x(n, true);
  if (mode !== 1) c.i64(off).op(Op.i64Add);
  c.set(T64[3]);
  b.tlb(2 * bytes, !load);
  const key = opc === 2 ? (load ? 3 : 2) : ((scale << 2) | (load ? 1 : 0));
  if (load && opc !== 2) {
    // both read first: Rt == Rt2 leaves the value from the higher address, as the interpreter
    const op = opc === 0 ? Op.i64Load32U : Op.i64Load;
    c.get(T32[3]).mem(op, 0, 0).set(T64[0]);
    c.get(T32[3]).mem(op, 0, bytes).set(T64[1]);
    c.get(P_CPU).get(T64[0]).mem(Op.i64Store, 3, L.S_V + t * 16);
    c.get(P_CPU).i64(0).mem(Op.i64Store, 3, L.S_V + t * 16 + 8);
    c.get(P_CPU).get(T64[1]).mem(Op.i64Store, 3, L.S_V + t2 * 16);
    c.get(P_CPU).i64(0).mem(Op.i64Store, 3, L.S_V + t2 * 16 + 8);
  } else {
    // Q loads copy through memory in order (t, then t2): with Rt == Rt2 the higher address wins too
    fpTransfer(b, key, t, 0);
    fpTransfer(b, key, t2, bytes);
  }
  if (mode === 1 || mode === 3) { b.x(n, true); c.i64(off).op(Op.i64Add); b.setX(n, true); }
  return true;
}

/**
 * LDXR/LDAXR/STXR/STLXR and LDAR/STLR (all sizes); the pair exclusives are left to the interpreter. An unaligned
 * address (an Alignment fault whatever SCTLR_EL1.A says), a TLB miss and, for exclusives, a page that is not
 * guest RAM (the monitor keys on its physical address) stop before the instruction.
 */
export function ldstOrdered(b: Block, insn: number): boolean {
  const size = insn >>> 30, load = (insn & (1 << 22)) !== 0, o0 = (insn & (1 << 15)) !== 0;
  const cls = ((insn >>> 22) & 2) | ((insn >>> 21) & 1);
  const s = (insn >>> 16) & 31, n = (insn >>> 5) & 31, t = insn & 31, c = b.c;
  const bytes = 1 << size;
  if (cls === 2 && !o0) return false; // LDLAR/STLLR (FEAT_LOR): UNDEFINED
  if (cls !== 0 && cls !== 2) return false;
  b.spAlign(n);
  if (!load && cls === 0) { b.x(t); c.set(T64[4]); } // the data, read before Ws is written
  b.x(n, true);
  c.set(T64[3]);
  if (bytes > 1) {
    c.get(T64[3]).op(Op.i32WrapI64).i32(bytes - 1).op(Op.i32And);
    b.ifThen(() => b.bail());
  }
  b.tlb(bytes, !load);
  if (cls === 2) { // LDAR, STLR: an ordinary access after the alignment check (Device memory allowed)
    transfer(b, size, load ? 1 : 0, t);
    return true;
  }
  // the exclusive monitor keys on the physical address: guest RAM only (atomicHost)
  c.get(T32[3]).i32(L.RAM_OFF).op(Op.i32Sub).op(Op.i64ExtendI32U).i32(L.DOM_RAM_SIZE).mem(Op.i64Load, 3, 0).op(Op.i64GeU);
  b.ifThen(() => b.bail());
  const pa = () => c.get(T32[3]).i32(L.RAM_OFF).op(Op.i32Sub).op(Op.i64ExtendI32U).i64(L.RAM_BASE_PA).op(Op.i64Add);
  const ATOMIC = 0xfe;
  if (load) {
    c.get(T32[3]).op(ATOMIC).u32([0x14, 0x15, 0x16, 0x11][size]).u32(size).u32(0).set(T64[0]);
    c.get(P_CPU); pa(); c.mem(Op.i64Store, 3, L.S_EXCL_ADDR);
    c.get(P_CPU).i32(bytes).mem(Op.i32Store, 2, L.S_EXCL_SIZE);
    c.get(P_CPU).get(T64[0]).mem(Op.i64Store, 3, L.S_EXCL_VALUE);
    c.get(P_CPU).i64(0).mem(Op.i64Store, 3, L.S_EXCL_VALUE_HI);
    c.get(T64[0]);
    b.setX(t);
    return true;
  }
  // the local monitor must hold this address and size; it is cleared either way
  c.get(P_CPU).mem(Op.i64Load, 3, L.S_EXCL_ADDR); pa(); c.op(Op.i64Eq);
  c.get(P_CPU).mem(Op.i32Load, 2, L.S_EXCL_SIZE).i32(bytes).op(Op.i32Eq).op(Op.i32And).set(T32[0]);
  c.get(P_CPU).i64(-1).mem(Op.i64Store, 3, L.S_EXCL_ADDR);
  const mask = size === 3 ? -1n : (1n << BigInt(8 << size)) - 1n;
  c.get(T32[0]);
  c.op(Op.if).byte(I32);
  // compare-and-swap against the value the load-exclusive read: a store by another vCPU since makes it fail
  c.get(P_CPU).mem(Op.i64Load, 3, L.S_EXCL_VALUE);
  if (size < 3) c.i64(mask).op(Op.i64And);
  c.set(T64[1]);
  c.get(T32[3]).get(T64[1]).get(T64[4]);
  if (size < 3) c.i64(mask).op(Op.i64And);
  c.op(ATOMIC).u32([0x4c, 0x4d, 0x4e, 0x49][size]).u32(size).u32(0);
  c.get(T64[1]).op(Op.i64Ne); // status 1: the store was not done
  c.op(Op.else).i32(1).op(Op.end);
  b.setW(s);
  return true;
}
