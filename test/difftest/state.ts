// test/difftest/state.ts - the architectural state a test case starts from and ends with, its byte layout
// (shared by the generated assembly's prologue/epilogue and the comparison), and the field-by-field diff.

export const NX = 31; // X0..X30
export const OFF_X = 0;
export const OFF_SP = 248;
export const OFF_NZCV = 256;
export const OFF_FPCR = 264;
export const OFF_FPSR = 272;
export const OFF_V = 288; // 16-byte aligned for LDP/STP Q
export const OFF_MEM = 800;
/** Bytes of the scratch memory window that each case initialises and dumps. */
export const MEM_SIZE = 256;
export const STATE_SIZE = OFF_MEM + MEM_SIZE; // 1056

/** Each output record: u32 magic, u32 case index, 8 bytes padding, then the final state. */
export const RECORD_MAGIC = 0x54534454; // "TDST"
export const RECORD_HEADER = 16;
export const RECORD_SIZE = RECORD_HEADER + STATE_SIZE;

// Fixed guest addresses (the test ELF is linked with -Ttext=TEXT_BASE -Tdata=DATA_BASE)
export const TEXT_BASE = 0x40080000n;
export const DATA_BASE = 0x40400000n;
/** The dumped window straddles a page boundary (0x40401000) so page-crossing accesses are exercised. */
export const MEM_BASE = DATA_BASE + 0xf80n;

export interface CaseState {
  x: bigint[]; // 31 values, unsigned 64-bit
  sp: bigint;
  nzcv: number; // bits 31:28
  fpcr: number;
  fpsr: number;
  v: Uint8Array; // 32 x 16 bytes, little-endian lanes
  mem: Uint8Array; // MEM_SIZE bytes at MEM_BASE
}

export function encodeState(s: CaseState): Uint8Array {
  const out = new Uint8Array(STATE_SIZE);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < NX; i++) dv.setBigUint64(OFF_X + 8 * i, BigInt.asUintN(64, s.x[i]), true);
  dv.setBigUint64(OFF_SP, BigInt.asUintN(64, s.sp), true);
  dv.setBigUint64(OFF_NZCV, BigInt(s.nzcv >>> 0), true);
  dv.setBigUint64(OFF_FPCR, BigInt(s.fpcr >>> 0), true);
  dv.setBigUint64(OFF_FPSR, BigInt(s.fpsr >>> 0), true);
  out.set(s.v, OFF_V);
  out.set(s.mem, OFF_MEM);
  return out;
}

export function decodeState(b: Uint8Array): CaseState {
  const dv = new DataView(b.buffer, b.byteOffset, STATE_SIZE);
  const x: bigint[] = [];
  for (let i = 0; i < NX; i++) x.push(dv.getBigUint64(OFF_X + 8 * i, true));
  return {
    x,
    sp: dv.getBigUint64(OFF_SP, true),
    nzcv: Number(dv.getBigUint64(OFF_NZCV, true) & 0xffffffffn),
    fpcr: Number(dv.getBigUint64(OFF_FPCR, true) & 0xffffffffn),
    fpsr: Number(dv.getBigUint64(OFF_FPSR, true) & 0xffffffffn),
    v: b.slice(OFF_V, OFF_V + 512),
    mem: b.slice(OFF_MEM, OFF_MEM + MEM_SIZE),
  };
}

// ---- formatting ----

export function hex64(v: bigint): string {
  return '0x' + BigInt.asUintN(64, v).toString(16).padStart(16, '0');
}

/** A V register as hi:lo 64-bit halves: 0x<bits 127:64>_<bits 63:0>. */
export function vhex(v: Uint8Array, n: number): string {
  const dv = new DataView(v.buffer, v.byteOffset + 16 * n, 16);
  const lo = dv.getBigUint64(0, true), hi = dv.getBigUint64(8, true);
  return `0x${hi.toString(16).padStart(16, '0')}_${lo.toString(16).padStart(16, '0')}`;
}

export function nzcvText(f: number): string {
  return ['N', 'Z', 'C', 'V'].map((c, i) => ((f >>> (31 - i)) & 1 ? c : c.toLowerCase())).join('');
}

const FPSR_BITS: [number, string][] = [[27, 'QC'], [7, 'IDC'], [4, 'IXC'], [3, 'UFC'], [2, 'OFC'], [1, 'DZC'], [0, 'IOC']];

export function fpsrText(f: number): string {
  const names = FPSR_BITS.filter(([b]) => (f >>> b) & 1).map(([, n]) => n);
  return `0x${(f >>> 0).toString(16)}${names.length ? ` (${names.join(' ')})` : ''}`;
}

const RMODES = ['RN', 'RP', 'RM', 'RZ'];

export function fpcrText(f: number): string {
  const parts = [RMODES[(f >>> 22) & 3]];
  if ((f >>> 24) & 1) parts.push('FZ');
  if ((f >>> 25) & 1) parts.push('DN');
  if ((f >>> 26) & 1) parts.push('AHP');
  return `0x${(f >>> 0).toString(16)} (${parts.join(' ')})`;
}

/** One architectural field that differs between the oracle (qemu) and the engine. */
export interface FieldDiff {
  field: string;
  expected: string;
  actual: string;
}

/** Compare every field of two final states; empty when they are equal. */
export function diffStates(exp: CaseState, act: CaseState): FieldDiff[] {
  const d: FieldDiff[] = [];
  for (let i = 0; i < NX; i++)
    if (exp.x[i] !== act.x[i]) d.push({ field: `X${i}`, expected: hex64(exp.x[i]), actual: hex64(act.x[i]) });
  if (exp.sp !== act.sp) d.push({ field: 'SP', expected: hex64(exp.sp), actual: hex64(act.sp) });
  if (exp.nzcv !== act.nzcv) d.push({ field: 'NZCV', expected: nzcvText(exp.nzcv), actual: nzcvText(act.nzcv) });
  if (exp.fpcr !== act.fpcr) d.push({ field: 'FPCR', expected: fpcrText(exp.fpcr), actual: fpcrText(act.fpcr) });
  if (exp.fpsr !== act.fpsr) d.push({ field: 'FPSR', expected: fpsrText(exp.fpsr), actual: fpsrText(act.fpsr) });
  for (let n = 0; n < 32; n++) {
    const e = vhex(exp.v, n), a = vhex(act.v, n);
    if (e !== a) d.push({ field: `V${n}`, expected: e, actual: a });
  }
  for (let off = 0; off < MEM_SIZE; off += 8) {
    const e = exp.mem.subarray(off, off + 8), a = act.mem.subarray(off, off + 8);
    if (e.some((b, i) => b !== a[i]))
      d.push({ field: `mem[0x${(MEM_BASE + BigInt(off)).toString(16)}]`, expected: bytesHex(e), actual: bytesHex(a) });
  }
  return d;
}

/** Bytes in memory order, e.g. "01 02 ff ...". */
export function bytesHex(b: Uint8Array): string {
  return Array.from(b, x => x.toString(16).padStart(2, '0')).join(' ');
}
