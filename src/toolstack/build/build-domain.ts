// toolstack/build/build-domain.ts - builds a domain from a guest description, libxl's job (libxl_create.c,
// libxl_dom.c, libxl_arm.c): create the machine and the engine, place kernel, initrd and device tree in RAM
// (machine/boot/linux-image.ts), and set vCPU 0's boot registers as the arm64 booting protocol requires:
// x0 = DTB address, x1-x3 = 0, EL1h with DAIF masked, MMU off.

import type { Engine, EngineOptions } from '../../cpu/engine.js';
import { parseLinuxImage, planBootLayout } from '../../machine/boot/linux-image.js';
import { domainDtb } from '../../machine/fdt/domain-dt.js';
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
}

export interface BuildHost {
  createEngine(opts: EngineOptions): Promise<Engine>;
  clock: MachineClock;
}

export interface BuildCallbacks {
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
}

/** Build a domain (paused) ready to run from vCPU 0. */
export async function buildDomain(id: number, cfg: GuestConfig, host: BuildHost, cb: BuildCallbacks): Promise<Domain> {
  checkGuestConfig(cfg);
  if (cfg.type !== 'hvm') throw new GuestConfigError(`type = "${cfg.type}" is not available yet: use type = "hvm"`);
  const image = parseLinuxImage(cfg.kernel, cfg.kernelName ?? 'kernel');
  const ramSize = BigInt(cfg.memoryMiB) * MiB;
  const layout = planBootLayout({ image, ramBase: GUEST_RAM0_BASE, ramSize, initrdSize: cfg.initrd?.length ?? 0 });

  const machine = new VirtMachine({
    name: cfg.name, vcpus: cfg.vcpus, clock: host.clock, pl011: true, pl031: true,
    onConsoleOutput: cb.onConsoleOutput, onWake: cb.onWake,
  });
  const engine = await host.createEngine({ ramSize: Number(ramSize), vcpus: cfg.vcpus, hooks: machine.hooks });
  machine.attach(engine);

  engine.writePhys(layout.kernelAddr, image.data);
  let initrd: { start: bigint; end: bigint } | undefined;
  if (cfg.initrd && layout.initrdAddr !== undefined) {
    engine.writePhys(layout.initrdAddr, cfg.initrd);
    initrd = { start: layout.initrdAddr, end: layout.initrdAddr + BigInt(cfg.initrd.length) };
  }
  const dtb = domainDtb({ vcpus: cfg.vcpus, memory: ramSize, bootargs: cfg.cmdline, initrd, pl011: true, pl031: true });
  engine.writePhys(layout.dtbAddr, dtb);

  engine.setPc(0, layout.entry);
  engine.setX(0, 0, layout.dtbAddr);
  return new Domain({ id, name: cfg.name, engine, machine });
}
