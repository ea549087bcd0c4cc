// machine/bus.ts - the guest physical MMIO bus: maps [base, base + size) windows to devices and routes the
// engine's device accesses (EngineHooks.mmioRead/mmioWrite) to them. A guest's mistake (an access to a hole,
// a width or alignment a register does not support) never becomes a host exception: holes go to `onHole`
// (the machine turns them into a guest data abort), bad widths are RAZ/WI with a rate-limited log line.

import type { RateLimitedLog } from '../base/log.js';

/** Access widths, OR-ed into MmioDevice.accessSizes (the value is the width in bytes). */
export const ACCESS_8 = 1;
export const ACCESS_16 = 2;
export const ACCESS_32 = 4;
export const ACCESS_64 = 8;

export interface MmioDevice {
  /** Short name for logs ("gicd", "gicr0", "pl011"). */
  readonly name: string;
  /** Widths the device accepts anywhere in its window (ACCESS_* bits); others are RAZ/WI at the bus. */
  readonly accessSizes: number;
  /** `offset` from the window base; `size` 1, 2, 4 or 8; the result is zero-extended. */
  read(offset: number, size: number, vcpu: number): bigint;
  write(offset: number, size: number, value: bigint, vcpu: number): void;
}

export class MmioBusError extends Error {}

export interface MmioBusOptions {
  /** An access that hits no device; for reads the bus returns 0 after calling it. */
  onHole(vcpu: number, pa: bigint, size: number, isWrite: boolean): void;
  log: RateLimitedLog;
}

interface Window {
  base: number;
  end: number; // exclusive
  device: MmioDevice;
}

/** Guest physical addresses fit a double exactly below 2^53; device windows live far below 2^48. */
const PA_LIMIT = 1n << 48n;

const hex = (v: number | bigint) => '0x' + v.toString(16);

export class MmioBus {
  /** Sorted by base, non-overlapping. */
  private readonly windows: Window[] = [];
  private readonly onHole: MmioBusOptions['onHole'];
  readonly log: RateLimitedLog;

  constructor(opts: MmioBusOptions) {
    this.onHole = opts.onHole;
    this.log = opts.log;
  }

  /** Map `device` at guest physical [base, base + size). Throws MmioBusError when the window overlaps another. */
  map(base: bigint | number, size: number, device: MmioDevice): void {
    const b = Number(base);
    if (!Number.isSafeInteger(b) || b < 0 || BigInt(b) >= PA_LIMIT || !Number.isSafeInteger(size) || size <= 0)
      throw new MmioBusError(`${device.name}: bad MMIO window ${hex(BigInt(base))} size ${size}`);
    const w: Window = { base: b, end: b + size, device };
    for (const o of this.windows)
      if (w.base < o.end && o.base < w.end)
        throw new MmioBusError(`${device.name} at ${hex(w.base)}-${hex(w.end - 1)} overlaps ` +
          `${o.device.name} at ${hex(o.base)}-${hex(o.end - 1)}`);
    this.windows.push(w);
    this.windows.sort((x, y) => x.base - y.base);
  }

  /** The device window containing `pa`, if any (for the machine's own checks and the device-tree writer). */
  find(pa: bigint | number): { base: number; size: number; device: MmioDevice } | undefined {
    const w = this.lookup(Number(pa));
    return w && { base: w.base, size: w.end - w.base, device: w.device };
  }

  read(vcpu: number, pa: bigint, size: number): bigint {
    const w = pa < PA_LIMIT ? this.lookup(Number(pa)) : undefined;
    const off = w ? Number(pa) - w.base : 0;
    if (!w || off + size > w.end - w.base) {
      this.onHole(vcpu, pa, size, false);
      return 0n;
    }
    if (!this.accessOk(w.device, off, size, false)) return 0n;
    return w.device.read(off, size, vcpu);
  }

  write(vcpu: number, pa: bigint, size: number, value: bigint): void {
    const w = pa < PA_LIMIT ? this.lookup(Number(pa)) : undefined;
    const off = w ? Number(pa) - w.base : 0;
    if (!w || off + size > w.end - w.base) {
      this.onHole(vcpu, pa, size, true);
      return;
    }
    if (!this.accessOk(w.device, off, size, true)) return;
    w.device.write(off, size, BigInt.asUintN(size * 8, value), vcpu);
  }

  private accessOk(device: MmioDevice, off: number, size: number, isWrite: boolean): boolean {
    if ((device.accessSizes & size) !== 0 && off % size === 0) return true;
    this.log.warn(`${device.name}:width`, () =>
      `${device.name}: unsupported ${size}-byte ${isWrite ? 'write' : 'read'} at offset ${hex(off)} ignored (RAZ/WI)`,
    );
    return false;
  }

  private lookup(pa: number): Window | undefined {
    const ws = this.windows;
    let lo = 0;
    let hi = ws.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const w = ws[mid];
      if (pa < w.base) hi = mid - 1;
      else if (pa >= w.end) lo = mid + 1;
      else return w;
    }
    return undefined;
  }
}
