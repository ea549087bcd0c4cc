// cpu/unimplemented-log.ts - reports each instruction encoding the engine does not implement once (the guest
// already received an Undefined Instruction exception for it). Keyed by the encoding, so a guest looping on the
// same instruction cannot flood the log; the count of distinct encodings is bounded too.

import { Logger } from '../base/log.js';

const MAX_DISTINCT = 1000;

export class UnimplementedLog {
  private readonly seen = new Set<number>();
  private readonly log: Logger;

  constructor(domain: string) {
    this.log = new Logger(`${domain}/cpu`);
  }

  report(vcpu: number, pc: bigint, insn: number): void {
    if (this.seen.has(insn) || this.seen.size >= MAX_DISTINCT) return;
    this.seen.add(insn);
    this.log.warn(`vcpu${vcpu}: unimplemented instruction 0x${insn.toString(16).padStart(8, '0')} at pc 0x` +
      `${pc.toString(16)} (undefined instruction exception delivered to the guest)`);
  }

  /** Distinct encodings reported so far. */
  get encodings(): number[] {
    return [...this.seen];
  }
}
