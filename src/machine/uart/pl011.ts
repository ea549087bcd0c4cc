// machine/uart/pl011.ts - Arm PrimeCell UART (PL011), as Linux's amba-pl011 driver uses it (ttyAMA0).
// PL011 TRM (ARM DDI 0183G), chapter 3 "Programmers Model". Transmission is instantaneous: every byte written to
// UARTDR goes to the console at once, so the transmit FIFO is always empty. Received bytes wait in a 32-entry
// FIFO (1 entry with FIFOs disabled); what does not fit stays queued here, so console input is never lost.

// PL011 TRM 3.2, register summary
const UARTDR = 0x000, UARTRSR = 0x004, UARTFR = 0x018, UARTILPR = 0x020, UARTIBRD = 0x024, UARTFBRD = 0x028;
const UARTLCR_H = 0x02c, UARTCR = 0x030, UARTIFLS = 0x034, UARTIMSC = 0x038, UARTRIS = 0x03c, UARTMIS = 0x040;
const UARTICR = 0x044, UARTDMACR = 0x048;
// UARTFR bits (3.3.3)
const FR_RXFE = 1 << 4, FR_TXFF = 1 << 5, FR_RXFF = 1 << 6, FR_TXFE = 1 << 7;
// UARTLCR_H.FEN (3.3.7); UARTCR bits (3.3.8)
const LCRH_FEN = 1 << 4;
const CR_UARTEN = 1 << 0, CR_TXE = 1 << 8, CR_RXE = 1 << 9;
// Interrupt bits (3.3.10-3.3.14)
const INT_RX = 1 << 4, INT_TX = 1 << 5, INT_RT = 1 << 6;
const INT_ALL = 0x7ff;
const FIFO_DEPTH = 32;
// Firmware (U-Boot, UEFI) leaves the console UART enabled, and Linux's earlycon relies on it: start that way
const FIRMWARE_CR = CR_UARTEN | CR_TXE | CR_RXE;
// UARTPeriphID0-3 and UARTPCellID0-3 at 0xFE0-0xFFC (3.3.16-3.3.17): part 0x011, designer 0x41, revision r1p5
const ID_REGS = [0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1];

export interface Pl011Options {
  /** A byte the guest transmitted. */
  onTransmit(byte: number): void;
  /** The level of the UART's combined interrupt line (UARTINTR) changed. */
  setIrq(level: boolean): void;
}

export interface Pl011State {
  rxFifo: number[];
  backlog: number[];
  ris: number;
  imsc: number;
  lcrH: number;
  cr: number;
  ibrd: number;
  fbrd: number;
  ifls: number;
  ilpr: number;
  dmacr: number;
}

export class Pl011 {
  private s: Pl011State = {
    rxFifo: [], backlog: [], ris: 0, imsc: 0, lcrH: 0, cr: FIRMWARE_CR, ibrd: 0, fbrd: 0, ifls: 0x12, ilpr: 0,
    dmacr: 0,
  };
  private irqLevel = false;

  constructor(private readonly opts: Pl011Options) {}

  /** Bytes typed on the console. They are queued without limit and fed to the FIFO as the guest reads. */
  receive(bytes: Uint8Array): void {
    for (const b of bytes) this.s.backlog.push(b);
    this.refill();
    this.update();
  }

  read(offset: number, _size: number): bigint {
    if (offset >= 0xfe0 && offset < 0x1000) return BigInt(ID_REGS[(offset - 0xfe0) >> 2] ?? 0);
    switch (offset) {
      case UARTDR: return BigInt(this.readData());
      case UARTRSR: return 0n; // no framing/parity/overrun errors on a virtual line
      case UARTFR: return BigInt(this.flags());
      case UARTILPR: return BigInt(this.s.ilpr);
      case UARTIBRD: return BigInt(this.s.ibrd);
      case UARTFBRD: return BigInt(this.s.fbrd);
      case UARTLCR_H: return BigInt(this.s.lcrH);
      case UARTCR: return BigInt(this.s.cr);
      case UARTIFLS: return BigInt(this.s.ifls);
      case UARTIMSC: return BigInt(this.s.imsc);
      case UARTRIS: return BigInt(this.s.ris);
      case UARTMIS: return BigInt(this.s.ris & this.s.imsc);
      case UARTDMACR: return BigInt(this.s.dmacr);
      default: return 0n; // reserved: RAZ
    }
  }

  write(offset: number, _size: number, value: bigint): void {
    const v = Number(value & 0xffffn);
    switch (offset) {
      case UARTDR:
        if ((this.s.cr & (CR_UARTEN | CR_TXE)) === (CR_UARTEN | CR_TXE)) this.opts.onTransmit(v & 0xff);
        // The byte leaves the (always empty) FIFO at once: it passes the trigger level (TRM 3.4.2)
        this.s.ris |= INT_TX;
        break;
      case UARTRSR: break; // write clears errors; there are none
      case UARTILPR: this.s.ilpr = v & 0xff; break;
      case UARTIBRD: this.s.ibrd = v; break;
      case UARTFBRD: this.s.fbrd = v & 0x3f; break;
      case UARTLCR_H: {
        const fifoToggled = ((this.s.lcrH ^ v) & LCRH_FEN) !== 0;
        this.s.lcrH = v & 0xff;
        if (fifoToggled) this.refill();
        break;
      }
      case UARTCR: this.s.cr = v; this.refill(); break;
      case UARTIFLS: this.s.ifls = v & 0x3f; break;
      case UARTIMSC: this.s.imsc = v & INT_ALL; break;
      case UARTICR: this.s.ris &= ~v; break;
      case UARTDMACR: this.s.dmacr = v & 7; break;
      default: break; // reserved and read-only registers: writes ignored
    }
    this.update();
  }

  private fifoDepth(): number {
    return (this.s.lcrH & LCRH_FEN) !== 0 ? FIFO_DEPTH : 1;
  }

  private flags(): number {
    let fr = FR_TXFE; // transmit FIFO always empty, never full
    if (this.s.rxFifo.length === 0) fr |= FR_RXFE;
    if (this.s.rxFifo.length >= this.fifoDepth()) fr |= FR_RXFF;
    return fr & ~FR_TXFF;
  }

  private readData(): number {
    const b = this.s.rxFifo.shift();
    this.refill();
    this.update();
    return b ?? 0;
  }

  /** Move queued input into the receive FIFO while the receiver is enabled. */
  private refill(): void {
    if ((this.s.cr & (CR_UARTEN | CR_RXE)) !== (CR_UARTEN | CR_RXE)) return;
    while (this.s.rxFifo.length < this.fifoDepth() && this.s.backlog.length > 0) {
      this.s.rxFifo.push(this.s.backlog.shift()!);
    }
  }

  /** Receive trigger level in entries: UARTIFLS.RXIFLSEL 1/8, 1/4, 1/2, 3/4, 7/8 full (TRM 3.3.9). */
  private rxTrigger(): number {
    if ((this.s.lcrH & LCRH_FEN) === 0) return 1;
    return [4, 8, 16, 24, 28][(this.s.ifls >> 3) & 7] ?? 16;
  }

  private update(): void {
    const n = this.s.rxFifo.length;
    // RX interrupt at the trigger level; the receive timeout fires for anything below it, since no more data is
    // on its way once the host queue is drained (TRM 3.4.3, UARTRXINTR and UARTRTINTR)
    if (n >= this.rxTrigger()) this.s.ris |= INT_RX; else this.s.ris &= ~INT_RX;
    if (n > 0) this.s.ris |= INT_RT; else this.s.ris &= ~INT_RT;
    const level = (this.s.ris & this.s.imsc) !== 0;
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      this.opts.setIrq(level);
    }
  }

  save(): Pl011State {
    return structuredClone(this.s);
  }

  restore(state: Pl011State): void {
    this.s = structuredClone(state);
    this.irqLevel = false;
    this.update();
  }
}
