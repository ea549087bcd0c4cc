// cpu/as/host.ts - functions the machine supplies to the engine (Wasm imports, module "host").
// They run synchronously inside an instruction; afterwards the run loop re-checks interrupts and S_EXIT_REQ.

/** Read `size` bytes (1, 2, 4, 8) of device memory at guest physical `pa`. */
@external("host", "mmioRead")
export declare function hostMmioRead(vcpu: u32, pa: u64, size: u32): u64;

/** Write `size` bytes of device memory at guest physical `pa`. */
@external("host", "mmioWrite")
export declare function hostMmioWrite(vcpu: u32, pa: u64, size: u32, value: u64): void;

/** The physical count (CNTPCT_EL0) at this instant, in ticks of the vCPU's CNTFRQ. */
@external("host", "counter")
export declare function hostCounter(vcpu: u32): u64;

/**
 * An implementation-defined system register the engine does not model itself (GIC CPU interface ICC_*).
 * `key` is op0:op1:CRn:CRm:op2 packed as in the MRS encoding bits 20:5. Returns 0 when handled; nonzero makes
 * the access UNDEFINED in the guest. For reads the value is left in the vCPU's X register by the host.
 */
@external("host", "sysregAccess")
export declare function hostSysregAccess(vcpu: u32, key: u32, isRead: bool, rt: u32): i32;

/** An encoding the engine does not implement was executed (the host logs each encoding once). */
@external("host", "unimplemented")
export declare function hostUnimplemented(vcpu: u32, pc: u64, insn: u32): void;

/**
 * Translate the block whose first instruction is at guest `pc`, host address `host`, cache entry `entry` (the JIT,
 * src/cpu/jit). Returns the table index of the translation, JIT_FN_PENDING when the host compiles it in the
 * background (it stores the index in the entry later), or JIT_FN_NEVER when its first instruction cannot be
 * translated.
 */
@external("host", "jitTranslate")
export declare function hostJitTranslate(pc: u64, host: u32, entry: u32): i32;
