// machine/rtc/pl031.ts - Arm PrimeCell Real Time Clock (PL031), Linux's rtc-pl031 driver.
// PL031 TRM (ARM DDI 0224C), chapter 3 "Programmers Model". The counter shows the host's wall-clock time plus
// the offset the guest set through RTCLR; the match interrupt fires when the counter reaches RTCMR.

// PL031 TRM 3.2, register summary
const RTCDR = 0x000, RTCMR = 0x004, RTCLR = 0x008, RTCCR = 0x00c, RTCIMSC = 0x010, RTCRIS = 0x014;
const RTCMIS = 0x018, RTCICR = 0x01c;
// RTCPeriphID0-3, RTCPCellID0-3 (3.3.10, 3.3.11): part 0x031, designer 0x41
const ID_REGS = [0x31, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1];

export interface Pl031Options {
  /** Host wall-clock time in seconds since the Unix epoch. */
  nowSeconds(): number;
  setIrq(level: boolean): void;
}

export interface Pl031State {
  /** Guest counter minus host seconds. */
  offset: number;
  match: number;
  imsc: number;
  ris: number;
}

export class Pl031 {
  private s: Pl031State = { offset: 0, match: 0, imsc: 0, ris: 0 };
  private irqLevel = false;

  constructor(private readonly opts: Pl031Options) {}

  private counter(): number {
    return (Math.floor(this.opts.nowSeconds()) + this.s.offset) >>> 0;
  }

  read(offset: number, _size: number): bigint {
    if (offset >= 0xfe0 && offset < 0x1000) return BigInt(ID_REGS[(offset - 0xfe0) >> 2] ?? 0);
    this.poll();
    switch (offset) {
      case RTCDR: return BigInt(this.counter());
      case RTCMR: return BigInt(this.s.match);
      case RTCLR: return BigInt(this.counter());
      case RTCCR: return 1n; // the counter always runs (RTCCR.RTCStart reads as 1 once started)
      case RTCIMSC: return BigInt(this.s.imsc);
      case RTCRIS: return BigInt(this.s.ris);
      case RTCMIS: return BigInt(this.s.ris & this.s.imsc);
      default: return 0n;
    }
  }

  write(offset: number, _size: number, value: bigint): void {
    const v = Number(value & 0xffffffffn);
    switch (offset) {
      case RTCMR: this.s.match = v; break;
      case RTCLR: this.s.offset = v - Math.floor(this.opts.nowSeconds()); break;
      case RTCIMSC: this.s.imsc = v & 1; break;
      case RTCICR: this.s.ris &= ~(v & 1); break;
      default: break; // RTCDR, RTCCR (start cannot be undone), RIS/MIS are read-only
    }
    this.update();
  }

  /** Seconds until the match interrupt is due (for the machine's timer wheel), or undefined. */
  secondsToMatch(): number | undefined {
    if ((this.s.imsc & 1) === 0) return undefined;
    return (this.s.match - this.counter()) >>> 0;
  }

  /** Raise the match interrupt when the counter equals RTCMR (called on access and by the machine's timer). */
  poll(): void {
    if (this.counter() === this.s.match) this.s.ris |= 1;
    this.update();
  }

  private update(): void {
    const level = (this.s.ris & this.s.imsc) !== 0;
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      this.opts.setIrq(level);
    }
  }

  save(): Pl031State {
    return { ...this.s };
  }

  restore(state: Pl031State): void {
    this.s = { ...state };
    this.irqLevel = false;
    this.update();
  }
}
