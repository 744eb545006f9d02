/**
 * The one source of the current time. The server runs on the system clock; tests hand in a
 * `ManualClock` and move it, so that expiries, retries and sweeps are tested without sleeping.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until moved (tests). */
export class ManualClock implements Clock {
  private at: number;

  constructor(start: Date | number = Date.now()) {
    this.at = typeof start === 'number' ? start : start.getTime();
  }

  now(): Date {
    return new Date(this.at);
  }

  /** Moves the clock forward by `ms`. */
  advance(ms: number): void {
    this.at += ms;
  }

  set(to: Date): void {
    this.at = to.getTime();
  }
}
