// cpu/as/mmu.ts - stage-1 translation of the EL1&0 regime, 4 KiB granule (Arm ARM D8 "The AArch64 Virtual
// Memory System Architecture"; pseudocode AArch64.TranslationTableWalk, AArch64.CheckPermission).
// Stage 2 belongs to the hypervisor and is the P2M (memory.ts p2m()).

import {
  SR_SCTLR_EL1, SR_TCR_EL1, SR_TTBR0_EL1, SR_TTBR1_EL1, SR_MAIR_EL1,
} from "../layout";
import { sysreg } from "./state";
import { physRead64, physValue, ACC_READ, ACC_WRITE } from "./memory";
import { FSC_TRANSLATION, FSC_ACCESS_FLAG, FSC_PERMISSION, FSC_ADDR_SIZE } from "./exception";

/** Physical address range implemented: 40 bits (ID_AA64MMFR0_EL1.PARange = 0b0010, as Xen gives guests). */
export const PA_BITS: u32 = 40;

// Outputs of translate()
export let mmuPa: u64 = 0;
export let mmuFsc: u32 = 0;
export let mmuS1ptw: bool = false;
export let mmuPermR: bool = false;
export let mmuPermW: bool = false;
export let mmuPermX: bool = false;
/** Memory type: true for Normal memory, false for Device (Arm ARM B2.7). */
export let mmuNormal: bool = false;
/** log2 of the leaf entry's size: 12 for a page, 21 and 30 for 2 MiB and 1 GiB blocks (the TLB tracks blocks). */
export let mmuLeafShift: u32 = 12;
/** MAIR attribute byte of the translation (for PAR_EL1), and shareability. */
export let mmuAttr: u32 = 0;
export let mmuSh: u32 = 0;

const OA_MASK: u64 = 0x0000fffffffff000;

function fail(fsc: u32): bool {
  mmuFsc = fsc;
  return false;
}

/**
 * Translate `va` for an access of kind `acc` (ACC_*) in `regime` (0 = EL0, 1 = EL1, 2 = EL1 with PAN).
 * On success sets mmuPa and the permission view of that regime; on failure sets mmuFsc and returns false.
 */
export function translate(va: u64, acc: u32, regime: u32): bool {
  mmuS1ptw = false;
  const sctlr = sysreg(SR_SCTLR_EL1);
  if ((sctlr & 1) == 0) {
    // MMU off: flat mapping; data is Device-nGnRnE, instructions Normal (Arm ARM D8.2.10)
    if ((va >> PA_BITS) != 0) return fail(FSC_ADDR_SIZE + 0);
    mmuPa = va;
    mmuLeafShift = 12;
    mmuPermR = true;
    mmuPermW = true;
    mmuPermX = true;
    mmuNormal = false;
    mmuAttr = 0;
    mmuSh = 2;
    return true;
  }
  const tcr = sysreg(SR_TCR_EL1);
  const upper = ((va >> 55) & 1) != 0;
  let tsz: u32, tbi: bool, epd: bool, ttbr: u64;
  if (upper) {
    tsz = <u32>(tcr >> 16) & 0x3f;
    tbi = ((tcr >> 38) & 1) != 0;
    epd = ((tcr >> 23) & 1) != 0;
    ttbr = sysreg(SR_TTBR1_EL1);
  } else {
    tsz = <u32>tcr & 0x3f;
    tbi = ((tcr >> 37) & 1) != 0;
    epd = ((tcr >> 7) & 1) != 0;
    ttbr = sysreg(SR_TTBR0_EL1);
  }
  // TxSZ outside 16..39 is treated as the nearest supported value (Arm ARM D8.1.10, CONSTRAINED UNPREDICTABLE)
  if (tsz < 16) tsz = 16;
  if (tsz > 39) tsz = 39;
  const inputBits: u32 = 64 - tsz;
  // The bits above the input range (up to bit 55 under top-byte ignore) must all equal bit 55
  const n: u32 = (tbi ? 56 : 64) - inputBits;
  const mask: u64 = n >= 64 ? <u64>-1 : (<u64>1 << n) - 1;
  const hi = (va >> inputBits) & mask;
  const expect: u64 = upper ? mask : 0;
  if (hi != expect || epd) return fail(FSC_TRANSLATION + 0);

  // Starting level for the 4 KiB granule: 9 bits resolved per level, 12 bits of page offset
  let level: u32 = inputBits > 39 ? 0 : inputBits > 30 ? 1 : inputBits > 21 ? 2 : 3;
  let table: u64 = ttbr & 0x0000fffffffffff8;
  let apTable: u32 = 0, uxnTable = false, pxnTable = false;
  let desc: u64 = 0;
  while (true) {
    const shift: u32 = 12 + 9 * (3 - level);
    const bits: u32 = level == 0 || shift + 9 > inputBits ? inputBits - shift : 9;
    const idx = (va >> shift) & ((<u64>1 << (bits < 9 ? bits : 9)) - 1);
    const addr = table + (idx << 3);
    if ((addr >> PA_BITS) != 0) return fail(FSC_ADDR_SIZE + level);
    if (!physRead64(addr)) return fail(0x14 + level); // synchronous external abort on table walk
    desc = physValue;
    if ((desc & 1) == 0) return fail(FSC_TRANSLATION + level);
    const isTable = (desc & 2) != 0;
    if (level == 3) {
      if (!isTable) return fail(FSC_TRANSLATION + level); // 0b01 at level 3 is reserved
      break;
    }
    if (!isTable) {
      if (level == 0) return fail(FSC_TRANSLATION + level); // no level-0 blocks with 4 KiB granule
      break;
    }
    if (((desc & OA_MASK) >> PA_BITS) != 0) return fail(FSC_ADDR_SIZE + level);
    apTable |= <u32>(desc >> 61) & 3;
    uxnTable = uxnTable || ((desc >> 60) & 1) != 0;
    pxnTable = pxnTable || ((desc >> 59) & 1) != 0;
    table = desc & OA_MASK;
    level++;
  }
  const blockShift: u32 = 12 + 9 * (3 - level);
  const oa = desc & OA_MASK & ~((<u64>1 << blockShift) - 1);
  if ((oa >> PA_BITS) != 0) return fail(FSC_ADDR_SIZE + level);
  mmuPa = oa | (va & ((<u64>1 << blockShift) - 1));
  mmuLeafShift = blockShift;

  // Memory attributes (MAIR_EL1, Arm ARM D8.5)
  const attrIdx = <u32>(desc >> 2) & 7;
  mmuAttr = <u32>(sysreg(SR_MAIR_EL1) >> (attrIdx << 3)) & 0xff;
  mmuNormal = (mmuAttr & 0xf0) != 0;
  mmuSh = <u32>(desc >> 8) & 3;

  // Access permissions (Arm ARM D8.4, AArch64.CheckPermission for the EL1&0 regime)
  let ap = <u32>(desc >> 6) & 3; // AP[2:1]
  if ((apTable & 1) != 0) ap &= ~1; // APTable[0]: no EL0 access below
  if ((apTable & 2) != 0) ap |= 2; // APTable[1]: read-only below
  const el0Read = (ap & 1) != 0;
  const el0Write = ap == 1;
  const el1Write = (ap & 2) == 0;
  const uxn = uxnTable || ((desc >> 54) & 1) != 0;
  const pxn = pxnTable || ((desc >> 53) & 1) != 0;
  const wxn = ((sctlr >> 19) & 1) != 0;
  if (regime == 0) {
    mmuPermR = el0Read;
    mmuPermW = el0Write;
    mmuPermX = !uxn && !(wxn && el0Write);
  } else {
    mmuPermR = true;
    mmuPermW = el1Write;
    // Memory writable at EL0 is never executable at EL1 (Arm ARM D8.4.2)
    mmuPermX = !pxn && !el0Write && !(wxn && el1Write);
    if (regime == 2 && el0Read) {
      // PSTATE.PAN: EL1 data accesses to EL0-accessible memory fault (Arm ARM D8.4.3)
      mmuPermR = false;
      mmuPermW = false;
    }
  }
  // Access flag: no hardware management (ID_AA64MMFR1_EL1.HAFDBS = 0)
  if (((desc >> 10) & 1) == 0) return fail(FSC_ACCESS_FLAG + level);
  const ok = acc == ACC_READ ? mmuPermR : acc == ACC_WRITE ? mmuPermW : mmuPermX;
  if (!ok) return fail(FSC_PERMISSION + level);
  return true;
}

