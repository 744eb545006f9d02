/**
 * The one source of the current time for what the service decides by it — expiries, invitation
 * and rate windows, retries, sweeps, the audit log's times. A request reads it once (`ctx.now`),
 * a job at each pass. The server runs on the system clock; tests hand in a `ManualClock` and move
 * it, so that nothing is tested by sleeping. Bearer tokens' `exp` and `nbf` are judged by it too
 * (src/auth/jwt.ts): in production it is the wall clock, and a test that moves it sees a token
 * expire on the next request.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock that tests move (`advance`, `set`). Standing still by default; `{ running: true }`
 * makes it run with the wall clock from where it was put, so that rows written one after another
 * still come in order while a test jumps hours ahead.
 */
export class ManualClock implements Clock {
  private at: number;
  private readonly running: boolean;
  private readonly since = Date.now();

  constructor(start: Date | number = Date.now(), options: { running?: boolean } = {}) {
    this.at = typeof start === 'number' ? start : start.getTime();
    this.running = options.running ?? false;
  }

  now(): Date {
    return new Date(this.at + (this.running ? Date.now() - this.since : 0));
  }

  /** Moves the clock forward by `ms`. */
  advance(ms: number): void {
    this.at += ms;
  }

  set(to: Date): void {
    this.at += to.getTime() - this.now().getTime();
  }
}
