import type { DataSource } from 'typeorm';
import { logJobFailure } from '../db/availability';
import type { Logger } from '../observability/logger';

/**
 * A job that runs every `everyMs` once started (`main` starts it; tests call `runOnce` and move
 * their clock instead). One pass at a time per instance: a pass asked for while one runs joins
 * it. `stop` waits for the pass in flight.
 */
export abstract class PeriodicJob {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  protected constructor(
    protected readonly db: DataSource,
    protected readonly logger: Logger,
    private readonly what: string,
  ) {}

  /** How often to run; null: the job is off (`start` does nothing). */
  protected abstract everyMs(): number | null;

  /** One pass; resolves to how many things it did. */
  protected abstract pass(): Promise<number>;

  start(): void {
    const every = this.everyMs();
    if (this.timer || every === null) return;
    this.timer = setInterval(() => {
      this.runOnce().catch((error: unknown) => logJobFailure(this.db, this.logger, error, `${this.what} failed`));
    }, every);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  runOnce(): Promise<number> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }
}
