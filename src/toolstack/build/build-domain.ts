// toolstack/build/build-domain.ts - builds a domain from a guest description, libxl's job (libxl_create.c,
// libxl_dom.c, libxl_arm.c): create the machine and the engine, place kernel, initrd and device tree in RAM
// (machine/boot/linux-image.ts), and set vCPU 0's boot registers as the arm64 booting protocol requires:
// x0 = DTB address, x1-x3 = 0, EL1h with DAIF masked, MMU off. The steps every guest type shares are here
// (`createGuestMachine`, `loadGuest`); an hvm guest is built by `buildDomain`, a pvh guest by build-pvh.ts.

import { DEFAULT_JIT_THRESHOLD, type Engine, type EngineOptions } from '../../cpu/engine.js';
import { parseLinuxImage, planBootLayout, type BootLayout, type LinuxImage } from '../../machine/boot/linux-image.js';
import { domainDtb, type DomainDtConfig } from '../../machine/fdt/domain-dt.js';
import { GUEST_RAM0_BASE, GUEST_RAM0_SIZE } from '../../machine/memmap.js';
import { VirtMachine, type MachineClock } from '../../machine/virt.js';
import { Domain } from '../../hv/domain.js';

export type GuestType = 'hvm' | 'pvh';

export interface GuestConfig {
  name: string;
  type: GuestType;
  memoryMiB: number;
  vcpus: number;
  kernel: Uint8Array;
  kernelName?: string;
  initrd?: Uint8Array;
  cmdline: string;
  /** pvh only: the emulated SBSA UART at 0x22000000 for early debugging (xl.cfg `vuart = "sbsa_uart"`). */
  vuart?: boolean;
  /** Translate hot guest code to WebAssembly (the CPU engine's JIT tier); false: the interpreter alone. Default true. */
  jit?: boolean;
}

export interface BuildHost {
  createEngine(opts: EngineOptions): Promise<Engine>;
  clock: MachineClock;
}

export interface BuildCallbacks {
  /** Bytes of the emulated UART (hvm, or a pvh guest's vuart). */
  onConsoleOutput(bytes: Uint8Array): void;
  onWake(vcpu: number): void;
}

export class GuestConfigError extends Error {}

const MiB = 1n << 20n;

export function checkGuestConfig(cfg: GuestConfig): void {
  if (!Number.isInteger(cfg.memoryMiB) || cfg.memoryMiB < 32)
    throw new GuestConfigError(`memory = ${cfg.memoryMiB} MiB: a guest needs at least 32 MiB`);
  if (BigInt(cfg.memoryMiB) * MiB > GUEST_RAM0_SIZE)
    throw new GuestConfigError(`memory = ${cfg.memoryMiB} MiB: at most ${GUEST_RAM0_SIZE / MiB} MiB (RAM bank 0; a wasm32 domain is limited to 4 GiB)`);
  if (!Number.isInteger(cfg.vcpus) || cfg.vcpus < 1 || cfg.vcpus > 32)
    throw new GuestConfigError(`vcpus = ${cfg.vcpus}: must be between 1 and 32`);
  if (cfg.vuart && cfg.type !== 'pvh')
    throw new GuestConfigError('vuart is for pvh guests: an hvm guest always has its PL011 UART');
}

/** A machine with its engine, and where the kernel, initrd and device tree go in its RAM. */
export interface GuestMachine {
  machine: VirtMachine;
  engine: Engine;
  ramSize: bigint;
  image: LinuxImage;
  layout: BootLayout;
}

/** Check the config, parse the kernel, plan the boot layout, and create the machine and its engine. */
export async function createGuestMachine(cfg: GuestConfig, host: BuildHost, devices: { pl011: boolean; pl031: boolean },
  cb: BuildCallbacks): Promise<GuestMachine> {
  checkGuestConfig(cfg);
  const image = parseLinuxImage(cfg.kernel, cfg.kernelName ?? 'kernel');
  const ramSize = BigInt(cfg.memoryMiB) * MiB;
  const layout = planBootLayout({ image, ramBase: GUEST_RAM0_BASE, ramSize, initrdSize: cfg.initrd?.length ?? 0 });
  const machine = new VirtMachine({
    name: cfg.name, vcpus: cfg.vcpus, clock: host.clock, pl011: devices.pl011, pl031: devices.pl031,
    onConsoleOutput: cb.onConsoleOutput, onWake: cb.onWake,
  });
  const engine = await host.createEngine({
    ramSize: Number(ramSize), vcpus: cfg.vcpus, hooks: machine.hooks,
    jitThreshold: cfg.jit === false ? 0 : DEFAULT_JIT_THRESHOLD,
  });
  machine.attach(engine);
  return { machine, engine, ramSize, image, layout };
}

/**
 * Put kernel, initrd and the device tree (`dt`: the guest type's devices) in RAM and point vCPU 0 at the kernel
 * with x0 = DTB address (xg_dom_armzimageloader.c, xg_dom_arm.c; Documentation/arm64/booting.rst).
 */
export function loadGuest(gm: GuestMachine, cfg: GuestConfig,
  dt: Omit<DomainDtConfig, 'vcpus' | 'memory' | 'bootargs' | 'initrd'>): void {
  const { engine, layout, image } = gm;
  engine.writePhys(layout.kernelAddr, image.data);
  let initrd: { start: bigint; end: bigint } | undefined;
  if (cfg.initrd && layout.initrdAddr !== undefined) {
    engine.writePhys(layout.initrdAddr, cfg.initrd);
    initrd = { start: layout.initrdAddr, end: layout.initrdAddr + BigInt(cfg.initrd.length) };
  }
  const dtb = domainDtb({ vcpus: cfg.vcpus, memory: gm.ramSize, bootargs: cfg.cmdline, initrd, ...dt });
  engine.writePhys(layout.dtbAddr, dtb);
  engine.setPc(0, layout.entry);
  engine.setX(0, 0, layout.dtbAddr);
}

/** Build an hvm domain (paused) ready to run from vCPU 0: PL011 and PL031, no /hypervisor node. */
export async function buildDomain(id: number, cfg: GuestConfig, host: BuildHost, cb: BuildCallbacks): Promise<Domain> {
  if (cfg.type !== 'hvm') throw new GuestConfigError(`type = "${cfg.type}": build it with buildPvhDomain (build-pvh.ts)`);
  const gm = await createGuestMachine(cfg, host, { pl011: true, pl031: true }, cb);
  loadGuest(gm, cfg, { pl011: true, pl031: true });
  return new Domain({ id, name: cfg.name, engine: gm.engine, machine: gm.machine });
}
