// test/difftest/values.ts - random register and memory contents biased toward the values where instruction
// semantics have edges: 0, -1, INT_MIN/INT_MAX at every width, single bits; for FP lanes +-0, infinities,
// quiet and signalling NaNs with payloads, denormals, the extreme normals, rounding ties and integer limits.

import { Rng } from './rng.js';

const M64 = (1n << 64n) - 1n;

const INT_EDGES: bigint[] = [
  0n, 1n, 2n, M64, M64 - 1n,
  0x7fffffffffffffffn, 0x8000000000000000n, 0x8000000000000001n,
  0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0xffffffff80000000n, 0xffffffff7fffffffn,
  0x7fffn, 0x8000n, 0xffffn, 0x7fn, 0x80n, 0xffn,
  0x5555555555555555n, 0xaaaaaaaaaaaaaaaan, 0x0123456789abcdefn,
];

/** A 64-bit integer: 30% edge values, 15% small, 10% a single bit or its complement, else uniform. */
export function randomInt(rng: Rng): bigint {
  const r = rng.u32() % 100;
  if (r < 30) return rng.pick(INT_EDGES);
  if (r < 45) {
    const v = BigInt(rng.int(0, 70));
    return rng.chance(0.3) ? BigInt.asUintN(64, -v) : v;
  }
  if (r < 55) {
    const bit = 1n << BigInt(rng.int(0, 63));
    return rng.chance(0.5) ? bit : M64 ^ bit;
  }
  if (r < 62) return BigInt(rng.u32()); // upper half zero: exercises 32-bit forms
  return rng.u64();
}

interface FloatFormat {
  bits: number;
  ebits: number;
  fbits: number;
}
export const F16: FloatFormat = { bits: 16, ebits: 5, fbits: 10 };
export const F32: FloatFormat = { bits: 32, ebits: 8, fbits: 23 };
export const F64: FloatFormat = { bits: 64, ebits: 11, fbits: 52 };

/**
 * A float bit pattern of format `f`: specials, denormals, tie cases, values near integer conversion limits,
 * numbers with nearby exponents (so additions round), and raw random bits.
 */
export function randomFloat(rng: Rng, f: FloatFormat): bigint {
  const bias = (1n << BigInt(f.ebits - 1)) - 1n;
  const emax = (1n << BigInt(f.ebits)) - 1n;
  const fmask = (1n << BigInt(f.fbits)) - 1n;
  const sign = rng.chance(0.5) ? 1n << BigInt(f.bits - 1) : 0n;
  // Exponents outside the format (from the limits below, in half precision) are clamped to the normals
  const pack = (e: bigint, frac: bigint) => sign | (e << BigInt(f.fbits)) | (frac & fmask);
  const normal = (e: bigint) => (e < 1n ? 1n : e > emax - 1n ? emax - 1n : e);
  const randFrac = () => BigInt.asUintN(f.fbits, rng.u64());
  const r = rng.u32() % 100;
  if (r < 6) return pack(0n, 0n); // +-0
  if (r < 10) return pack(emax, 0n); // +-inf
  if (r < 14) return pack(emax, (1n << BigInt(f.fbits - 1)) | (rng.chance(0.5) ? randFrac() : 0n)); // qNaN
  if (r < 18) return pack(emax, (randFrac() >> 1n) | 1n); // sNaN (top fraction bit clear, nonzero)
  if (r < 26) return pack(0n, rng.chance(0.3) ? rng.pick([1n, fmask]) : randFrac() | 1n); // denormal
  if (r < 30) return pack(rng.pick([1n, emax - 1n]), rng.pick([0n, fmask, randFrac()])); // extreme normals
  if (r < 40) {
    // small integers and halves: exact conversions and rounding ties (x.5)
    const n = rng.int(0, 40);
    return floatFromNumber(rng.chance(0.5) ? n + 0.5 : n, f) | sign;
  }
  if (r < 48) {
    // around integer conversion limits 2^15, 2^31, 2^32, 2^63, 2^64
    const e = bias + BigInt(rng.pick([15, 16, 31, 32, 63, 64]));
    return pack(normal(e - BigInt(rng.int(0, 1))), rng.pick([0n, fmask, 1n, randFrac()]));
  }
  if (r < 85) return pack(normal(bias + BigInt(rng.int(-20, 20))), randFrac()); // ordinary, nearby exponents
  return BigInt.asUintN(f.bits, rng.u64());
}

/** The bit pattern of a (non-negative, exactly representable) number in format `f`. */
function floatFromNumber(x: number, f: FloatFormat): bigint {
  if (x === 0) return 0n;
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x, true);
  const b = dv.getBigUint64(0, true);
  const e = ((b >> 52n) & 0x7ffn) - 1023n;
  const frac = b & ((1n << 52n) - 1n);
  const bias = (1n << BigInt(f.ebits - 1)) - 1n;
  return ((e + bias) << BigInt(f.fbits)) | (frac >> BigInt(52 - f.fbits));
}

/** Lane layouts a V register's random contents are drawn with. */
export type LaneKind = 'int8' | 'int16' | 'int32' | 'int64' | 'f16' | 'f32' | 'f64' | 'bytes';

/** 16 random bytes for a V register made of lanes of `kind`. */
export function randomVector(rng: Rng, kind: LaneKind): Uint8Array {
  const out = new Uint8Array(16);
  const dv = new DataView(out.buffer);
  switch (kind) {
    case 'bytes':
      return rng.bytes(16);
    case 'f64':
      for (let i = 0; i < 2; i++) dv.setBigUint64(8 * i, randomFloat(rng, F64), true);
      return out;
    case 'f32':
      for (let i = 0; i < 4; i++) dv.setUint32(4 * i, Number(randomFloat(rng, F32)), true);
      return out;
    case 'f16':
      for (let i = 0; i < 8; i++) dv.setUint16(2 * i, Number(randomFloat(rng, F16)), true);
      return out;
    default: {
      const bytes = { int8: 1, int16: 2, int32: 4, int64: 8 }[kind];
      for (let i = 0; i < 16; i += bytes) {
        const v = laneInt(rng, bytes * 8);
        for (let j = 0; j < bytes; j++) out[i + j] = Number((v >> BigInt(8 * j)) & 0xffn);
      }
      return out;
    }
  }
}

/** An integer lane value of `bits` width, biased to 0, -1, MIN, MAX, 1 and MIN+1. */
export function laneInt(rng: Rng, bits: number): bigint {
  const m = (1n << BigInt(bits)) - 1n;
  const min = 1n << BigInt(bits - 1);
  if (rng.chance(0.35)) return rng.pick([0n, 1n, m, min, min - 1n, min + 1n, 2n, m - 1n]);
  return rng.u64() & m;
}

/** A V register whose layout is itself random (for classes that do not care about lanes). */
export function randomVectorAny(rng: Rng): Uint8Array {
  return randomVector(rng, rng.pick<LaneKind>(['bytes', 'int8', 'int16', 'int32', 'int64', 'f32', 'f64', 'f64']));
}

/**
 * A float close to `x` (same format): equal, or a few units in the last place away, with either sign, so
 * subtractions cancel, differences are exact or tiny, and x - x gives a signed zero in every rounding mode.
 */
export function nearFloat(rng: Rng, x: bigint, f: FloatFormat): bigint {
  const sign = 1n << BigInt(f.bits - 1);
  const mag = x & (sign - 1n);
  const delta = BigInt(rng.int(-3, 3));
  let m = mag + delta;
  if (m < 0n || m >= sign) m = mag;
  return (rng.chance(0.5) ? x & sign : (x & sign) ^ sign) | m;
}

/** The float format of a lane width in bits. */
export function floatFormat(bits: number): FloatFormat {
  return bits === 16 ? F16 : bits === 32 ? F32 : F64;
}
