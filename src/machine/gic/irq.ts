// machine/gic/irq.ts - per-interrupt state shared by the Distributor (SPIs) and the Redistributors (SGIs and
// PPIs): a bank of 32 * words interrupts kept as bit words, so that "which interrupts could be signalled" is a
// handful of word operations (GIC IHI 0069 4.1 "Interrupt lifecycle", edge- and level-triggered behaviour).

/** Priority bits implemented (ICC_CTLR_EL1.PRIbits + 1): 32 levels, like GIC-500 and Xen's vGIC. */
export const PRIORITY_BITS = 5;
/** Implemented bits of an 8-bit priority field; the low 3 bits are RAZ/WI. */
export const PRIORITY_MASK = (0xff << (8 - PRIORITY_BITS)) & 0xff;

/** Which bit-word register family an access is about (IGROUPR, I[SC]ENABLER, I[SC]PENDR, I[SC]ACTIVER). */
export const BitReg = { Group: 0, Enable: 1, Pending: 2, Active: 3 } as const;
export type BitReg = (typeof BitReg)[keyof typeof BitReg];

export interface IrqBankState {
  /** One entry per 32 interrupts, each an unsigned 32-bit word. */
  group: number[];
  enabled: number[];
  /** Pending state latched by an edge, a write to ISPENDR or an SGI (level interrupts also follow `level`). */
  latch: number[];
  /** Input line level as last set by the device. */
  level: number[];
  active: number[];
  /** 1 = edge-triggered (ICFGR Int_config[1]). */
  edge: number[];
  /** One byte per interrupt. */
  priority: number[];
}

/**
 * A bank of interrupts. Index 0 is the bank's first INTID (0 for a Redistributor, 32 for the Distributor).
 * The bank only stores; the owner (Gicv3) recomputes the CPU interface outputs after a change.
 */
export class IrqBank {
  readonly words: number;
  readonly group: Uint32Array;
  readonly enabled: Uint32Array;
  readonly latch: Uint32Array;
  readonly level: Uint32Array;
  readonly active: Uint32Array;
  readonly edge: Uint32Array;
  readonly priority: Uint8Array;
  /** Bits of `edge` fixed to 1 (SGIs are always edge-triggered: GICR_ICFGR0 is RAO/WI). */
  private readonly edgeFixed: Uint32Array;

  constructor(words: number, edgeFixed: readonly number[] = []) {
    this.words = words;
    this.group = new Uint32Array(words);
    this.enabled = new Uint32Array(words);
    this.latch = new Uint32Array(words);
    this.level = new Uint32Array(words);
    this.active = new Uint32Array(words);
    this.edge = new Uint32Array(words);
    this.priority = new Uint8Array(words * 32);
    this.edgeFixed = new Uint32Array(words);
    edgeFixed.forEach((m, i) => (this.edgeFixed[i] = m));
    this.reset();
  }

  /** Reset values (IHI 0069 chapter 12): everything 0 except the fixed edge configuration. */
  reset(): void {
    for (const a of [this.group, this.enabled, this.latch, this.level, this.active]) a.fill(0);
    this.edge.set(this.edgeFixed);
    this.priority.fill(0);
  }

  /** Pending bits of word `w`: latched, or level-sensitive with the line high. */
  pendingWord(w: number): number {
    return (this.latch[w] | (this.level[w] & ~this.edge[w])) >>> 0;
  }

  /**
   * Interrupts of word `w` that could be signalled: pending, enabled, not active, in an enabled group.
   * `groups` is bit 0 = Group 0 enabled, bit 1 = Group 1 enabled.
   */
  candidates(w: number, groups: number): number {
    const g = this.group[w];
    const grpMask = (groups & 2 ? g : 0) | (groups & 1 ? ~g : 0);
    return (this.pendingWord(w) & this.enabled[w] & ~this.active[w] & grpMask) >>> 0;
  }

  readBits(reg: BitReg, w: number): number {
    switch (reg) {
      case BitReg.Group:
        return this.group[w];
      case BitReg.Enable:
        return this.enabled[w];
      case BitReg.Pending:
        return this.pendingWord(w);
      case BitReg.Active:
        return this.active[w];
    }
  }

  /** A write of 1s to IS* (set = true) or IC* (set = false); for IGROUPR, `set` is ignored and `v` stored. */
  writeBits(reg: BitReg, w: number, v: number, set: boolean): void {
    switch (reg) {
      case BitReg.Group:
        this.group[w] = v;
        return;
      case BitReg.Enable:
        this.enabled[w] = set ? this.enabled[w] | v : this.enabled[w] & ~v;
        return;
      case BitReg.Pending:
        // ICPENDR clears the latch only: a level interrupt whose line is high stays pending.
        this.latch[w] = set ? this.latch[w] | v : this.latch[w] & ~v;
        return;
      case BitReg.Active:
        this.active[w] = set ? this.active[w] | v : this.active[w] & ~v;
        return;
    }
  }

  /** ICFGR register `r` (16 interrupts, 2 bits each; bit 2n+1 = edge, bit 2n RES0). */
  readConfig(r: number): number {
    const w = r >> 1;
    const bits = (this.edge[w] >>> ((r & 1) * 16)) & 0xffff;
    let v = 0;
    for (let i = 0; i < 16; i++) if (bits & (1 << i)) v |= 2 << (2 * i);
    return v >>> 0;
  }

  writeConfig(r: number, v: number): void {
    const w = r >> 1;
    const shift = (r & 1) * 16;
    let bits = 0;
    for (let i = 0; i < 16; i++) if (v & (2 << (2 * i))) bits |= 1 << i;
    const m = (0xffff << shift) >>> 0;
    this.edge[w] = ((this.edge[w] & ~m) | ((bits << shift) & m) | this.edgeFixed[w]) >>> 0;
  }

  /**
   * Drive the input line of interrupt `i`; a rising edge latches an edge-triggered interrupt. Returns false when
   * the line already had that level (nothing changed).
   */
  setLevel(i: number, high: boolean): boolean {
    const w = i >> 5;
    const bit = 1 << (i & 31);
    if (((this.level[w] & bit) !== 0) === high) return false;
    if (high) {
      this.level[w] |= bit;
      if (this.edge[w] & bit) this.latch[w] |= bit;
    } else {
      this.level[w] &= ~bit;
    }
    return true;
  }

  /** Make interrupt `i` pending until acknowledged (an edge, an SGI, a message). */
  latchPending(i: number): void {
    this.latch[i >> 5] |= 1 << (i & 31);
  }

  /** Acknowledge: pending -> active; a level interrupt whose line is still high is active and pending. */
  activate(i: number): void {
    const w = i >> 5;
    const bit = 1 << (i & 31);
    this.latch[w] &= ~bit;
    this.active[w] |= bit;
  }

  deactivate(i: number): void {
    this.active[i >> 5] &= ~(1 << (i & 31));
  }

  isActive(i: number): boolean {
    return (this.active[i >> 5] & (1 << (i & 31))) !== 0;
  }

  isLevel(i: number): boolean {
    return (this.edge[i >> 5] & (1 << (i & 31))) === 0;
  }

  isGroup1(i: number): boolean {
    return (this.group[i >> 5] & (1 << (i & 31))) !== 0;
  }

  save(): IrqBankState {
    return {
      group: Array.from(this.group),
      enabled: Array.from(this.enabled),
      latch: Array.from(this.latch),
      level: Array.from(this.level),
      active: Array.from(this.active),
      edge: Array.from(this.edge),
      priority: Array.from(this.priority),
    };
  }

  restore(s: IrqBankState): void {
    const fit = (name: string, got: number, want: number) => {
      if (got !== want) throw new RangeError(`GIC snapshot: ${name} has ${got} entries, this bank needs ${want}`);
    };
    for (const [name, arr] of [['group', s.group], ['enabled', s.enabled], ['latch', s.latch], ['level', s.level],
      ['active', s.active], ['edge', s.edge]] as const) fit(name, arr.length, this.words);
    fit('priority', s.priority.length, this.words * 32);
    this.group.set(s.group);
    this.enabled.set(s.enabled);
    this.latch.set(s.latch);
    this.level.set(s.level);
    this.active.set(s.active);
    for (let w = 0; w < this.words; w++) this.edge[w] = (s.edge[w] | this.edgeFixed[w]) >>> 0;
    for (let i = 0; i < s.priority.length; i++) this.priority[i] = s.priority[i] & PRIORITY_MASK;
  }
}

// ---- the register families the GICD map and the GICR SGI_base map share (same offsets in both) ----
const IGROUPR = 0x080;
const ISENABLER = 0x100;
const ICENABLER = 0x180;
const ISPENDR = 0x200;
const ICPENDR = 0x280;
const ISACTIVER = 0x300;
const ICACTIVER = 0x380;
const IPRIORITYR = 0x400;
const IPRIORITYR_END = 0x800;
const ICFGR = 0xc00;
const ICFGR_END = 0xd00;

/** Result of a bank register access that is not a plain success. */
export const NOT_MINE = -1; // not one of these registers: the caller decodes it
export const BAD_WIDTH = -2; // one of these registers, at a width it does not support: RAZ/WI

/**
 * Read a register of the shared families (IGROUPR, I[SC]ENABLER, I[SC]PENDR, I[SC]ACTIVER, IPRIORITYR, ICFGR)
 * from `bank`, whose first interrupt is INTID `first` (0 in a Redistributor, 32 in the Distributor). Registers
 * describing interrupts outside the bank are RAZ/WI (GICD's INTIDs 0-31 with ARE = 1, unimplemented SPIs).
 * Returns the 32-bit value, NOT_MINE or BAD_WIDTH.
 */
export function bankRead(bank: IrqBank, first: number, off: number, size: number): number {
  if (off >= IGROUPR && off < IPRIORITYR) {
    if (size !== 4) return BAD_WIDTH;
    const w = wordOf(bank, first, (off & 0x7f) >> 2);
    return w < 0 ? 0 : bank.readBits(bitRegOf(off), w);
  }
  if (off >= IPRIORITYR && off < IPRIORITYR_END) {
    if (size !== 1 && size !== 4) return BAD_WIDTH;
    let v = 0;
    for (let k = 0; k < size; k++) {
      const i = off - IPRIORITYR + k - first;
      if (i >= 0 && i < bank.words * 32) v |= bank.priority[i] << (8 * k);
    }
    return v >>> 0;
  }
  if (off >= ICFGR && off < ICFGR_END) {
    if (size !== 4) return BAD_WIDTH;
    const r = (off - ICFGR) >> 2; // 16 interrupts per register
    const br = r - first / 16;
    return br < 0 || br >= bank.words * 2 ? 0 : bank.readConfig(br);
  }
  return NOT_MINE;
}

/** Write counterpart of bankRead. Returns 1 when state changed, 0 when not, NOT_MINE or BAD_WIDTH. */
export function bankWrite(bank: IrqBank, first: number, off: number, size: number, value: number): number {
  if (off >= IGROUPR && off < IPRIORITYR) {
    if (size !== 4) return BAD_WIDTH;
    const w = wordOf(bank, first, (off & 0x7f) >> 2);
    if (w < 0) return 0;
    const set = off < ICENABLER || (off >= ISPENDR && off < ICPENDR) || (off >= ISACTIVER && off < ICACTIVER);
    bank.writeBits(bitRegOf(off), w, value >>> 0, set);
    return 1;
  }
  if (off >= IPRIORITYR && off < IPRIORITYR_END) {
    if (size !== 1 && size !== 4) return BAD_WIDTH;
    for (let k = 0; k < size; k++) {
      const i = off - IPRIORITYR + k - first;
      if (i >= 0 && i < bank.words * 32) bank.priority[i] = (value >>> (8 * k)) & PRIORITY_MASK;
    }
    return 1;
  }
  if (off >= ICFGR && off < ICFGR_END) {
    if (size !== 4) return BAD_WIDTH;
    const br = ((off - ICFGR) >> 2) - first / 16;
    if (br < 0 || br >= bank.words * 2) return 0;
    bank.writeConfig(br, value >>> 0);
    return 1;
  }
  return NOT_MINE;
}

function bitRegOf(off: number): BitReg {
  if (off < ISENABLER) return BitReg.Group;
  if (off < ISPENDR) return BitReg.Enable;
  if (off < ISACTIVER) return BitReg.Pending;
  return BitReg.Active;
}

/** Bank word for register index `n` of a bit-word family, or -1 when it describes no interrupt of the bank. */
function wordOf(bank: IrqBank, first: number, n: number): number {
  const w = n - first / 32;
  return w >= 0 && w < bank.words ? w : -1;
}
