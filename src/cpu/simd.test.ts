// cpu/simd.test.ts - edge cases of the AdvSIMD executors (cpu/as/simd*.ts), run through the Engine: code at
// 0x40000000 with the MMU off and CPACR_EL1.FPEN enabled, V registers set directly. Every expected value was
// produced by qemu-aarch64 7.2 (-cpu cortex-a57) running the same instruction words in a static test ELF; the
// broad random differential tester lives elsewhere, these cases pin the corners (saturation and FPSR.QC,
// rounding shifts, TBL ranges, the "2" narrowing forms, 64-bit arrangements, reductions, every MOVI cmode,
// FP by element, FPCR modes) and the encodings that must stay UNDEFINED on this ARMv8.0 core.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../host/engine-loader.js';
import type { Engine, EngineHooks } from './engine.js';
import * as L from './layout.js';

interface SimdCase {
  name: string;
  /** Instruction words, executed in order. */
  code: number[];
  fpcr?: number;
  /** FPSR before the code runs (0 when absent). */
  fpsr?: number;
  /** Initial V registers as 32 hex digits, most significant first; the others are zero. */
  v: Record<number, string>;
  x?: Record<number, bigint>;
  expect: Record<number, string>;
  expectX?: Record<number, bigint>;
  fpsrAfter: number;
}

const CASES: SimdCase[] = [
  {
    name: 'SQADD saturates 8-bit lanes at both limits and sets FPSR.QC',
    code: [
      0x4e220c20, // sqadd v0.16b, v1.16b, v2.16b
    ],
    v: { 1: '7f7f80807f00ff017f7f80807f00ff01', 2: '0180ff7f0180ff7f01ff80ff7f018001' },
    expect: { 0: '7fff80ff7f80fe7f7f7e80807f018002' },
    fpsrAfter: 0x8000000,
  },
  {
    name: 'UQSUB clamps 16-bit lanes at zero and sets QC',
    code: [
      0x6e622c20, // uqsub v0.8h, v1.8h, v2.8h
    ],
    v: { 1: '0000ffff000180007fff000100020003', 2: '0001fffe000280018000000100030002' },
    expect: { 0: '00000001000000000000000000000001' },
    fpsrAfter: 0x8000000,
  },
  {
    name: 'SQADD (scalar D) saturates at INT64_MAX and clears bits 127:64',
    code: [
      0x5ee20c20, // sqadd d0, d1, d2
      0x7ee40c83, // uqadd d3, d4, d4
    ],
    v: {
      0: 'ffffffffffffffffffffffffffffffff', 1: '00000000000000007fffffffffffffff',
      2: '00000000000000000000000000000001', 3: 'ffffffffffffffffffffffffffffffff',
      4: 'ffffffffffffffff8000000000000000',
    },
    expect: { 0: '00000000000000007fffffffffffffff', 3: '0000000000000000ffffffffffffffff' },
    fpsrAfter: 0x8000000,
  },
  {
    name: 'QC is cumulative: a non-saturating op leaves a set QC alone',
    code: [
      0x4ea20c20, // sqadd v0.4s, v1.4s, v2.4s
    ],
    fpsr: 0x8000000,
    v: { 1: '00000001000000020000000300000004', 2: '00000001000000020000000300000004' },
    expect: { 0: '00000002000000040000000600000008' },
    fpsrAfter: 0x8000000,
  },
  {
    name: 'a non-saturating op leaves QC clear',
    code: [
      0x6e220c20, // uqadd v0.16b, v1.16b, v2.16b
      0x4f217423, // sqshl v3.4s, v1.4s, #1
    ],
    v: { 1: '0102030405060708090a0b0c0d0e0f10', 2: '0102030405060708090a0b0c0d0e0f10' },
    expect: { 0: '020406080a0c0e10121416181a1c1e20', 3: '020406080a0c0e10121416181a1c1e20' },
    fpsrAfter: 0x0,
  },
  {
    name: 'SQDMULH and SQRDMULH saturate INT_MIN * INT_MIN to INT_MAX',
    code: [
      0x4ea2b420, // sqdmulh v0.4s, v1.4s, v2.4s
      0x6e65b483, // sqrdmulh v3.8h, v4.8h, v5.8h
      0x5f75c886, // sqdmulh h6, h4, v5.h[7]
    ],
    v: {
      1: '80000000800000007fffffff80000000', 2: '800000007fffffff7fffffff00000002',
      4: '800080007fff4000c0000001ffff8000', 5: '80007fff7fff4000400080007fff8000',
      6: 'ffffffffffffffffffffffffffffffff',
    },
    expect: {
      0: '7fffffff800000017ffffffefffffffe', 3: '7fff80017ffe2000e000ffffffff7fff',
      6: '00000000000000000000000000007fff',
    },
    fpsrAfter: 0x8000000,
  },
  {
    name: 'SQDMULL and SQDMLAL saturate to the INT64 limits',
    code: [
      0x0ea2d020, // sqdmull v0.2d, v1.2s, v2.2s
      0x0ea29023, // sqdmlal v3.2d, v1.2s, v2.2s
      0x4e65d0a4, // sqdmull2 v4.4s, v5.8h, v5.8h
    ],
    v: {
      1: '00000000000000008000000000000003', 2: '00000000000000008000000000000005',
      3: '80000000000000007fffffffffffffff', 5: '80000001800000020000000000000000',
    },
    expect: {
      0: '7fffffffffffffff000000000000001e', 3: 'ffffffffffffffff7fffffffffffffff',
      4: '7fffffff000000027fffffff00000008',
    },
    fpsrAfter: 0x8000000,
  },
  {
    name: 'SRSHL, URSHL, SSHL and UQRSHL handle shifts of -64, -1 and +64 on D lanes',
    code: [
      0x4ee25420, // srshl v0.2d, v1.2d, v2.2d
      0x6ee25423, // urshl v3.2d, v1.2d, v2.2d
      0x4ee24424, // sshl v4.2d, v1.2d, v2.2d
      0x6ee65c25, // uqrshl v5.2d, v1.2d, v6.2d
      0x4ea95d07, // sqrshl v7.4s, v8.4s, v9.4s
    ],
    v: {
      1: 'c0000000000000018000000000000001', 2: '00000000000000c000000000000000ff',
      6: '00000000000000400000000000000001', 8: '7fffffff80000001000000030000000b',
      9: '000000ff000000e1000000fe000000fd',
    },
    expect: {
      0: '0000000000000000c000000000000001', 3: '00000000000000014000000000000001',
      4: 'ffffffffffffffffc000000000000000', 5: 'ffffffffffffffffffffffffffffffff',
      7: '40000000ffffffff0000000100000001',
    },
    fpsrAfter: 0x8000000,
  },
  {
    name: 'URSHR #64 rounds by bit 63 and SRSRA #64 accumulates the rounding',
    code: [
      0x7f402420, // urshr d0, d1, #64
      0x4f403422, // srsra v2.2d, v1.2d, #64
      0x4f202483, // srshr v3.4s, v4.4s, #32
    ],
    v: {
      0: 'ffffffffffffffffffffffffffffffff', 1: '7fffffff8000000080000000ffffffff',
      2: '00000000000000010000000000000001', 4: '80000000ffffffff7fffffff00000001',
    },
    expect: {
      0: '00000000000000000000000000000001', 2: '00000000000000010000000000000001',
      3: '00000000000000000000000000000000',
    },
    fpsrAfter: 0x0,
  },
  {
    name: 'SQRSHRN, SQRSHRN2 and SQRSHRUN narrow with rounding and saturation into the right half',
    code: [
      0x0f0d9c20, // sqrshrn v0.8b, v1.8h, #3
      0x4f089c40, // sqrshrn2 v0.16b, v2.8h, #8
      0x2f108c23, // sqrshrun v3.4h, v1.4s, #16
      0x7f3f9424, // uqshrn s4, d1, #1
    ],
    v: {
      1: '7fff0004fffc03fc040480000003ffff', 2: '00ff0080ff807f80807f0000ffff8000',
      3: 'ffffffffffffffffffffffffffffffff', 4: 'ffffffffffffffffffffffffffffffff',
    },
    expect: {
      0: '0101007f800000807f01007f7f800000', 3: '00000000000000007fff000004050004',
      4: '000000000000000000000000ffffffff',
    },
    fpsrAfter: 0x8000000,
  },
  // C7.2 URSHR, SRSRA, RSHRN, UQRSHRN...: (Int(element) + (1 << (shift - 1))) >> shift is computed on unbounded
  // integers, so on 64-bit elements the rounding add may carry out of bit 63 (or overflow an i64)
  {
    name: 'rounding right shifts by immediate keep the carry out of bit 63 of 64-bit elements',
    code: [
      0x7f7f2420, // urshr d0, d1, #1
      0x6f7f3422, // ursra v2.2d, v1.2d, #1
      0x4f412483, // srshr v3.2d, v4.2d, #63
      0x4f7f3485, // srsra v5.2d, v4.2d, #1
      0x0f208ce6, // rshrn v6.2s, v7.2d, #32
      0x7f209d28, // uqrshrn s8, d9, #32
    ],
    v: {
      1: 'c000000000000000ffffffffffffffff', 2: '00000000000000010000000000000001',
      4: '7fffffffffffffff8000000000000000', 5: '00000000000000010000000000000002',
      7: 'fffffffe80000000ffffffffffffffff', 9: '0000000000000000fffffffe80000000',
    },
    expect: {
      0: '00000000000000008000000000000000', 2: '60000000000000018000000000000001',
      3: '0000000000000001ffffffffffffffff', 5: '4000000000000001c000000000000002',
      6: '0000000000000000ffffffff00000000', 8: '000000000000000000000000ffffffff',
    },
    fpsrAfter: 0x0,
  },
  {
    name: 'URSHL, UQRSHL, SRSHL and SQRSHL by a negative register shift round 64-bit elements exactly',
    code: [
      0x7ee25420, // urshl d0, d1, d2
      0x6ee45c23, // uqrshl v3.2d, v1.2d, v4.2d
      0x5ee254c5, // srshl d5, d6, d2
      0x4ee85cc7, // sqrshl v7.2d, v6.2d, v8.2d
    ],
    v: {
      1: 'c000000000000000ffffffffffffffff', 2: '000000000000000000000000000000ff',
      4: '00000000000000c0ffffffffffffffff', 6: '80000000000000007fffffffffffffff',
      8: '12345678000000c1abcdef00000000ff',
    },
    expect: {
      0: '00000000000000008000000000000000', 3: '00000000000000018000000000000000',
      5: '00000000000000004000000000000000', 7: 'ffffffffffffffff4000000000000000',
    },
    fpsrAfter: 0x0,
  },
  {
    name: 'UQRSHRN #1 of 2^64 - 1 saturates (the rounded 2^63 is unsigned), as do SQRSHRN and SQRSHRUN',
    code: [
      0x7f3f9c20, // uqrshrn s0, d1, #1
      0x6f3f9c62, // uqrshrn2 v2.4s, v3.2d, #1
      0x7f3f8ca4, // sqrshrun s4, d5, #1
      0x5f3f9ca6, // sqrshrn s6, d5, #1
    ],
    v: {
      1: '0000000000000000ffffffffffffffff', 2: '0123456789abcdef0123456789abcdef',
      3: '00000000ffffffffffffffffffffffff', 5: '00000000000000007fffffffffffffff',
    },
    expect: {
      0: '000000000000000000000000ffffffff', 2: '80000000ffffffff0123456789abcdef',
      4: '000000000000000000000000ffffffff', 6: '0000000000000000000000007fffffff',
    },
    fpsrAfter: 0x8000000,
  },
  {
    name: 'SQSHLU maps negative lanes to zero and saturates large ones',
    code: [
      0x6f246420, // sqshlu v0.4s, v1.4s, #4
      0x7f096462, // sqshlu b2, b3, #1
    ],
    v: { 1: 'ffffffff100000000fffffff00000001', 3: '000000000000000000000000000000c0' },
    expect: { 0: '00000000fffffffffffffff000000010', 2: '00000000000000000000000000000000' },
    fpsrAfter: 0x8000000,
  },
  {
    name: 'TBL gives 0 for out-of-range indices, TBX keeps the destination, tables wrap from V31 to V0',
    code: [
      0x4e030020, // tbl v0.16b, {v1.16b}, v3.16b
      0x0e032024, // tbl v4.8b, {v1.16b, v2.16b}, v3.8b
      0x4e0373c5, // tbx v5.16b, {v30.16b, v31.16b, v0.16b, v1.16b}, v3.16b
      0x0e031046, // tbx v6.8b, {v2.16b}, v3.8b
    ],
    v: {
      1: '0f0e0d0c0b0a09080706050403020100', 2: '1f1e1d1c1b1a19181716151413121110',
      3: '000f101f202f303f40ff051525354580', 4: 'ffffffffffffffffffffffffffffffff',
      5: 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee', 6: 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee',
      30: '2f2e2d2c2b2a29282726252423222120', 31: '3f3e3d3c3b3a39383736353433323130',
    },
    expect: {
      0: '000f0000000000000000050000000000', 4: '00000000000000000000051500000000',
      5: '202f303f0000000feeee25350505eeee', 6: '0000000000000000eeee15eeeeeeeeee',
    },
    fpsrAfter: 0x0,
  },
  {
    name: 'XTN2 and SQXTUN2 write the upper half keeping the lower one; XTN and UQXTN clear it',
    code: [
      0x4e212820, // xtn2 v0.16b, v1.8h
      0x0e612822, // xtn v2.4h, v1.4s
      0x6e612883, // sqxtun2 v3.8h, v4.4s
      0x2ea14885, // uqxtn v5.2s, v4.2d
      0x5e614886, // sqxtn h6, s4
    ],
    v: {
      0: '11111111111111112222222222222222', 1: '0123456789abcdeffedcba9876543210',
      2: 'ffffffffffffffffffffffffffffffff', 3: '33333333333333333333333333333333',
      4: '80000000000100000000ffff7fffffff', 5: 'ffffffffffffffffffffffffffffffff',
      6: 'ffffffffffffffffffffffffffffffff',
    },
    expect: {
      0: '2367abefdc9854102222222222222222', 2: '00000000000000004567cdefba983210',
      3: '0000ffffffffffff3333333333333333', 5: '0000000000000000ffffffffffffffff',
      6: '00000000000000000000000000007fff',
    },
    fpsrAfter: 0x8000000,
  },
  {
    name: '64-bit arrangements and scalars clear bits 127:64 of the destination',
    code: [
      0x0e228420, // add v0.8b, v1.8b, v2.8b
      0x0ea21c23, // orr v3.8b, v1.8b, v2.8b
      0x2e021824, // ext v4.8b, v1.8b, v2.8b, #3
      0x0f002645, // movi v5.2s, #0x12, lsl #8
      0x0e1c0426, // dup v6.2s, v1.s[3]
      0x0e023827, // zip1 v7.8b, v1.8b, v2.8b
      0x5ee28428, // add d8, d1, d2
      0x0e22d429, // fadd v9.2s, v1.2s, v2.2s
      0x0e629c2a, // mul v10.4h, v1.4h, v2.4h
      0x2e621c2b, // bsl v11.8b, v1.8b, v2.8b
      0x0e02002c, // tbl v12.8b, {v1.16b}, v2.8b
      0x0e20582d, // cnt v13.8b, v1.8b
      0x5e13042e, // dup b14, v1.b[9]
      0x2e22e42f, // fcmge v15.2s, v1.2s, v2.2s
      0x0f1d0430, // sshr v16.4h, v1.4h, #3
    ],
    v: {
      0: 'a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5', 1: '0123456789abcdef3f80000040000000',
      2: 'fedcba98765432103f80000040400000', 3: 'a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5',
      4: 'a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5', 5: 'a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5',
      6: 'a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5', 7: 'a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5',
      8: 'a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5', 9: 'a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5',
      10: 'a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5', 11: 'a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5',
      12: 'a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5', 13: 'a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5',
      14: 'a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5', 15: 'a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5',
      16: 'a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5',
    },
    expect: {
      0: '00000000000000007e00000080400000', 3: '00000000000000003f80000040400000',
      4: '00000000000000004000003f80000040', 5: '00000000000000000000120000001200',
      6: '00000000000000000123456701234567', 7: '00000000000000004040400000000000',
      8: '00000000000000007f00000080400000', 9: '00000000000000004000000040a00000',
      10: '00000000000000004000000000000000', 11: '00000000000000003f80000040400000',
      12: '00000000000000000000000000000000', 13: '00000000000000000601000001000000',
      14: '000000000000000000000000000000cd', 15: '0000000000000000ffffffff00000000',
      16: '000000000000000007f0000008000000',
    },
    fpsrAfter: 0x0,
  },
  {
    name: 'across-lane reductions: ADDV, SADDLV, UMAXV, SMINV, UADDLV, FMAXNMV, FMINV',
    code: [
      0x4e31b820, // addv b0, v1.16b
      0x4e303822, // saddlv h2, v1.16b
      0x6eb0a883, // umaxv s3, v4.4s
      0x4e71a825, // sminv h5, v1.8h
      0x6eb03886, // uaddlv d6, v4.4s
      0x6e30c907, // fmaxnmv s7, v8.4s
      0x6eb0f909, // fminv s9, v8.4s
      0x0e30a82a, // smaxv b10, v1.8b
    ],
    v: {
      0: 'ffffffffffffffffffffffffffffffff', 1: 'ff807f01fe027f80017fff80c03f10f0',
      2: 'ffffffffffffffffffffffffffffffff', 3: 'ffffffffffffffffffffffffffffffff',
      4: 'ffffffff80000000000000017fffffff', 5: 'ffffffffffffffffffffffffffffffff',
      6: 'ffffffffffffffffffffffffffffffff', 7: 'ffffffffffffffffffffffffffffffff',
      8: '7f800000c00000007fc000003f800000', 9: 'ffffffffffffffffffffffffffffffff',
      10: 'ffffffffffffffffffffffffffffffff',
    },
    expect: {
      0: '000000000000000000000000000000fc', 2: '0000000000000000000000000000fffc',
      3: '000000000000000000000000ffffffff', 5: '0000000000000000000000000000c03f',
      6: '000000000000000000000001ffffffff', 7: '0000000000000000000000007f800000',
      9: '0000000000000000000000007fc00000', 10: '0000000000000000000000000000007f',
    },
    fpsrAfter: 0x0,
  },
  {
    name: 'MOVI, MVNI, ORR, BIC and FMOV (vector, immediate) expand every cmode',
    code: [
      0x4f050560, // movi v0.4s, #0xab
      0x4f052561, // movi v1.4s, #0xab, lsl #8
      0x4f054562, // movi v2.4s, #0xab, lsl #16
      0x0f056563, // movi v3.2s, #0xab, lsl #24
      0x4f001644, // orr v4.4s, #0x12
      0x4f007645, // orr v5.4s, #0x12, lsl #24
      0x4f0685a6, // movi v6.8h, #0xcd
      0x0f06a5a7, // movi v7.4h, #0xcd, lsl #8
      0x4f01b688, // orr v8.8h, #0x34, lsl #8
      0x6f019689, // bic v9.8h, #0x34
      0x4f02c74a, // movi v10.4s, #0x5a, msl #8
      0x0f02d74b, // movi v11.2s, #0x5a, msl #16
      0x4f07e4ec, // movi v12.16b, #0xe7
      0x4f07f68d, // fmov v13.4s, #-1.25
      0x6f04440e, // mvni v14.4s, #0x80, lsl #16
      0x6f0737ef, // bic v15.4s, #0xff, lsl #8
      0x6f03a7f0, // mvni v16.8h, #0x7f, lsl #8
      0x6f01d791, // mvni v17.4s, #0x3c, msl #16
      0x2f05e4b2, // movi d18, #0xff00ff0000ff00ff
      0x6f06e473, // movi v19.2d, #0xffff00000000ffff
      0x6f03f414, // fmov v20.2d, #0.5
      0x0f01f7f5, // fmov v21.2s, #31.0
      0x0f005436, // orr v22.2s, #0x1, lsl #16
      0x2f07b7f7, // bic v23.4h, #0xff, lsl #8
      0x2f000438, // mvni v24.2s, #0x1
    ],
    v: {
      3: 'ffffffffffffffffffffffffffffffff', 4: '0123456789abcdef0123456789abcdef',
      5: '0123456789abcdef0123456789abcdef', 7: 'ffffffffffffffffffffffffffffffff',
      8: '0123456789abcdef0123456789abcdef', 9: 'ffffffffffffffffffffffffffffffff',
      11: 'ffffffffffffffffffffffffffffffff', 15: '0123456789abcdef0123456789abcdef',
      18: 'ffffffffffffffffffffffffffffffff', 21: 'ffffffffffffffffffffffffffffffff',
      22: '0123456789abcdef0123456789abcdef', 23: 'ffffffffffffffffffffffffffffffff',
      24: 'ffffffffffffffffffffffffffffffff',
    },
    expect: {
      0: '000000ab000000ab000000ab000000ab', 1: '0000ab000000ab000000ab000000ab00',
      2: '00ab000000ab000000ab000000ab0000', 3: '0000000000000000ab000000ab000000',
      4: '0123457789abcdff0123457789abcdff', 5: '132345679babcdef132345679babcdef',
      6: '00cd00cd00cd00cd00cd00cd00cd00cd', 7: '0000000000000000cd00cd00cd00cd00',
      8: '35237567bdabfdef35237567bdabfdef', 9: 'ffcbffcbffcbffcbffcbffcbffcbffcb',
      10: '00005aff00005aff00005aff00005aff', 11: '0000000000000000005affff005affff',
      12: 'e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7', 13: 'bfa00000bfa00000bfa00000bfa00000',
      14: 'ff7fffffff7fffffff7fffffff7fffff', 15: '0123006789ab00ef0123006789ab00ef',
      16: '80ff80ff80ff80ff80ff80ff80ff80ff', 17: 'ffc30000ffc30000ffc30000ffc30000',
      18: '0000000000000000ff00ff0000ff00ff', 19: 'ffff00000000ffffffff00000000ffff',
      20: '3fe00000000000003fe0000000000000', 21: '000000000000000041f8000041f80000',
      22: '00000000000000000123456789abcdef', 23: '000000000000000000ff00ff00ff00ff',
      24: '0000000000000000fffffffefffffffe',
    },
    fpsrAfter: 0x0,
  },
  {
    name: 'FMLA, FMLS, FMUL and FMULX by element use the indexed lane and the FPCR rounding mode',
    code: [
      0x4fa21820, // fmla v0.4s, v1.4s, v2.s[3]
      0x4fc55883, // fmls v3.2d, v4.2d, v5.d[1]
      0x0fa29026, // fmul v6.2s, v1.2s, v2.s[1]
      0x6f899107, // fmulx v7.4s, v8.4s, v9.s[0]
      0x5f82182a, // fmla s10, s1, v2.s[2]
    ],
    fpcr: 0xc00000,
    v: {
      0: '3f8000003f8000003f8000003f800000', 1: '7149f2cabdcccccd404000003f800001',
      2: '3f8000013eaaaaab40e000003e99999a', 3: '3c32725dd1d243ac3ff0000000000000',
      4: '3fb999999999999a3ff0000000000000', 5: '3fd33333333333334000000000000000',
      6: 'ffffffffffffffffffffffffffffffff', 8: '3f8000007f8000008000000000000000',
      9: '000000000000000000000000ff800000', 10: 'ffffffffffffffffffffffff3fc00000',
    },
    expect: {
      0: '7149f2cb3f6666664080000040000001', 3: 'bf9eb851eb851eb83fe6666666666666',
      6: '000000000000000041a8000040e00001', 7: 'ff800000ff80000040000000c0000000',
      10: '0000000000000000000000003feaaaab',
    },
    fpsrAfter: 0x10,
  },
  {
    name: 'FCVTN2 narrows doubles into the upper half, FCVTL2 widens the upper half, FCVTXN rounds to odd',
    code: [
      0x4e616820, // fcvtn2 v0.4s, v1.2d
      0x4e617862, // fcvtl2 v2.2d, v3.4s
      0x2e616824, // fcvtxn v4.2s, v1.2d
      0x0e216865, // fcvtn v5.4h, v3.4s
      0x0e2178e6, // fcvtl v6.4s, v7.4h
      0x7e616928, // fcvtxn s8, d9
    ],
    v: {
      0: '11111111222222223f8000003f800000', 1: '47f00000000000003ff0000000000001',
      2: 'ffffffffffffffffffffffffffffffff', 3: '7f8000012edbe6ff477ff0003fc00000',
      4: 'ffffffffffffffffffffffffffffffff', 5: 'ffffffffffffffffffffffffffffffff',
      7: '0000000000000000fe0100017c003c00', 8: 'ffffffffffffffffffffffffffffffff',
      9: '00000000000000003ff0000010000000',
    },
    expect: {
      0: '7f8000003f8000003f8000003f800000', 2: '7ff80000200000003ddb7cdfe0000000',
      4: '00000000000000007f7fffff3f800001', 5: '00000000000000007e0000007c003e00',
      6: 'ffc02000338000007f8000003f800000', 8: '0000000000000000000000003f800001',
    },
    fpsrAfter: 0x1d,
  },
  {
    name: 'FCVTN to half precision honours FPCR.AHP',
    code: [
      0x0e216820, // fcvtn v0.4h, v1.4s
      0x0e217862, // fcvtl v2.4s, v3.4h
    ],
    fpcr: 0x4000000,
    v: {
      0: 'ffffffffffffffffffffffffffffffff', 1: '7fc000007f800000477ff0003fc00000',
      2: 'ffffffffffffffffffffffffffffffff', 3: '0000000000000000fc007c00ffff3c00',
    },
    expect: { 0: '000000000000000000007fff7c003e00', 2: 'c780000047800000c7ffe0003f800000' },
    fpsrAfter: 0x11,
  },
  {
    name: 'UMOV, SMOV, INS and DUP (general) move between general and vector registers',
    code: [
      0x0e1f3c20, // umov w0, v1.b[15]
      0x4e0e2c21, // smov x1, v1.h[3]
      0x0e012c22, // smov w2, v1.b[0]
      0x4e183c23, // umov x3, v1.d[1]
      0x4e0c1c82, // ins v2.s[1], w4
      0x6e180423, // ins v3.d[1], v1.d[0]
      0x4e020c84, // dup v4.8h, w4
      0x4e080c85, // dup v5.2d, x4
      0x6e0f4c26, // mov v6.b[7], v1.b[9]
    ],
    v: {
      1: '8123456789abcdeffedcba98765432f0', 2: 'a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5',
      3: 'a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5', 4: 'a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5',
      5: 'a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5', 6: 'a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5',
    },
    x: {
      0: 0xdeadbeefdeadbeefn, 1: 0xdeadbeefdeadbeefn, 2: 0xdeadbeefdeadbeefn, 3: 0xdeadbeefdeadbeefn,
      4: 0x1122334455667788n,
    },
    expect: {
      2: 'a5a5a5a5a5a5a5a555667788a5a5a5a5', 3: 'fedcba98765432f0a5a5a5a5a5a5a5a5',
      4: '77887788778877887788778877887788', 5: '11223344556677881122334455667788',
      6: 'a5a5a5a5a5a5a5a5cda5a5a5a5a5a5a5',
    },
    expectX: { 0: 0x81n, 1: 0xfffffffffffffedcn, 2: 0xfffffff0n, 3: 0x8123456789abcdefn },
    fpsrAfter: 0x0,
  },
  {
    name: 'ABS and NEG wrap INT_MIN while SQABS and SQNEG saturate it',
    code: [
      0x4ee0b820, // abs v0.2d, v1.2d
      0x4ee07822, // sqabs v2.2d, v1.2d
      0x6ea07883, // sqneg v3.4s, v4.4s
      0x7ee0b825, // neg d5, d1
      0x4ee0a826, // cmlt v6.2d, v1.2d, #0
      0x7e207907, // sqneg b7, b8
      0x4ea03889, // suqadd v9.4s, v4.4s
      0x7ee0396a, // usqadd d10, d11
    ],
    v: {
      1: '80000000000000000000000000000005', 4: '800000007fffffff00000000ffffffff',
      5: 'ffffffffffffffffffffffffffffffff', 8: '00000000000000000000000000000080',
      9: '7fffffff8000000000000001ffffffff', 10: '0000000000000000fffffffffffffff0',
      11: '00000000000000000000000000000020',
    },
    expect: {
      0: '80000000000000000000000000000005', 2: '7fffffffffffffff0000000000000005',
      3: '7fffffff800000010000000000000001', 5: '0000000000000000fffffffffffffffb',
      6: 'ffffffffffffffff0000000000000000', 7: '0000000000000000000000000000007f',
      9: '7fffffffffffffff000000017fffffff', 10: '0000000000000000ffffffffffffffff',
    },
    fpsrAfter: 0x8000000,
  },
  {
    name: 'FADD with FPCR.FZ and DN flushes denormals (IDC, UFC) and returns the default NaN',
    code: [
      0x4e22d420, // fadd v0.4s, v1.4s, v2.4s
      0x6e65dc83, // fmul v3.2d, v4.2d, v5.2d
    ],
    fpcr: 0x3000000,
    v: {
      1: '00800000000000017f80000100000001', 2: '80800001000000023f80000000000000',
      4: '7ff00000000000010010000000000000', 5: '3ff00000000000003fe0000000000000',
    },
    expect: { 0: '80000000000000007fc0000000000000', 3: '7ff80000000000000000000000000000' },
    fpsrAfter: 0x89,
  },
  {
    name: 'FCVTZS, UCVTF, SCVTF and FCVTZU (fixed-point) scale by the fraction bits',
    code: [
      0x4f38fc20, // fcvtzs v0.4s, v1.4s, #8
      0x6f60e462, // ucvtf v2.2d, v3.2d, #32
      0x5f3fe4a4, // scvtf s4, s5, #1
      0x7f40fce6, // fcvtzu d6, d7, #64
      0x4ea1b828, // fcvtzs v8.4s, v1.4s
      0x4e21c829, // fcvtas v9.4s, v1.4s
    ],
    v: {
      1: '7fc00000501502f9c03000003fc00000', 3: 'ffffffffffffffff0000000100000000',
      4: 'ffffffffffffffffffffffffffffffff', 5: '00000000000000000000000080000001',
      6: 'ffffffffffffffffffffffffffffffff', 7: '00000000000000003fe8000000000000',
    },
    expect: {
      0: '000000007ffffffffffffd4000000180', 2: '41f00000000000003ff0000000000000',
      4: '000000000000000000000000ce800000', 6: '0000000000000000c000000000000000',
      8: '000000007ffffffffffffffe00000001', 9: '000000007ffffffffffffffd00000002',
    },
    fpsrAfter: 0x11,
  },
  {
    name: 'SHADD, URHADD, PMUL and SABA lane arithmetic',
    code: [
      0x4e220420, // shadd v0.16b, v1.16b, v2.16b
      0x6e621423, // urhadd v3.8h, v1.8h, v2.8h
      0x6e229c24, // pmul v4.16b, v1.16b, v2.16b
      0x4ea27c25, // saba v5.4s, v1.4s, v2.4s
      0x6ea27026, // uabdl2 v6.2d, v1.4s, v2.4s
      0x4e626427, // smax v7.8h, v1.8h, v2.8h
    ],
    v: {
      1: '80ff7f01fe027f80017fff80c03f10f0', 2: '7f0180ff03fd807f80fe0180c1c01f0f',
      5: '00000001fffffffe7fffffff80000000',
    },
    expect: {
      0: 'ff00ff0000ffffffc03e0080c0ff17ff', 3: '8000800081008000413f8080c1001800',
      4: '80ff80ff02fa808080aaff00c040f050', 5: 'fe0201ff05fb00fd0081fdff81810e1f',
      6: '0000000001fdfe0200000000fa04ff01', 7: '7f017f0103fd7f80017f0180c1c01f0f',
    },
    fpsrAfter: 0x0,
  },
  {
    name: 'pairwise ops read the concatenation Vm:Vn',
    code: [
      0x4ea2bc20, // addp v0.4s, v1.4s, v2.4s
      0x6e25d483, // faddp v3.4s, v4.4s, v5.4s
      0x5ef1b826, // addp d6, v1.2d
      0x7e30d887, // faddp s7, v4.2s
      0x6e602828, // uaddlp v8.4s, v1.8h
      0x4ea06829, // sadalp v9.2d, v1.4s
      0x0e22ac2a, // sminp v10.8b, v1.8b, v2.8b
      0x7e70c98b, // fmaxnmp d11, v12.2d
    ],
    v: {
      1: '80000000ffffffff7fffffff00000001', 2: '00000010000000200000003000000040',
      4: '3f800000400000004040000040800000', 5: '7f80000000000000ff8000003f000000',
      9: 'ffffffffffffffff0000000000000001', 12: '7ff80000000000003ff0000000000000',
    },
    expect: {
      0: '00000030000000707fffffff80000000', 3: '7f800000ff8000004040000040e00000',
      6: '00000000000000000000000000000000', 7: '00000000000000000000000040e00000',
      8: '000080000001fffe00017ffe00000001', 9: 'ffffffff7ffffffe0000000080000001',
      10: '000000000000000000000000ffff0000', 11: '00000000000000003ff0000000000000',
    },
    fpsrAfter: 0x0,
  },
  {
    name: 'ZIP, UZP and TRN interleave the two sources',
    code: [
      0x4e023820, // zip1 v0.16b, v1.16b, v2.16b
      0x4e427823, // zip2 v3.8h, v1.8h, v2.8h
      0x4e821824, // uzp1 v4.4s, v1.4s, v2.4s
      0x0e025825, // uzp2 v5.8b, v1.8b, v2.8b
      0x0e422826, // trn1 v6.4h, v1.4h, v2.4h
      0x4ec26827, // trn2 v7.2d, v1.2d, v2.2d
      0x6e026828, // ext v8.16b, v1.16b, v2.16b, #13
    ],
    v: { 1: '0f0e0d0c0b0a09080706050403020100', 2: '1f1e1d1c1b1a19181716151413121110' },
    expect: {
      0: '17071606150514041303120211011000', 3: '1f1e0f0e1d1c0d0c1b1a0b0a19180908',
      4: '1b1a1918131211100b0a090803020100', 5: '00000000000000001715131107050301',
      6: '00000000000000001514050411100100', 7: '1f1e1d1c1b1a19180f0e0d0c0b0a0908',
      8: '1c1b1a191817161514131211100f0e0d',
    },
    fpsrAfter: 0x0,
  },
  {
    name: 'SRI and SLI keep the destination bits outside the shifted field',
    code: [
      0x6f204420, // sri v0.4s, v1.4s, #32
      0x6f1c4422, // sri v2.8h, v1.8h, #4
      0x7f7f5423, // sli d3, d1, #63
      0x6f085424, // sli v4.16b, v1.16b, #0
      0x4f7f5425, // shl v5.2d, v1.2d, #63
    ],
    v: {
      0: '0123456789abcdef0123456789abcdef', 1: 'fedcba9876543210f0e1d2c3b4a59687',
      2: '0123456789abcdef0123456789abcdef', 3: '0123456789abcdef0123456789abcdef',
      4: '0123456789abcdef0123456789abcdef',
    },
    expect: {
      0: '0123456789abcdef0123456789abcdef', 2: '0fed4ba98765c3210f0e4d2c8b4ac968',
      3: '00000000000000008123456789abcdef', 4: 'fedcba9876543210f0e1d2c3b4a59687',
      5: '00000000000000008000000000000000',
    },
    fpsrAfter: 0x0,
  },
  {
    name: 'high-half narrowing and long multiplies: RADDHN2, RSUBHN, SMLAL2 by element, UMULL, SQDMLSL',
    code: [
      0x6e224020, // raddhn2 v0.16b, v1.8h, v2.8h
      0x2e626023, // rsubhn v3.4h, v1.4s, v2.4s
      0x4f722824, // smlal2 v4.4s, v1.8h, v2.h[7]
      0x2ea2c025, // umull v5.2d, v1.2s, v2.2s
      0x5f527026, // sqdmlsl s6, h1, v2.h[1]
      0x6f620027, // mla v7.8h, v1.8h, v2.h[2]
    ],
    v: {
      0: '0123456789abcdef0123456789abcdef', 1: '80ff7f01fe027f80017fff80c03f10f0',
      2: '7f0180ff03fd807f80fe0180c1c01f0f', 4: '00000001000000020000000300000004',
      6: 'ffffffffffffffff8000000000000000', 7: '11111111111111111111111111111111',
    },
    expect: {
      0: '00000200820182300123456789abcdef', 3: '000000000000000001fefa058082fe7f',
      4: 'c0fe02003f01fe03ff02fc053f40ff84', 5: '00c17cc1c0ff4000917fd2648abf0e10',
      6: '000000000000000000000000083cb800', 7: '8f919291141151114f9151116f917911',
    },
    fpsrAfter: 0x0,
  },
  {
    name: 'FRINT and FCVT* use the rounding of their opcode, FRINTX and FRINTI that of FPCR',
    code: [
      0x6e218820, // frinta v0.4s, v1.4s
      0x4e218822, // frintn v2.4s, v1.4s
      0x6e219823, // frintx v3.4s, v1.4s
      0x4e21b824, // fcvtms v4.4s, v1.4s
      0x6e21c825, // fcvtau v5.4s, v1.4s
      0x6ee198e6, // frinti v6.2d, v7.2d
      0x5ee1a8e8, // fcvtps d8, d7
      0x0e219829, // frintm v9.2s, v1.2s
    ],
    fpcr: 0x400000,
    v: {
      1: 'bfc000003f000000c020000040200000', 7: 'bff199999999999a3ff199999999999a',
      8: 'ffffffffffffffffffffffffffffffff', 9: 'ffffffffffffffffffffffffffffffff',
    },
    expect: {
      0: 'c00000003f800000c040000040400000', 2: 'c000000000000000c000000040000000',
      3: 'bf8000003f800000c000000040400000', 4: 'fffffffe00000000fffffffd00000002',
      5: '00000000000000010000000000000003', 6: 'bff00000000000004000000000000000',
      8: '00000000000000000000000000000002', 9: '0000000000000000c040000040000000',
    },
    fpsrAfter: 0x11,
  },
  {
    name: 'CLS, CLZ, CNT, RBIT, NOT and REV work per element',
    code: [
      0x4ea04820, // cls v0.4s, v1.4s
      0x6e604822, // clz v2.8h, v1.8h
      0x4e205823, // cnt v3.16b, v1.16b
      0x2e605824, // rbit v4.8b, v1.8b
      0x4ea00825, // rev64 v5.4s, v1.4s
      0x4e201826, // rev16 v6.16b, v1.16b
      0x6e205827, // not v7.16b, v1.16b
      0x6e600828, // rev32 v8.8h, v1.8h
    ],
    v: { 1: 'ffff000100000000fff0f00f7fffffff' },
    expect: {
      0: '0000000f0000001f0000000b00000000', 2: '0000000f001000100000000000010000',
      3: '08080001000000000804040407080808', 4: '0000000000000000ff0f0ff0feffffff',
      5: '00000000ffff00017ffffffffff0f00f', 6: 'ffff010000000000f0ff0ff0ff7fffff',
      7: '0000fffeffffffff000f0ff080000000', 8: '0001ffff00000000f00ffff0ffff7fff',
    },
    fpsrAfter: 0x0,
  },
  {
    name: 'FP compares against zero, FACGT and FABD; NaN operands raise IOC in ordered compares',
    code: [
      0x4ea0e820, // fcmlt v0.4s, v1.4s, #0.0
      0x6ea0c822, // fcmge v2.4s, v1.4s, #0.0
      0x6ea4ec23, // facgt v3.4s, v1.4s, v4.4s
      0x6ea4d425, // fabd v5.4s, v1.4s, v4.4s
      0x5ee0d8e6, // fcmeq d6, d7, #0.0
    ],
    v: {
      1: '7fc0000080000000bf80000040000000', 4: '3f800000000000004000000040400000',
      6: 'ffffffffffffffffffffffffffffffff', 7: 'ffffffffffffffff8000000000000000',
    },
    expect: {
      0: '0000000000000000ffffffff00000000', 2: '00000000ffffffff00000000ffffffff',
      3: '00000000000000000000000000000000', 5: '7fc0000000000000404000003f800000',
      6: '0000000000000000ffffffffffffffff',
    },
    fpsrAfter: 0x1,
  },
  {
    name: 'FRECPE, URECPE, URSQRTE, FRECPS and FRECPX',
    code: [
      0x4ea1d820, // frecpe v0.4s, v1.4s
      0x4ea1c862, // urecpe v2.4s, v3.4s
      0x2ea1c864, // ursqrte v4.2s, v3.2s
      0x4e26fc25, // frecps v5.4s, v1.4s, v6.4s
      0x5ea1f827, // frecpx s7, s1
      0x5ee1d928, // frecpe d8, d9
    ],
    v: {
      1: '0000000180000000c0400000407fffff', 3: '3fffffff40000000ffffffff80000000',
      4: 'ffffffffffffffffffffffffffffffff', 6: '3f800000000000003f8000003f000000',
      7: 'ffffffffffffffffffffffffffffffff', 8: 'ffffffffffffffffffffffffffffffff',
      9: '00000000000000000008000000000000',
    },
    expect: {
      0: '7f800000ff800000beaa80003e800000', 2: 'ffffffffffffffff80000000ff800000',
      4: '000000000000000080000000b4800000', 5: '400000004000000040a0000034000000',
      7: '0000000000000000000000003f800000', 8: '00000000000000007fdff00000000000',
    },
    fpsrAfter: 0x16,
  },
  {
    name: 'FRSQRTE gives the 8-bit estimate for even and odd exponents',
    code: [
      0x6ea1d820, // frsqrte v0.4s, v1.4s
      0x7ee1d862, // frsqrte d2, d3
      0x4ea1fc24, // frsqrts v4.4s, v1.4s, v1.4s
    ],
    v: {
      1: '40800000400000003f8000003e800000', 2: 'ffffffffffffffffffffffffffffffff',
      3: '00000000000000004010000000000000',
    },
    expect: {
      0: '3eff80003f3480003f7f80003fff8000', 2: '00000000000000003fdff00000000000',
      4: 'c0d00000bf0000003f8000003fbc0000',
    },
    fpsrAfter: 0x0,
  },
];

const CODE_PA = 0x40000000n;
const VBAR = 0x40010000n;

const hooks: EngineHooks = {
  mmioRead: () => 0n,
  mmioWrite: () => {},
  counter: () => 0n,
  sysregAccess: () => false,
  unimplemented: () => {},
};

let engine: Engine;
before(async () => {
  engine = await createEngine({ ramSize: 0x100000, vcpus: 1, hooks });
});

/** 32 hex digits (most significant first) to the 16 little-endian bytes of a V register. */
function hexToLanes(hex: string): Uint8Array {
  const b = new Uint8Array(16);
  for (let i = 0; i < 16; i++) b[i] = parseInt(hex.slice(30 - 2 * i, 32 - 2 * i), 16);
  return b;
}

function lanesToHex(b: Uint8Array): string {
  let s = '';
  for (let i = 15; i >= 0; i--) s += b[i].toString(16).padStart(2, '0');
  return s;
}

type RunSpec = Pick<SimdCase, 'code' | 'v' | 'x' | 'fpcr' | 'fpsr'>;

/** Reset vCPU 0, load the code at CODE_PA and the register state, run exactly code.length instructions. */
function runCode({ code, v, x = {}, fpcr = 0, fpsr = 0 }: RunSpec): void {
  engine.reset(0);
  engine.setSysreg(0, L.SR_CPACR_EL1, 3n << 20n); // FPEN = 0b11: SIMD&FP enabled at EL0 and EL1
  engine.setSysreg(0, L.SR_VBAR_EL1, VBAR);
  const bytes = new Uint8Array(code.length * 4);
  const view = new DataView(bytes.buffer);
  code.forEach((w, i) => view.setUint32(i * 4, w >>> 0, true));
  engine.writePhys(CODE_PA, bytes);
  engine.setPc(0, CODE_PA);
  for (const [r, hex] of Object.entries(v)) engine.vreg(0, Number(r)).set(hexToLanes(hex));
  for (const [r, val] of Object.entries(x)) engine.setX(0, Number(r), val);
  engine.setU32(0, L.S_FPCR, fpcr);
  engine.setU32(0, L.S_FPSR, fpsr);
  engine.run(0, code.length);
}

for (const c of CASES) {
  test(c.name, () => {
    runCode(c);
    assert.equal(engine.pc(0), CODE_PA + BigInt(4 * c.code.length), 'no instruction took an exception');
    for (const [r, hex] of Object.entries(c.expect)) assert.equal(lanesToHex(engine.vreg(0, Number(r))), hex, `V${r}`);
    for (const [r, val] of Object.entries(c.expectX ?? {})) assert.equal(engine.x(0, Number(r)), val, `X${r}`);
    assert.equal(engine.u32(0, L.S_FPSR), c.fpsrAfter, 'FPSR');
  });
}

test('Crypto, FP16, ARMv8.1 RDM, dot product and unallocated AdvSIMD encodings are UNDEFINED', () => {
  const undefinedWords = [
    0x4e284820, // aese v0.16b, v1.16b
    0x5e020020, // sha1c q0, s1, v2.4s
    0x5e282820, // sha256su0 v0.4s, v1.4s
    0x0ee2e020, // pmull v0.1q, v1.1d, v2.1d
    0x4ee2e020, // pmull2 v0.1q, v1.2d, v2.2d
    0x0e421420, // fadd v0.4h, v1.4h, v2.4h
    0x4ef8f820, // fabs v0.8h, v1.8h
    0x4f021020, // fmla v0.8h, v1.8h, v2.h[0]
    0x4e30c820, // fmaxnmv h0, v1.8h
    0x0f1de420, // scvtf v0.4h, v1.4h, #3
    0x4f03fe00, // fmov v0.8h, #1.0
    0x6e828420, // sqrdmlah v0.4s, v1.4s, v2.4s
    0x6fa2d020, // sqrdmlah v0.4s, v1.4s, v2.s[1]
    0x4e829420, // sdot v0.4s, v1.16b, v2.16b
    0x6fa2e020, // udot v0.4s, v1.16b, v2.4b[1]
    0xce020c20, // eor3 v0.16b, v1.16b, v2.16b, v3.16b
    0x4ee10420, // shadd with size 11 (reserved)
    0x2e024020, // ext v0.8b with imm4<3> = 1 (reserved)
    0x0ee08420, // add v0.1d (size:Q = 110, reserved)
    0x4e100420, // dup (element) with imm5 = x0000 (reserved)
  ];
  for (const w of undefinedWords) {
    runCode({ code: [w], v: { 0: '0123456789abcdef0123456789abcdef' } });
    const what = `0x${w.toString(16)}`;
    assert.equal(engine.pc(0), VBAR + 0x200n, `${what} is taken as a synchronous exception`);
    assert.equal(engine.sysreg(0, L.SR_ESR_EL1) >> 26n, 0n, `${what} reports EC 0 (unknown reason)`);
    assert.equal(lanesToHex(engine.vreg(0, 0)), '0123456789abcdef0123456789abcdef', `${what} leaves V0 alone`);
  }
});

test('SIMD instructions trap with EC 0x07 while CPACR_EL1.FPEN disables them', () => {
  runCode({ code: [0x4e221c20 /* and v0.16b, v1.16b, v2.16b */], v: {} }); // loads the code
  engine.setSysreg(0, L.SR_CPACR_EL1, 0n);
  engine.setPc(0, CODE_PA);
  engine.run(0, 1);
  assert.equal(engine.pc(0), VBAR + 0x200n);
  assert.equal(engine.sysreg(0, L.SR_ESR_EL1) >> 26n, 0x07n);
});
