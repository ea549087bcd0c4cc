// hv/xen/runstate.ts - each vCPU's vcpu_runstate_info (xen/include/public/vcpu.h): the current RUNSTATE_*, when
// it was entered and the nanoseconds spent in each state, kept by the hypervisor and copied to the area the
// guest registered with VCPUOP_register_runstate_memory_area on every state change (Xen updates it when the
// vCPU is scheduled: xen/arch/arm/domain.c update_runstate_area). With VMASST_TYPE_runstate_update_flag the
// copy is bracketed by XEN_RUNSTATE_UPDATE in state_entry_time, so a reader on another vCPU can tell a torn
// copy. Linux's steal clock (drivers/xen/time.c) reads time[runnable] + time[offline].

import {
  RUNSTATE_INFO_SIZE, RUNSTATE_INFO_STATE, RUNSTATE_INFO_STATE_ENTRY_TIME, RUNSTATE_INFO_TIME, RUNSTATE_blocked,
  RUNSTATE_offline, RUNSTATE_runnable, RUNSTATE_running, XEN_RUNSTATE_UPDATE,
} from '../../abi/xen/vcpu.js';

export type RunstateName = 'running' | 'runnable' | 'blocked' | 'offline';
const STATES: readonly RunstateName[] = ['running', 'runnable', 'blocked', 'offline'];
export const RUNSTATE: Readonly<Record<RunstateName, number>> = {
  running: RUNSTATE_running, runnable: RUNSTATE_runnable, blocked: RUNSTATE_blocked, offline: RUNSTATE_offline,
};

export interface RunstateInfo {
  state: RunstateName;
  /** System time (ns) at which `state` was entered. */
  stateEntryTime: bigint;
  /** Nanoseconds spent in running, runnable, blocked, offline (up to stateEntryTime). */
  time: [bigint, bigint, bigint, bigint];
}

export interface RunstateOptions {
  vcpus: number;
  /** Xen's NOW(): system time in nanoseconds. */
  nowNs(): bigint;
  /**
   * Copy bytes to `vcpu`'s registered guest virtual address (through that vCPU's stage-1 tables); false when
   * it does not translate, which is ignored as Xen ignores a failing __copy_to_guest there.
   */
  writeGuest(vcpu: number, va: bigint, data: Uint8Array): boolean;
  /** Is VMASST_TYPE_runstate_update_flag enabled? */
  updateFlag(): boolean;
}

export class Runstates {
  private readonly info: RunstateInfo[];
  /** Registered area per vCPU (guest virtual address), or null. */
  private readonly area: (bigint | null)[];

  constructor(private readonly opts: RunstateOptions) {
    const now = opts.nowNs();
    // vCPU 0 is runnable from creation; the others are down until PSCI CPU_ON (Xen's VPF_down)
    this.info = Array.from({ length: opts.vcpus }, (_, v) => ({
      state: v === 0 ? 'runnable' : 'offline',
      stateEntryTime: now,
      time: [0n, 0n, 0n, 0n] as [bigint, bigint, bigint, bigint],
    }));
    this.area = new Array<bigint | null>(opts.vcpus).fill(null);
  }

  /** vcpu_runstate_get: the vCPU's runstate with the current state's time counted up to now. */
  get(vcpu: number): RunstateInfo {
    const r = this.info[vcpu];
    const now = this.opts.nowNs();
    const time = [...r.time] as [bigint, bigint, bigint, bigint];
    const delta = now - r.stateEntryTime;
    if (delta > 0n) time[RUNSTATE[r.state]] += delta;
    return { state: r.state, stateEntryTime: r.stateEntryTime, time };
  }

  state(vcpu: number): RunstateName {
    return this.info[vcpu].state;
  }

  /** vcpu_runstate_change: account the time of the old state and enter `state`; updates the guest's copy. */
  set(vcpu: number, state: RunstateName): void {
    const r = this.info[vcpu];
    if (r.state === state) return;
    const now = this.opts.nowNs();
    const delta = now - r.stateEntryTime;
    if (delta > 0n) r.time[RUNSTATE[r.state]] += delta;
    r.state = state;
    r.stateEntryTime = now > r.stateEntryTime ? now : r.stateEntryTime;
    this.update(vcpu);
  }

  /** VCPUOP_register_runstate_memory_area: remember `va` and copy the current runstate there at once. */
  register(vcpu: number, va: bigint): void {
    this.area[vcpu] = va;
    this.update(vcpu);
  }

  registeredArea(vcpu: number): bigint | null {
    return this.area[vcpu];
  }

  /** update_runstate_area: copy the runstate out (with the XEN_RUNSTATE_UPDATE bracket when enabled). */
  update(vcpu: number): void {
    const va = this.area[vcpu];
    if (va === null) return;
    const r = this.info[vcpu];
    const bytes = encode(r);
    if (this.opts.updateFlag()) {
      const flagged = new Uint8Array(8);
      new DataView(flagged.buffer).setBigUint64(0, r.stateEntryTime | XEN_RUNSTATE_UPDATE, true);
      if (!this.opts.writeGuest(vcpu, va + BigInt(RUNSTATE_INFO_STATE_ENTRY_TIME), flagged)) return;
      const flaggedEntry = r.stateEntryTime | XEN_RUNSTATE_UPDATE;
      new DataView(bytes.buffer).setBigUint64(RUNSTATE_INFO_STATE_ENTRY_TIME, flaggedEntry, true);
      if (!this.opts.writeGuest(vcpu, va, bytes)) return;
      new DataView(flagged.buffer).setBigUint64(0, r.stateEntryTime, true);
      this.opts.writeGuest(vcpu, va + BigInt(RUNSTATE_INFO_STATE_ENTRY_TIME), flagged);
      return;
    }
    this.opts.writeGuest(vcpu, va, bytes);
  }
}

/** struct vcpu_runstate_info as the guest reads it. */
export function encode(r: RunstateInfo): Uint8Array {
  const out = new Uint8Array(RUNSTATE_INFO_SIZE);
  const v = new DataView(out.buffer);
  v.setInt32(RUNSTATE_INFO_STATE, RUNSTATE[r.state], true);
  v.setBigUint64(RUNSTATE_INFO_STATE_ENTRY_TIME, r.stateEntryTime, true);
  for (let i = 0; i < 4; i++) v.setBigUint64(RUNSTATE_INFO_TIME + 8 * i, r.time[i], true);
  return out;
}

/** Decode a guest's copy (tests, debugging). */
export function decode(bytes: Uint8Array): RunstateInfo & { updating: boolean } {
  const v = new DataView(bytes.buffer, bytes.byteOffset, RUNSTATE_INFO_SIZE);
  const entry = v.getBigUint64(RUNSTATE_INFO_STATE_ENTRY_TIME, true);
  const at = (i: number) => v.getBigUint64(RUNSTATE_INFO_TIME + 8 * i, true);
  const time: [bigint, bigint, bigint, bigint] = [at(0), at(1), at(2), at(3)];
  return {
    state: STATES[v.getInt32(RUNSTATE_INFO_STATE, true)] ?? 'offline',
    stateEntryTime: entry & ~XEN_RUNSTATE_UPDATE,
    updating: (entry & XEN_RUNSTATE_UPDATE) !== 0n,
    time,
  };
}
