// abi/arm/sysreg.ts - Arm ARM (DDI 0487) system register encodings ("op0 == 0b11" space) and GIC IHI 0069 ICC_*,
// as keys: MRS/MSR instruction bits 20:5 = op0[1:0]:op1:CRn:CRm:op2, which is what the engine passes to
// EngineHooks.sysregAccess (src/cpu/as/host.ts). Linux's arch/arm64/include/asm/sysreg.h is the cross-check.

/** The key of system register S<op0>_<op1>_C<crn>_C<crm>_<op2>. */
export function sysregKey(op0: number, op1: number, crn: number, crm: number, op2: number): number {
  return ((op0 & 3) << 14) | ((op1 & 7) << 11) | ((crn & 15) << 7) | ((crm & 15) << 3) | (op2 & 7);
}

/** Printable S3_0_C12_C12_0-style name of a key, for logs. */
export function sysregName(key: number): string {
  return `S${(key >> 14) & 3}_${(key >> 11) & 7}_C${(key >> 7) & 15}_C${(key >> 3) & 15}_${key & 7}`;
}

// ---- GIC CPU interface, EL1 (IHI 0069 chapter 12, AArch64 System register descriptions) ----
export const ICC_PMR_EL1 = sysregKey(3, 0, 4, 6, 0);
export const ICC_IAR0_EL1 = sysregKey(3, 0, 12, 8, 0);
export const ICC_EOIR0_EL1 = sysregKey(3, 0, 12, 8, 1);
export const ICC_HPPIR0_EL1 = sysregKey(3, 0, 12, 8, 2);
export const ICC_BPR0_EL1 = sysregKey(3, 0, 12, 8, 3);
export const ICC_AP0R0_EL1 = sysregKey(3, 0, 12, 8, 4); // AP0R<n>: op2 = 4 + n
export const ICC_AP0R1_EL1 = sysregKey(3, 0, 12, 8, 5);
export const ICC_AP0R2_EL1 = sysregKey(3, 0, 12, 8, 6);
export const ICC_AP0R3_EL1 = sysregKey(3, 0, 12, 8, 7);
export const ICC_AP1R0_EL1 = sysregKey(3, 0, 12, 9, 0); // AP1R<n>: op2 = n
export const ICC_AP1R1_EL1 = sysregKey(3, 0, 12, 9, 1);
export const ICC_AP1R2_EL1 = sysregKey(3, 0, 12, 9, 2);
export const ICC_AP1R3_EL1 = sysregKey(3, 0, 12, 9, 3);
export const ICC_NMIAR1_EL1 = sysregKey(3, 0, 12, 9, 5); // GICv3.3 NMIs, not implemented
export const ICC_DIR_EL1 = sysregKey(3, 0, 12, 11, 1);
export const ICC_RPR_EL1 = sysregKey(3, 0, 12, 11, 3);
export const ICC_SGI1R_EL1 = sysregKey(3, 0, 12, 11, 5);
export const ICC_ASGI1R_EL1 = sysregKey(3, 0, 12, 11, 6);
export const ICC_SGI0R_EL1 = sysregKey(3, 0, 12, 11, 7);
export const ICC_IAR1_EL1 = sysregKey(3, 0, 12, 12, 0);
export const ICC_EOIR1_EL1 = sysregKey(3, 0, 12, 12, 1);
export const ICC_HPPIR1_EL1 = sysregKey(3, 0, 12, 12, 2);
export const ICC_BPR1_EL1 = sysregKey(3, 0, 12, 12, 3);
export const ICC_CTLR_EL1 = sysregKey(3, 0, 12, 12, 4);
export const ICC_SRE_EL1 = sysregKey(3, 0, 12, 12, 5);
export const ICC_IGRPEN0_EL1 = sysregKey(3, 0, 12, 12, 6);
export const ICC_IGRPEN1_EL1 = sysregKey(3, 0, 12, 12, 7);

// CNTV_CTL_EL0 / CNTP_CTL_EL0 fields (Arm ARM, "CNTV_CTL_EL0, Counter-timer Virtual Timer Control register");
// the engine keeps the timer registers themselves (SR_CNT* slots in src/cpu/layout.ts).
export const CNT_CTL_ENABLE = 1;
export const CNT_CTL_IMASK = 2;
export const CNT_CTL_ISTATUS = 4;
