// hv/xen/testbed.ts - a test bed for the hypercall layer: a real CPU engine and VirtMachine, a Xen with one
// guest domain attached to a hv/domain.ts Domain, a clock the test moves, and helpers to make a hypercall
// the way the guest does (x16 = number, x0-x4 = arguments, then the HVC exit) and to put data at guest
// addresses. Node-free (layer `hv`): tests pass host/engine-loader.ts createEngine in.

import type { Engine, EngineOptions } from '../../cpu/engine.js';
import { PAGE_SIZE, RAM_BASE_PA } from '../../cpu/layout.js';
import { VirtMachine, type MachineClock } from '../../machine/virt.js';
import { Domain } from '../domain.js';
import { Xen, type XenOptions } from './hypervisor.js';
import type { XenDomain } from './xen-domain.js';

/** A clock whose monotonic and wall time only move when the test says so. */
export class FakeClock implements MachineClock {
  ns = 1_000_000_000n;
  wall = 1_700_000_000.25;
  monotonicNs(): bigint {
    return this.ns;
  }
  wallSeconds(): number {
    return this.wall;
  }
  advance(ns: bigint): void {
    this.ns += ns;
    this.wall += Number(ns) / 1e9;
  }
}

export interface XenTestbed {
  xen: Xen;
  d: XenDomain;
  e: Engine;
  machine: VirtMachine;
  domain: Domain;
  clock: FakeClock;
  wakes: number[];
  /** Make hypercall `nr` from `vcpu` (default 0); returns x0 as a signed number. */
  call(nr: number, args: readonly (bigint | number)[], vcpu?: number): number;
}

export interface TestbedOptions {
  vcpus?: number;
  ramSize?: number;
  xen?: XenOptions;
  maxPages?: number;
}

/** Guest physical scratch addresses (MMU off, so also virtual): 1 MiB into RAM and up. */
export const GUEST = {
  ARG: BigInt(RAM_BASE_PA) + 0x10_0000n,
  BUF: BigInt(RAM_BASE_PA) + 0x11_0000n,
  PAGE: BigInt(RAM_BASE_PA) + 0x20_0000n,
} as const;

export async function xenTestbed(
  create: (opts: EngineOptions) => Promise<Engine>, opts: TestbedOptions = {},
): Promise<XenTestbed> {
  const vcpus = opts.vcpus ?? 1;
  const clock = new FakeClock();
  const wakes: number[] = [];
  const machine = new VirtMachine({ name: 'test', vcpus, clock, onWake: v => wakes.push(v) });
  const e = await create({ ramSize: opts.ramSize ?? 4 << 20, vcpus, hooks: machine.hooks });
  machine.attach(e);
  const xen = new Xen(opts.xen);
  const d = xen.createDomain({
    name: 'guest', engine: e, machine, clock, maxPages: opts.maxPages, onWake: v => wakes.push(v),
  });
  const domain = new Domain({ id: d.id, name: 'guest', engine: e, machine, hypercall: v => d.hypercall(v) });
  d.attach(domain);
  domain.unpause();
  const call = (nr: number, args: readonly (bigint | number)[], vcpu = 0): number => {
    e.setX(vcpu, 16, BigInt(nr));
    args.forEach((a, i) => e.setX(vcpu, i, BigInt(a)));
    d.hypercall(vcpu);
    return Number(BigInt.asIntN(64, e.x(vcpu, 0)));
  };
  return { xen, d, e, machine, domain, clock, wakes, call };
}

/** Little-endian struct builder for hypercall arguments. */
export type Field = [offset: number, bytes: 1 | 2 | 4 | 8, value: number | bigint];

export function struct(size: number, fields: Field[]): Uint8Array {
  const b = new Uint8Array(size);
  const v = new DataView(b.buffer);
  for (const [off, n, val] of fields) {
    if (n === 1) v.setUint8(off, Number(val));
    else if (n === 2) v.setUint16(off, Number(val), true);
    else if (n === 4) v.setUint32(off, Number(BigInt.asUintN(32, BigInt(val))), true);
    else v.setBigUint64(off, BigInt.asUintN(64, BigInt(val)), true);
  }
  return b;
}

/** A DataView over `len` bytes of guest physical memory (through the P2M, as the guest sees it). */
export function guestView(d: XenDomain, pa: bigint, len: number): DataView {
  const page = d.p2m.gfnToHost(Number(pa >> 12n));
  if (page < 0 || (pa & 0xfffn) + BigInt(len) > BigInt(PAGE_SIZE))
    throw new RangeError(`0x${pa.toString(16)} is not mapped`);
  const host = page + Number(pa & 0xfffn);
  return new DataView(d.engine.bytes.buffer, d.engine.bytes.byteOffset + host, len);
}
