// abi/arm/psci.ts - Arm Power State Coordination Interface 1.1 (ARM DEN 0022D) and SMC Calling Convention
// (ARM DEN 0028) function IDs and return codes, as Xen's vpsci.c/vsmc.c serve them to guests.

// SMC32/HVC32 and SMC64/HVC64 function IDs (PSCI 5.1)
export const PSCI_VERSION = 0x84000000;
export const PSCI_CPU_SUSPEND_32 = 0x84000001;
export const PSCI_CPU_SUSPEND_64 = 0xc4000001;
export const PSCI_CPU_OFF = 0x84000002;
export const PSCI_CPU_ON_32 = 0x84000003;
export const PSCI_CPU_ON_64 = 0xc4000003;
export const PSCI_AFFINITY_INFO_32 = 0x84000004;
export const PSCI_AFFINITY_INFO_64 = 0xc4000004;
export const PSCI_MIGRATE_INFO_TYPE = 0x84000006;
export const PSCI_SYSTEM_OFF = 0x84000008;
export const PSCI_SYSTEM_RESET = 0x84000009;
export const PSCI_FEATURES = 0x8400000a;

// SMCCC 1.1 (ARM DEN 0028B 7.x)
export const SMCCC_VERSION = 0x80000000;
export const SMCCC_ARCH_FEATURES = 0x80000001;
export const SMCCC_VERSION_1_1 = 0x10001;

/** PSCI 1.1 as (major << 16) | minor. */
export const PSCI_VERSION_1_1 = 0x10001;

// Return codes (PSCI 5.2.2), as signed 32-bit values sign-extended into x0
export const PSCI_SUCCESS = 0;
export const PSCI_NOT_SUPPORTED = -1;
export const PSCI_INVALID_PARAMETERS = -2;
export const PSCI_DENIED = -3;
export const PSCI_ALREADY_ON = -4;
export const PSCI_ON_PENDING = -5;
export const PSCI_INTERNAL_FAILURE = -6;
export const PSCI_NOT_PRESENT = -7;
export const PSCI_DISABLED = -8;
export const PSCI_INVALID_ADDRESS = -9;

// AFFINITY_INFO results
export const PSCI_AFFINITY_ON = 0;
export const PSCI_AFFINITY_OFF = 1;
export const PSCI_AFFINITY_ON_PENDING = 2;

/** MIGRATE_INFO_TYPE: Trusted OS not present or does not require migration. */
export const PSCI_TOS_NOT_PRESENT_MP = 2;
