// hv/xen/hypercall.ts - the hypercall table and its dispatch (xen/arch/arm/traps.c do_trap_hypercall with the
// arm column of xen/include/hypercall-defs.c): HVC #0xEA1 with the number in x16 and arguments in x0-x4, the
// result in x0. One table maps each number to its handler; a number without one answers -ENOSYS, as do the
// x86-only and deprecated calls. A handler that throws is a broken invariant of the hypervisor, not the guest's
// doing: the domain is crashed with what happened, and the host process carries on (STYLE.md rule 6).

import {
  HYPERVISOR_console_io, HYPERVISOR_event_channel_op, HYPERVISOR_grant_table_op, HYPERVISOR_hvm_op,
  HYPERVISOR_memory_op, HYPERVISOR_sched_op, HYPERVISOR_vcpu_op, HYPERVISOR_vm_assist, HYPERVISOR_xen_version,
  NR_HYPERCALLS, XEN_ENOSYS,
} from '../../abi/xen/xen.js';
import { consoleIo } from './console-io.js';
import { eventChannelOp } from './evtchn-op.js';
import { grantTableOp } from './gnttab-op.js';
import { hvmOp } from './hvm-op.js';
import { Continuation, type HypercallEntry } from './hypercall-abi.js';
import { memoryOp } from './memory-op.js';
import { schedOp } from './sched-op.js';
import { vcpuOp, vmAssist } from './vcpu-op.js';
import { xenVersion } from './version-op.js';
import type { XenDomain } from './xen-domain.js';

/** Number of argument registers (x0-x4). */
const NR_ARGS = 5;

function table(entries: [number, HypercallEntry][]): readonly (HypercallEntry | undefined)[] {
  const t = new Array<HypercallEntry | undefined>(NR_HYPERCALLS).fill(undefined);
  for (const [nr, e] of entries) t[nr] = e;
  return t;
}

/** Hypercalls a guest domain can make (the others, e.g. physdev_op, platform_op, multicall: -ENOSYS). */
export const HYPERCALLS = table([
  [HYPERVISOR_memory_op, { name: 'memory_op', handler: memoryOp }],
  [HYPERVISOR_xen_version, { name: 'xen_version', handler: xenVersion }],
  [HYPERVISOR_console_io, { name: 'console_io', handler: consoleIo }],
  [HYPERVISOR_grant_table_op, { name: 'grant_table_op', handler: grantTableOp }],
  [HYPERVISOR_vm_assist, { name: 'vm_assist', handler: vmAssist }],
  [HYPERVISOR_vcpu_op, { name: 'vcpu_op', handler: vcpuOp }],
  [HYPERVISOR_sched_op, { name: 'sched_op', handler: schedOp }],
  [HYPERVISOR_event_channel_op, { name: 'event_channel_op', handler: eventChannelOp }],
  [HYPERVISOR_hvm_op, { name: 'hvm_op', handler: hvmOp }],
]);

/** Run the hypercall `vcpu` of `d` just made (the engine stopped after its HVC #0xEA1). */
export function dispatchHypercall(d: XenDomain, vcpu: number): void {
  const e = d.engine;
  const nr = e.x(vcpu, 16);
  const entry = nr < BigInt(NR_HYPERCALLS) ? HYPERCALLS[Number(nr)] : undefined;
  if (!entry) {
    d.log.warn(`nr:${nr}`, () => `d${d.id}v${vcpu} unknown hypercall ${nr}`);
    e.setX(vcpu, 0, BigInt(-XEN_ENOSYS));
    return;
  }
  const args: bigint[] = [];
  for (let i = 0; i < NR_ARGS; i++) args.push(e.x(vcpu, i));
  let r;
  try {
    r = entry.handler(d, vcpu, args);
  } catch (err) {
    const what = `hypervisor fault in ${entry.name}(${args.map(a => '0x' + a.toString(16)).join(', ')}) ` +
      `from vcpu${vcpu}: ${(err as Error).stack ?? String(err)}`;
    if (d.domain) d.domain.crash(what);
    else throw err;
    return;
  }
  if (r instanceof Continuation) {
    r.args.forEach((v, i) => e.setX(vcpu, i, v));
    e.setPc(vcpu, e.pc(vcpu) - 4n); // re-execute 'hvc #XEN_HYPERCALL_TAG'
    return;
  }
  e.setX(vcpu, 0, BigInt(r));
}
