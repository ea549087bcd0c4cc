// hv/vpsci.ts - the PSCI 1.1 and SMCCC 1.1 firmware interface a guest reaches with HVC #0 (ARM DEN 0022D;
// Xen's xen/arch/arm/vpsci.c and vsmc.c). Function ID in w0, arguments in x1-x3, result in x0.

import * as P from '../abi/arm/psci.js';

export type VcpuPower = 'on' | 'off' | 'on-pending';

/** What PSCI needs of a domain. */
export interface PsciDomain {
  readonly vcpuCount: number;
  /** MPIDR_EL1 affinity bits (Aff3..Aff0) of vCPU `i`. */
  affinityOf(i: number): bigint;
  powerState(i: number): VcpuPower;
  /** Start vCPU `i` at `entry` with x0 = `context`, EL1h, interrupts masked, MMU off. */
  cpuOn(i: number, entry: bigint, context: bigint): void;
  /** Power off the calling vCPU (it stops running after this call). */
  cpuOff(i: number): void;
  systemOff(): void;
  systemReset(): void;
}

const MPIDR_AFF_MASK = 0xff00ffffffn; // Aff3 (39:32), Aff2..Aff0 (23:0)

/** Sign-extend a PSCI status into the 64-bit x0 value. */
function status(v: number): bigint {
  return BigInt.asUintN(64, BigInt(v));
}

function vcpuByAffinity(d: PsciDomain, mpidr: bigint): number {
  const want = mpidr & MPIDR_AFF_MASK;
  for (let i = 0; i < d.vcpuCount; i++) if (d.affinityOf(i) === want) return i;
  return -1;
}

/** Handle one PSCI/SMCCC call from vCPU `caller`; returns the value for x0. */
export function psciCall(d: PsciDomain, caller: number, fid: number, x1: bigint, x2: bigint, x3: bigint): bigint {
  switch (fid >>> 0) {
    case P.PSCI_VERSION:
      return BigInt(P.PSCI_VERSION_1_1);
    case P.SMCCC_VERSION:
      return BigInt(P.SMCCC_VERSION_1_1);
    case P.PSCI_CPU_ON_32:
    case P.PSCI_CPU_ON_64: {
      const is32 = fid >>> 0 === P.PSCI_CPU_ON_32;
      const target = vcpuByAffinity(d, is32 ? x1 & 0xffffffffn : x1);
      if (target < 0) return status(P.PSCI_INVALID_PARAMETERS);
      const st = d.powerState(target);
      if (st === 'on') return status(P.PSCI_ALREADY_ON);
      if (st === 'on-pending') return status(P.PSCI_ON_PENDING);
      const entry = is32 ? x2 & 0xffffffffn : x2;
      if ((entry & 3n) !== 0n) return status(P.PSCI_INVALID_ADDRESS);
      d.cpuOn(target, entry, is32 ? x3 & 0xffffffffn : x3);
      return status(P.PSCI_SUCCESS);
    }
    case P.PSCI_CPU_OFF:
      d.cpuOff(caller);
      return status(P.PSCI_SUCCESS); // not seen by the guest: the vCPU is off
    case P.PSCI_AFFINITY_INFO_32:
    case P.PSCI_AFFINITY_INFO_64: {
      // Only level 0 (x2 = 0) affinity is supported, as in Xen
      if (x2 !== 0n) return status(P.PSCI_INVALID_PARAMETERS);
      const target = vcpuByAffinity(d, x1);
      if (target < 0) return status(P.PSCI_INVALID_PARAMETERS);
      const st = d.powerState(target);
      return BigInt(st === 'on' ? P.PSCI_AFFINITY_ON : st === 'off' ? P.PSCI_AFFINITY_OFF : P.PSCI_AFFINITY_ON_PENDING);
    }
    case P.PSCI_MIGRATE_INFO_TYPE:
      return BigInt(P.PSCI_TOS_NOT_PRESENT_MP);
    case P.PSCI_SYSTEM_OFF:
      d.systemOff();
      return status(P.PSCI_SUCCESS);
    case P.PSCI_SYSTEM_RESET:
      d.systemReset();
      return status(P.PSCI_SUCCESS);
    case P.PSCI_FEATURES:
      return status(psciFeatures(Number(x1 & 0xffffffffn)));
    case P.SMCCC_ARCH_FEATURES:
      // No firmware workarounds are offered (ARCH_WORKAROUND_1/2/3): not required on this CPU
      return status(P.PSCI_NOT_SUPPORTED);
    default:
      return status(P.PSCI_NOT_SUPPORTED);
  }
}

/** PSCI_FEATURES: 0 for implemented functions (no feature flags), NOT_SUPPORTED otherwise (PSCI 5.1.14). */
function psciFeatures(fid: number): number {
  switch (fid >>> 0) {
    case P.PSCI_VERSION: case P.PSCI_CPU_OFF: case P.PSCI_CPU_ON_32: case P.PSCI_CPU_ON_64:
    case P.PSCI_AFFINITY_INFO_32: case P.PSCI_AFFINITY_INFO_64: case P.PSCI_MIGRATE_INFO_TYPE:
    case P.PSCI_SYSTEM_OFF: case P.PSCI_SYSTEM_RESET: case P.PSCI_FEATURES: case P.SMCCC_VERSION:
      return 0;
    default:
      return P.PSCI_NOT_SUPPORTED;
  }
}
