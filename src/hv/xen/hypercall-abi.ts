// hv/xen/hypercall-abi.ts - what every hypercall handler shares: its signature, the continuation result
// (xen/arch/arm/traps.c: a preempted hypercall rewinds the PC to the HVC with updated argument registers, so the
// guest re-issues it and the work resumes where it stopped) and the C argument types of the Arm convention
// (x0-x4 are 64-bit; `int`/`unsigned int` parameters take the low 32 bits).

import type { XenDomain } from './xen-domain.js';

/** A hypercall needs more calls to finish: re-run it with these x0.. values (hypercall_create_continuation). */
export class Continuation {
  constructor(readonly args: readonly bigint[]) {}
}

/** A handler's answer: the value for x0 (negative Xen errno, or a result), or a continuation. */
export type HypercallResult = number | bigint | Continuation;

/** One hypercall: the calling domain and vCPU and the argument registers x0-x4. */
export type HypercallHandler = (d: XenDomain, vcpu: number, args: readonly bigint[]) => HypercallResult;

export interface HypercallEntry {
  readonly name: string;
  readonly handler: HypercallHandler;
}

/** An `unsigned int` argument (the low 32 bits of the register). */
export function u32(v: bigint): number {
  return Number(v & 0xffffffffn);
}

/** An `int` argument. */
export function i32(v: bigint): number {
  return Number(BigInt.asIntN(32, v));
}

/** A guest handle (pointer) argument: NULL is 0. */
export function isNull(v: bigint): boolean {
  return v === 0n;
}
