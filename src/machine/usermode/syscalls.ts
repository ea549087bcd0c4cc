// machine/usermode/syscalls.ts - the few Linux system calls a static -nostdlib AArch64 program needs, emulated
// for the user-mode runner. Numbers from Linux include/uapi/asm-generic/unistd.h (arm64 uses the generic
// table); errno values from include/uapi/asm-generic/errno-base.h. The ABI (arm64 syscall convention): number
// in X8, arguments in X0-X5, result in X0, negative errno on failure.

export const SYS_WRITE = 64;
export const SYS_EXIT = 93;
export const SYS_EXIT_GROUP = 94;

export const EBADF = 9;
export const EFAULT = 14;
export const EINVAL = 22;
export const ENOSYS = 38;

/** Most bytes one write() may emit: a runaway program must not exhaust the host's memory. */
const MAX_OUTPUT_BYTES = 64 << 20;

/** What the emulation needs from the process it serves. */
export interface SyscallHost {
  /** Copy `length` bytes of the program's memory at virtual `va`, as EL0 sees it; null if not readable. */
  readUser(va: bigint, length: number): Uint8Array | null;
  /** Bytes written to fd 1 or 2. */
  output(fd: number, data: Uint8Array): void;
  /** exit/exit_group: the process ends with this status. */
  exit(status: number): void;
}

export interface SyscallStats {
  calls: number;
  /** System call numbers that got -ENOSYS, with how often. */
  unsupported: Map<number, number>;
}

export function newSyscallStats(): SyscallStats {
  return { calls: 0, unsupported: new Map() };
}

/** Perform system call `nr` with `args` (X0-X5); returns the value for X0. */
export function linuxSyscall(host: SyscallHost, stats: SyscallStats, nr: bigint, args: readonly bigint[]): bigint {
  stats.calls++;
  switch (nr) {
    case BigInt(SYS_WRITE):
      return sysWrite(host, args[0], args[1], args[2]);
    case BigInt(SYS_EXIT):
    case BigInt(SYS_EXIT_GROUP):
      // The status is the low 8 bits, as wait() reports it (kernel/exit.c: (code & 0xff) << 8)
      host.exit(Number(args[0] & 0xffn));
      return 0n;
    default: {
      const n = Number(BigInt.asUintN(32, nr));
      stats.unsupported.set(n, (stats.unsupported.get(n) ?? 0) + 1);
      return -BigInt(ENOSYS);
    }
  }
}

function sysWrite(host: SyscallHost, fd: bigint, buf: bigint, count: bigint): bigint {
  if (fd !== 1n && fd !== 2n) return -BigInt(EBADF);
  // count is a size_t; anything above SSIZE_MAX is EINVAL-like in practice, cap at our output limit
  if (count > BigInt(MAX_OUTPUT_BYTES)) return -BigInt(EINVAL);
  const n = Number(count);
  if (n === 0) return 0n;
  const data = host.readUser(buf, n);
  if (!data) return -BigInt(EFAULT);
  host.output(Number(fd), data);
  return BigInt(n);
}
