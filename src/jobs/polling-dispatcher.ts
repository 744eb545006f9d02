import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Config } from '../config/config';
import type { Logger } from '../observability/logger';
import { logJobFailure } from '../db/availability';

export interface DispatcherOptions {
  /** Most deliveries in flight at once in this instance. */
  concurrency?: number;
  /** Most deliveries in flight at once for one organization, in this instance. */
  perOrganization?: number;
  /** How long a claim holds before another dispatcher may take the row (a crashed sender). */
  leaseMs?: number;
}

/** What every outbox row has: an id, and the organization it is delivered for. */
export interface OutboxRow {
  id: string;
  organizationId: string;
}

/**
 * What every outbox dispatcher (emails, webhook calls) shares: it polls every `outboxPollMs`,
 * can be nudged right after a commit, and on stop waits for the deliveries in hand.
 *
 * **One tenant never holds up another** (docs/domain-rules.md §12). Deliveries run concurrently, up to
 * `concurrency` at once, and at most `perOrganization` (2) at once for any one organization:
 * an organization whose receivers all hang until the timeout holds two slots, never the
 * instance. Each claim takes organizations in turn — every organization with something due gets
 * its first slot before any gets a second, the oldest due first within each (`claimDue`) — and a
 * slot that frees is filled at once. So another organization's delivery leaves as soon as it is
 * due (the nudge after its commit, or the next poll).
 */
export abstract class PollingDispatcher<Row extends OutboxRow> {
  private timer: NodeJS.Timeout | null = null;
  private filling: Promise<Promise<boolean>[]> | null = null;
  private again = false;
  protected stopped = false;
  protected readonly concurrency: number;
  protected readonly perOrganization: number;
  protected readonly leaseMs: number;
  /** Deliveries in flight in this instance, per organization. */
  private readonly busy = new Map<string, number>();
  private readonly inFlight = new Set<Promise<boolean>>();

  protected constructor(
    protected readonly db: DataSource,
    protected readonly config: Config,
    protected readonly logger: Logger,
    options: DispatcherOptions = {},
  ) {
    this.concurrency = options.concurrency ?? 8;
    this.perOrganization = options.perOrganization ?? 2;
    this.leaseMs = options.leaseMs ?? 60_000;
  }

  /**
   * Claims for `claimToken` up to `slots` due rows, taking organizations in turn and leaving out
   * what would give an organization more than `perOrganization` in flight (`busy` are this
   * instance's deliveries in flight per organization).
   */
  protected abstract claim(claimToken: string, slots: number, busy: ReadonlyMap<string, number>): Promise<Row[]>;

  /** Makes one attempt at a claimed row; true when it was delivered. */
  protected abstract deliver(row: Row, claimToken: string): Promise<boolean>;

  /** Polls every `outboxPollMs` until stopped; every delivery that ends fills its slot again. */
  start(): void {
    if (this.timer) return;
    this.stopped = false;
    this.timer = setInterval(() => this.nudge(), this.config.outboxPollMs);
    this.timer.unref();
    this.nudge();
  }

  /** Fills the free slots soon (after a commit that queued something), without waiting for the next poll. */
  nudge(): void {
    if (this.stopped) return;
    if (this.filling) {
      this.again = true;
      return;
    }
    this.fill().catch((error: unknown) => logJobFailure(this.db, this.logger, error, 'outbox dispatch failed'));
  }

  /**
   * Delivers what is due now, as slots allow, and waits for those deliveries; resolves with how
   * many rows were delivered. (Tests and maintenance drive it; a started dispatcher runs by itself.)
   */
  async runOnce(): Promise<number> {
    let delivered = 0;
    for (;;) {
      const started = await this.fill();
      if (started.length === 0) {
        if (this.inFlight.size === 0 || this.stopped) return delivered;
        // Every slot is taken (by deliveries started before): wait for one to end.
        await Promise.race(this.inFlight);
        continue;
      }
      delivered += (await Promise.all(started)).filter(Boolean).length;
    }
  }

  /** Stops polling and waits for the deliveries in flight to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.filling?.catch(() => undefined);
    await Promise.all(this.inFlight);
    this.onStop();
  }

  /** Releases what the dispatcher holds (a transport). */
  protected onStop(): void {}

  /** How many deliveries this instance has in flight (metrics, tests). */
  get deliveriesInFlight(): number {
    return this.inFlight.size;
  }

  /** One claim for the free slots, whose deliveries start at once; never two claims at a time. */
  private fill(): Promise<Promise<boolean>[]> {
    this.filling ??= (async () => {
      this.again = false;
      const slots = this.concurrency - this.inFlight.size;
      if (slots <= 0 || this.stopped) return [];
      const claimToken = randomUUID();
      const rows = await this.claim(claimToken, slots, new Map(this.busy));
      return rows.map((row) => this.launch(row, claimToken));
    })().finally(() => {
      this.filling = null;
      if (this.again && this.timer) this.nudge();
    });
    return this.filling;
  }

  private launch(row: Row, claimToken: string): Promise<boolean> {
    this.busy.set(row.organizationId, (this.busy.get(row.organizationId) ?? 0) + 1);
    const delivery: Promise<boolean> = this.deliver(row, claimToken)
      .catch((error: unknown) => {
        logJobFailure(this.db, this.logger, error, 'outbox delivery failed', { id: row.id });
        return false;
      })
      .finally(() => {
        const left = (this.busy.get(row.organizationId) ?? 1) - 1;
        if (left > 0) this.busy.set(row.organizationId, left);
        else this.busy.delete(row.organizationId);
        this.inFlight.delete(delivery);
        // A started dispatcher fills the freed slot at once.
        if (this.timer) this.nudge();
      });
    this.inFlight.add(delivery);
    return delivery;
  }
}
