// hv/xen/guest-access.ts - copy_from_guest / copy_to_guest (xen/arch/arm/guestcopy.c): every pointer a guest
// passes in a hypercall, including pointers inside structures, is a guest VIRTUAL address that the hypervisor
// translates with the calling vCPU's stage-1 tables (EL1 regime, MMU off = identity), page by page, then through
// the P2M. Any fault (no translation, no permission, not RAM, a read-only overlay page on write) makes the whole
// copy fail before a byte moves, and the handler returns -EFAULT to the guest; nothing here throws on a guest
// address. Frame numbers inside structures are guest frames (GFNs) and go through `gfnToHost`.

import type { Engine } from '../../cpu/engine.js';
import { PAGE_SIZE } from '../../cpu/layout.js';
import { gfnFromGuest, type P2m } from './p2m.js';

const U64_MAX = (1n << 64n) - 1n;
const PAGE = BigInt(PAGE_SIZE);
/** Regime of the translation: EL1 with PAN ignored, as Xen's AT S1E1R/W based copies do. */
const REGIME_EL1 = 1;

export class GuestAccess {
  constructor(
    private readonly engine: Engine,
    private readonly p2m: P2m,
  ) {}

  /**
   * The host ranges holding [va, va + len) as `vcpu` sees it, one per guest page, or null if any page faults.
   * `len` must be small: callers bound the work of one hypercall.
   */
  private chunks(vcpu: number, va: bigint, len: number, write: boolean): { host: number; len: number }[] | null {
    if (len < 0 || !Number.isSafeInteger(len)) return null;
    if (va < 0n || va > U64_MAX || va + BigInt(len) - 1n > U64_MAX) return null;
    const out: { host: number; len: number }[] = [];
    let addr = va;
    let left = len;
    while (left > 0) {
      const inPage = Number(PAGE - (addr % PAGE));
      const n = Math.min(inPage, left);
      const host = this.engine.guestToHost(vcpu, addr, write, REGIME_EL1);
      if (host < 0 || (write && this.p2m.isReadOnlyHost(host))) return null;
      out.push({ host, len: n });
      addr += BigInt(n);
      left -= n;
    }
    return out;
  }

  /** Host address of one byte of guest virtual memory, or -1 (the translation a handler checks alone). */
  translate(vcpu: number, va: bigint, write: boolean): number {
    const c = this.chunks(vcpu, va, 1, write);
    return c ? c[0].host : -1;
  }

  /** copy_from_guest: `len` bytes at `va` as `vcpu` sees them, or null on a fault. */
  read(vcpu: number, va: bigint, len: number): Uint8Array | null {
    const chunks = this.chunks(vcpu, va, len, false);
    if (!chunks) return null;
    const out = new Uint8Array(len);
    let at = 0;
    for (const c of chunks) {
      out.set(this.engine.bytes.subarray(c.host, c.host + c.len), at);
      at += c.len;
    }
    return out;
  }

  /**
   * copy_to_guest: all of `data` to `va`, or nothing and false on a fault. Like any store by another agent, it
   * clears the vCPUs' exclusive monitors, so a guest LDXR/STXR sequence over the same bytes retries.
   */
  write(vcpu: number, va: bigint, data: Uint8Array): boolean {
    const chunks = this.chunks(vcpu, va, data.length, true);
    if (!chunks) return false;
    let at = 0;
    for (const c of chunks) {
      this.engine.bytes.set(data.subarray(at, at + c.len), c.host);
      at += c.len;
    }
    for (let v = 0; v < this.engine.vcpus; v++) this.engine.clearExclusive(v);
    return true;
  }

  /** A structure of `size` bytes copied in from `va` (little-endian DataView over the copy), or null. */
  readStruct(vcpu: number, va: bigint, size: number): DataView | null {
    const b = this.read(vcpu, va, size);
    return b ? new DataView(b.buffer) : null;
  }

  /** Copy a structure (or its first `size` bytes) back out to `va`. */
  writeStruct(vcpu: number, va: bigint, s: DataView, size = s.byteLength): boolean {
    return this.write(vcpu, va, new Uint8Array(s.buffer, s.byteOffset, size));
  }

  /** Element `i` of a guest array of u64 at `va` (a handle's __copy_from_guest_offset), or null. */
  readU64(vcpu: number, va: bigint, i = 0): bigint | null {
    const s = this.readStruct(vcpu, va + BigInt(i) * 8n, 8);
    return s ? s.getBigUint64(0, true) : null;
  }

  /** Element `i` of a guest array of u32 at `va`, or null. */
  readU32(vcpu: number, va: bigint, i = 0): number | null {
    const s = this.readStruct(vcpu, va + BigInt(i) * 4n, 4);
    return s ? s.getUint32(0, true) : null;
  }

  /** Host address of guest frame `gfn` (a frame number from a structure), or -1 if nothing is mapped there. */
  gfnToHost(gfn: bigint, write = false): number {
    const n = gfnFromGuest(gfn);
    return n < 0 ? -1 : this.p2m.gfnToHost(n, write);
  }
}
