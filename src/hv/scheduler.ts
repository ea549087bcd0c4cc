// hv/scheduler.ts - runs the vCPUs of every domain in turn on the Node event loop (one pCPU for now; Xen's
// credit2 over worker_threads later). A vCPU runs for a slice and returns; between slices the event loop serves
// I/O. A vCPU in WFI (or a pvh guest's SCHEDOP_block / SCHEDOP_poll) is blocked until its GIC output is asserted,
// its timer deadline or its poll timeout passes, and when nothing can run the scheduler sleeps until the earliest
// of those or an external wake-up (console input, an event from dom0, a poll ending): an idle guest costs almost
// no host CPU.

import type { Domain } from './domain.js';

/** Host services the scheduler needs (host/ supplies them with setImmediate/setTimeout). */
export interface SchedulerHost {
  /** Let the event loop run pending I/O, then continue. */
  yieldToHost(): Promise<void>;
  /** Sleep for up to `ms` milliseconds; `wake` ends the sleep early. */
  sleep(ms: number, wake: (resume: () => void) => void): Promise<void>;
}

/** Longest sleep when no timer is armed (so external wake-ups are never missed for long). */
const MAX_IDLE_MS = 1000;

export class Scheduler {
  private readonly domains = new Set<Domain>();
  private resumeSleep?: () => void;
  private kicked = false;

  constructor(private readonly host: SchedulerHost) {}

  add(d: Domain): void {
    this.domains.add(d);
    this.kick();
  }

  remove(d: Domain): void {
    this.domains.delete(d);
  }

  /** Something happened outside the guests (console input, a device completion, a wake-up): re-evaluate. */
  kick(): void {
    this.kicked = true;
    this.resumeSleep?.();
  }

  /** Run until no domain is left running or paused; domains that shut down are removed. */
  async run(): Promise<void> {
    while (this.domains.size > 0) {
      this.kicked = false;
      const { ran, sleepNs } = this.round();
      for (const d of this.domains) if (d.state === 'shutdown' || d.state === 'dying') this.domains.delete(d);
      if (this.domains.size === 0) break;
      if (ran || this.kicked) {
        await this.host.yieldToHost();
      } else {
        const ms = Math.min(MAX_IDLE_MS, Math.ceil(sleepNs / 1e6));
        await this.host.sleep(ms, resume => { this.resumeSleep = resume; });
        this.resumeSleep = undefined;
      }
    }
  }

  /** One pass over every runnable vCPU; reports whether anything ran and how long until a timer is due. */
  private round(): { ran: boolean; sleepNs: number } {
    let ran = false;
    let sleepNs = Infinity;
    for (const d of this.domains) {
      if (d.state !== 'running') continue;
      // SCHEDOP_poll timeouts first: an expired poll makes its vCPU runnable in this round
      const pollNs = d.expirePolls();
      if (pollNs !== null) sleepNs = Math.min(sleepNs, pollNs);
      for (let i = 0; i < d.vcpus.length; i++) {
        const v = d.vcpus[i];
        if (v.power !== 'on') continue;
        const deadline = d.machine.sync(i);
        if (v.blocked) {
          if (!d.machine.interruptPending(i)) {
            if (deadline !== null) sleepNs = Math.min(sleepNs, d.machine.nsUntil(deadline));
            continue;
          }
          v.blocked = false;
        }
        d.runSlice(i);
        ran = true;
        if (d.state !== 'running') break;
      }
    }
    return { ran, sleepNs };
  }
}
