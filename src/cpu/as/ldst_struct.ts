// cpu/as/ldst_struct.ts - Advanced SIMD load/store structures (Arm ARM C4.1, "Advanced SIMD load/store
// multiple structures", "... single structure" and their post-indexed forms; C7.2 LD1-LD4, ST1-ST4,
// LD1R-LD4R, following the execute pseudocode of "LD1 (multiple structures)" and "LD1 (single structure)").
//
// Each element is its own access of the element size (alignment and Device rules per element), except that
// LD1/ST1 from an 8-byte aligned address move whole 64-bit chunks (equivalent on Normal memory, where the
// TLB fast path makes them cheap). A faulting load restores the (at most four) registers it had written, so
// the instruction leaves the register file unchanged; a faulting store may have written some elements, as
// the architecture allows. Loads of a 64-bit arrangement (Q = 0) clear bits 127:64 of every register
// written; a single-lane load keeps the other lanes of the whole register.

import { fault, X, XSP, setXSP, vAddr, V128, setVv128, setV64 } from "./state";
import { read8, read16, read32, read64, write8, write16, write32, write64 } from "./memory";
import { undefinedArch, checkSpAlign, checkFpEnabled } from "./exception";

/** Bits 24 (single vs multiple) and 23 (post-index); without post-index, Rm (20:16) must be 00000. */
export function ldstStruct(insn: u32): void {
  if ((insn & (1 << 23)) == 0 && (insn & (31 << 16)) != 0) { undefinedArch(); return; }
  if ((insn & (1 << 24)) != 0) ldstSingle(insn);
  else if ((insn & (1 << 21)) != 0) undefinedArch();
  else ldstMultiple(insn);
}

// The registers a load may write, saved so that a fault can undo it (Wasm globals: per instance, per thread)
let saved0: v128 = v128.splat<i32>(0);
let saved1: v128 = v128.splat<i32>(0);
let saved2: v128 = v128.splat<i32>(0);
let saved3: v128 = v128.splat<i32>(0);

function saveRegs(t: u32): void {
  saved0 = V128(t);
  saved1 = V128((t + 1) & 31);
  saved2 = V128((t + 2) & 31);
  saved3 = V128((t + 3) & 31);
}

function restoreRegs(t: u32): void {
  setVv128(t, saved0);
  setVv128((t + 1) & 31, saved1);
  setVv128((t + 2) & 31, saved2);
  setVv128((t + 3) & 31, saved3);
}

/** Load one element of `ebytes` bytes at `addr` into the register bytes at `dst`. */
@inline function loadElem(addr: u64, dst: u32, ebytes: u32): void {
  switch (ebytes) {
    case 1: store<u8>(dst, <u8>read8(addr)); break;
    case 2: store<u16>(dst, <u16>read16(addr)); break;
    case 4: store<u32>(dst, read32(addr)); break;
    default: store<u64>(dst, read64(addr));
  }
}

@inline function storeElem(addr: u64, src: u32, ebytes: u32): void {
  switch (ebytes) {
    case 1: write8(addr, <u32>load<u8>(src)); break;
    case 2: write16(addr, <u32>load<u16>(src)); break;
    case 4: write32(addr, load<u32>(src)); break;
    default: write64(addr, load<u64>(src));
  }
}

/** Post-index writeback: Rm = 31 means the immediate, which is the number of bytes transferred. */
@inline function writeback(insn: u32, n: u32, base: u64, bytes: u64): void {
  if ((insn & (1 << 23)) == 0) return;
  const m = (insn >> 16) & 31;
  setXSP(n, base + (m == 31 ? bytes : X(m)));
}

/**
 * LD1-LD4/ST1-ST4 (multiple structures). opcode (15:12) gives rpt registers of selem-element structures:
 * 0000 LD4, 0010 LD1 x4, 0100 LD3, 0110 LD1 x3, 0111 LD1 x1, 1000 LD2, 1010 LD1 x2.
 */
function ldstMultiple(insn: u32): void {
  const q = (insn >> 30) & 1, isLoad = (insn & (1 << 22)) != 0, size = (insn >> 10) & 3;
  let rpt: u32 = 1, selem: u32 = 1;
  switch ((insn >> 12) & 15) {
    case 0x0: selem = 4; break;
    case 0x2: rpt = 4; break;
    case 0x4: selem = 3; break;
    case 0x6: rpt = 3; break;
    case 0x7: break;
    case 0x8: selem = 2; break;
    case 0xa: rpt = 2; break;
    default: undefinedArch(); return;
  }
  if (size == 3 && q == 0 && selem != 1) { undefinedArch(); return; } // .1D is LD1/ST1 only
  if (!checkFpEnabled()) return;
  const t = insn & 31, n = (insn >> 5) & 31;
  const base = XSP(n);
  if (n == 31 && !checkSpAlign(base)) return;
  if (isLoad) saveRegs(t);
  const regBytes: u32 = 8 << q;
  const bytes: u32 = rpt * selem * regBytes;
  if (selem == 1 && (base & 7) == 0) transferChunks(t, base, rpt, regBytes, isLoad);
  else transferElements(t, base, rpt, selem, regBytes >> size, 1 << size, isLoad);
  if (fault) {
    if (isLoad) restoreRegs(t);
    return;
  }
  if (isLoad && q == 0) {
    for (let i: u32 = 0; i < rpt * selem; i++) store<u64>(vAddr((t + i) & 31), 0, 8);
  }
  writeback(insn, n, base, <u64>bytes);
}

/** LD1/ST1 from an 8-byte aligned address: consecutive registers, 64 bits at a time. */
function transferChunks(t: u32, base: u64, rpt: u32, regBytes: u32, isLoad: bool): void {
  let addr = base;
  for (let r: u32 = 0; r < rpt; r++) {
    const reg = vAddr((t + r) & 31);
    for (let k: u32 = 0; k < regBytes; k += 8) {
      if (isLoad) store<u64>(reg + k, read64(addr));
      else write64(addr, load<u64>(reg + k));
      if (fault) return;
      addr += 8;
    }
  }
}

/** The pseudocode loop: for each register r, element e, structure member s; memory order is (r, e, s). */
function transferElements(t: u32, base: u64, rpt: u32, selem: u32, elements: u32, ebytes: u32,
  isLoad: bool): void {
  let offs: u64 = 0;
  for (let r: u32 = 0; r < rpt; r++) {
    for (let e: u32 = 0; e < elements; e++) {
      let tt = (t + r) & 31;
      for (let s: u32 = 0; s < selem; s++) {
        const reg = vAddr(tt) + e * ebytes;
        if (isLoad) loadElem(base + offs, reg, ebytes);
        else storeElem(base + offs, reg, ebytes);
        if (fault) return;
        offs += ebytes;
        tt = (tt + 1) & 31;
      }
    }
  }
}

/**
 * LD1-LD4/ST1-ST4 (single structure) and LD1R-LD4R. opcode (15:13) and R (21): scale = opcode<2:1>,
 * selem = opcode<0>:R + 1; scale 3 is load-and-replicate with the element size from size (11:10). The lane
 * index is Q:S:size for bytes, Q:S:size<1> for halfwords, Q:S for words, Q for doublewords.
 */
function ldstSingle(insn: u32): void {
  const q = (insn >> 30) & 1, isLoad = (insn & (1 << 22)) != 0, size = (insn >> 10) & 3;
  const opcode = (insn >> 13) & 7, sBit = (insn >> 12) & 1;
  const selem: u32 = (((opcode & 1) << 1) | ((insn >> 21) & 1)) + 1;
  let scale: u32 = opcode >> 1, index: u32 = 0;
  let replicate = false;
  switch (scale) {
    case 3:
      if (!isLoad || sBit != 0) { undefinedArch(); return; }
      scale = size;
      replicate = true;
      break;
    case 0:
      index = (q << 3) | (sBit << 2) | size;
      break;
    case 1:
      if ((size & 1) != 0) { undefinedArch(); return; }
      index = (q << 2) | (sBit << 1) | (size >> 1);
      break;
    default:
      if ((size & 2) != 0) { undefinedArch(); return; }
      if ((size & 1) == 0) index = (q << 1) | sBit;
      else {
        if (sBit != 0) { undefinedArch(); return; }
        index = q;
        scale = 3;
      }
  }
  if (!checkFpEnabled()) return;
  const t = insn & 31, n = (insn >> 5) & 31;
  const base = XSP(n);
  if (n == 31 && !checkSpAlign(base)) return;
  const ebytes: u32 = 1 << scale;
  if (isLoad) saveRegs(t);
  let tt = t;
  for (let s: u32 = 0; s < selem; s++) {
    const addr = base + <u64>(s * ebytes);
    if (replicate) replicateElem(addr, tt, ebytes, q);
    else if (isLoad) loadElem(addr, vAddr(tt) + index * ebytes, ebytes);
    else storeElem(addr, vAddr(tt) + index * ebytes, ebytes);
    if (fault) {
      if (isLoad) restoreRegs(t);
      return;
    }
    tt = (tt + 1) & 31;
  }
  writeback(insn, n, base, <u64>(selem * ebytes));
}

/** LDnR: one element replicated to every lane of V[t] (64-bit arrangements clear bits 127:64). */
function replicateElem(addr: u64, t: u32, ebytes: u32, q: u32): void {
  let v: v128;
  switch (ebytes) {
    case 1: v = i8x16.splat(<i8>read8(addr)); break;
    case 2: v = i16x8.splat(<i16>read16(addr)); break;
    case 4: v = i32x4.splat(<i32>read32(addr)); break;
    default: v = i64x2.splat(<i64>read64(addr));
  }
  if (fault) return;
  if (q != 0) setVv128(t, v);
  else setV64(t, <u64>i64x2.extract_lane(v, 0));
}
