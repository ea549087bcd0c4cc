// machine/fdt/domain-dt.ts - the device tree a domain boots with. Node names, properties and order follow what
// Xen's toolstack gives a domU (tools/libs/light/libxl_arm.c; shared/reference/xen-4.17-arm64/domU-fdt.dts),
// with the emulated devices of an hvm guest (PL011, PL031) added in the style of QEMU's virt machine.

import { GIC_PPI, GIC_SPI, IRQ_TYPE_LEVEL_HIGH, IRQ_TYPE_LEVEL_LOW } from '../../abi/fdt/fdt.js';
import {
  GUEST_GICV3_GICD_BASE, GUEST_GICV3_GICD_SIZE, GUEST_GICV3_GICR0_BASE, GUEST_GICV3_GICR0_SIZE,
  GUEST_GNTTAB_BASE, GUEST_GNTTAB_SIZE, GUEST_PL011_BASE, GUEST_PL011_SIZE, GUEST_PL011_SPI, GUEST_PL031_BASE,
  GUEST_PL031_SIZE, GUEST_PL031_SPI, GUEST_RAM0_BASE, PHANDLE_APB_PCLK, PHANDLE_GIC, PPI_PHYS_TIMER,
  PPI_SEC_PHYS_TIMER, PPI_VIRT_TIMER, PPI_XEN_EVENTS, vcpuAffinity,
} from '../memmap.js';
import { buildFdt, cells, cells64, empty, node, str, type FdtNode } from './fdt.js';

export interface DomainDtConfig {
  vcpus: number;
  /** Bytes of RAM at GUEST_RAM0_BASE. */
  memory: bigint;
  bootargs: string;
  initrd?: { start: bigint; end: bigint };
  /** PL011 UART (hvm guests, or a pvh guest's `vuart`). */
  pl011?: boolean;
  /** PL031 RTC (hvm guests). */
  pl031?: boolean;
  /** The /hypervisor node (pvh and PVHVM guests): Xen version as "major.minor". */
  xen?: { version: string };
  /** Guest-visible model name; Xen uses "XENVM-<version>". */
  model?: string;
}

/** Cells for a GIC interrupt specifier: PPIs carry the CPU mask 0xf in bits 15:8 as Xen writes them. */
function ppi(intid: number, type: number): number[] {
  return [GIC_PPI, intid - 16, 0xf00 | type];
}
function spi(intid: number, type: number): number[] {
  return [GIC_SPI, intid - 32, type];
}

function cpusNode(n: number): FdtNode {
  const cpus: FdtNode[] = [];
  for (let i = 0; i < n; i++) {
    const aff = vcpuAffinity(i);
    cpus.push(node(`cpu@${aff.toString(16)}`, {
      device_type: str('cpu'),
      compatible: str('arm,armv8'),
      'enable-method': str('psci'),
      reg: cells(aff),
    }));
  }
  return node('cpus', { '#address-cells': cells(1), '#size-cells': cells(0) }, cpus);
}

function gicNode(): FdtNode {
  return node(`interrupt-controller@${GUEST_GICV3_GICD_BASE.toString(16)}`, {
    compatible: str('arm,gic-v3'),
    '#interrupt-cells': cells(3),
    '#address-cells': cells(0),
    'interrupt-controller': empty(),
    reg: cells64(GUEST_GICV3_GICD_BASE, GUEST_GICV3_GICD_SIZE, GUEST_GICV3_GICR0_BASE, GUEST_GICV3_GICR0_SIZE),
    'linux,phandle': cells(PHANDLE_GIC),
    phandle: cells(PHANDLE_GIC),
  });
}

/** An AMBA PrimeCell device; Linux's AMBA bus needs the "apb_pclk" clock to probe it (drivers/amba/bus.c). */
function primecell(name: string, compatible: string, base: bigint, size: bigint, intid: number,
  clockNames: string[]): FdtNode {
  return node(`${name}@${base.toString(16)}`, {
    compatible: str(compatible, 'arm,primecell'),
    reg: cells64(base, size),
    interrupts: cells(...spi(intid, IRQ_TYPE_LEVEL_HIGH)),
    'interrupt-parent': cells(PHANDLE_GIC),
    clocks: cells(...clockNames.map(() => PHANDLE_APB_PCLK)),
    'clock-names': str(...clockNames),
  });
}

export function domainDeviceTree(cfg: DomainDtConfig): FdtNode {
  const chosen: Record<string, Uint8Array> = { bootargs: str(cfg.bootargs) };
  if (cfg.pl011) chosen['stdout-path'] = str(`/pl011@${GUEST_PL011_BASE.toString(16)}`);
  if (cfg.initrd) {
    chosen['linux,initrd-start'] = cells64(cfg.initrd.start);
    chosen['linux,initrd-end'] = cells64(cfg.initrd.end);
  }
  const children: FdtNode[] = [
    node('chosen', chosen),
    cpusNode(cfg.vcpus),
    node('psci', {
      compatible: str('arm,psci-1.0', 'arm,psci-0.2', 'arm,psci'),
      method: str('hvc'),
      cpu_off: cells(1),
      cpu_on: cells(2),
    }),
    node(`memory@${GUEST_RAM0_BASE.toString(16)}`, {
      device_type: str('memory'),
      reg: cells64(GUEST_RAM0_BASE, cfg.memory),
    }),
    gicNode(),
    node('timer', {
      compatible: str('arm,armv8-timer'),
      interrupts: cells(
        ...ppi(PPI_SEC_PHYS_TIMER, IRQ_TYPE_LEVEL_LOW),
        ...ppi(PPI_PHYS_TIMER, IRQ_TYPE_LEVEL_LOW),
        ...ppi(PPI_VIRT_TIMER, IRQ_TYPE_LEVEL_LOW),
      ),
      'interrupt-parent': cells(PHANDLE_GIC),
    }),
  ];
  if (cfg.pl011 || cfg.pl031) {
    children.push(node('apb-pclk', {
      compatible: str('fixed-clock'),
      '#clock-cells': cells(0),
      'clock-frequency': cells(24000000),
      'clock-output-names': str('clk24mhz'),
      phandle: cells(PHANDLE_APB_PCLK),
    }));
  }
  if (cfg.pl011) children.push(primecell('pl011', 'arm,pl011', GUEST_PL011_BASE, GUEST_PL011_SIZE, GUEST_PL011_SPI,
    ['uartclk', 'apb_pclk']));
  if (cfg.pl031) children.push(primecell('pl031', 'arm,pl031', GUEST_PL031_BASE, GUEST_PL031_SIZE, GUEST_PL031_SPI,
    ['apb_pclk']));
  if (cfg.xen) {
    children.push(node('hypervisor', {
      compatible: str(`xen,xen-${cfg.xen.version}`, 'xen,xen'),
      reg: cells64(GUEST_GNTTAB_BASE, GUEST_GNTTAB_SIZE),
      interrupts: cells(...ppi(PPI_XEN_EVENTS, IRQ_TYPE_LEVEL_LOW)),
      'interrupt-parent': cells(PHANDLE_GIC),
    }));
  }
  const model = cfg.model ?? (cfg.xen ? `XENVM-${cfg.xen.version}` : 'tsxen-virt');
  const compatible = cfg.xen ? str(`xen,xenvm-${cfg.xen.version}`, 'xen,xenvm') : str('tsxen,virt');
  return node('', {
    model: str(model),
    compatible,
    'interrupt-parent': cells(PHANDLE_GIC),
    '#address-cells': cells(2),
    '#size-cells': cells(2),
  }, children);
}

export function domainDtb(cfg: DomainDtConfig): Uint8Array {
  return buildFdt(domainDeviceTree(cfg));
}
