import fs from 'node:fs';

/** Past this many bytes waiting for a reader that does not read, new lines are dropped. */
const MAX_PENDING_BYTES = 16 * 1024 * 1024;
/** How soon a write the pipe refused for now (EAGAIN: its reader is slow) is tried again. */
const RETRY_MS = 50;

/**
 * Where the log's lines go (stdout): written asynchronously, in order, and never what keeps the
 * process from ending (issue 39, docs/domain-rules.md §8).
 *
 * pino's own destination (sonic-boom) writes the lines still queued synchronously when the process
 * exits, retrying a failed write every 100 ms for ever: with the reader of stdout gone (EPIPE: a
 * log shipper restarting, `| tee` killed) and a line still in flight at that moment, `process.exit`
 * never returned. Here nothing runs at exit: the lines a dead or stalled reader cannot take are
 * lost, never the exit. A write that fails for any reason but EAGAIN ends the output (EPIPE will
 * not heal); EAGAIN is tried again shortly.
 */
export class LogOutput {
  private pending: string[] = [];
  private pendingBytes = 0;
  /** The bytes being written (what is left of them after a partial write). */
  private current: Buffer | null = null;
  private writing = false;
  private closed = false;
  private readonly drainWaiters: (() => void)[] = [];
  /** Lines dropped: the output was closed, or its reader left too much unread. */
  dropped = 0;

  constructor(private readonly fd = 1) {}

  /** pino's destination interface: one line, newline included. */
  write(line: string): boolean {
    if (this.closed || this.pendingBytes > MAX_PENDING_BYTES) {
      this.dropped++;
      return true;
    }
    this.pending.push(line);
    this.pendingBytes += line.length;
    this.next();
    return true;
  }

  /** Calls back once every line written so far is out, or can never be (what `logger.flush` uses). */
  flush(callback?: (error?: Error) => void): void {
    if (!callback) return;
    if (this.idle()) setImmediate(callback);
    else this.drainWaiters.push(callback);
  }

  /** Resolves when the lines so far are out, or after `ms` whatever happened. Never rejects. */
  drained(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      this.flush(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Stops writing: what is queued is dropped. */
  close(): void {
    this.closed = true;
    this.dropped += this.pending.length;
    this.pending = [];
    this.pendingBytes = 0;
    this.current = null;
    this.settle();
  }

  private idle(): boolean {
    return this.closed || (!this.writing && this.current === null && this.pending.length === 0);
  }

  private settle(): void {
    if (!this.idle()) return;
    for (const waiter of this.drainWaiters.splice(0)) waiter();
  }

  private next(): void {
    if (this.writing || this.closed) return;
    if (this.current === null) {
      if (this.pending.length === 0) return this.settle();
      this.current = Buffer.from(this.pending.join(''));
      this.pending = [];
      this.pendingBytes = 0;
    }
    this.writing = true;
    const chunk = this.current;
    fs.write(this.fd, chunk, 0, chunk.length, null, (error, written) => {
      this.writing = false;
      if (error) {
        if (error.code === 'EAGAIN') {
          // Unref'd: a slow reader never keeps the process alive by itself.
          setTimeout(() => this.next(), RETRY_MS).unref();
          return;
        }
        // EPIPE (the reader is gone), EBADF…: the log has nowhere to go any more.
        this.close();
        return;
      }
      this.current = written < chunk.length ? chunk.subarray(written) : null;
      this.next();
    });
  }
}
