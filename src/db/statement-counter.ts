import type { Logger as TypeOrmLogger } from 'typeorm';

/**
 * A TypeORM logger that counts the SQL statements sent to the database (and keeps the last few),
 * so that tests and the benchmark can pin how many round trips a GraphQL request costs.
 */
export class StatementCounter implements TypeOrmLogger {
  count = 0;
  readonly recent: string[] = [];
  /** The parameters of each of `recent`, in the same order. */
  readonly recentParameters: unknown[][] = [];

  logQuery(query: string, parameters?: unknown[]): void {
    this.count++;
    this.recent.push(query);
    this.recentParameters.push(parameters ?? []);
    if (this.recent.length > 50) {
      this.recent.shift();
      this.recentParameters.shift();
    }
  }

  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}

  /** Statements sent while `work` runs (run it alone: concurrent work would count too). */
  async during<T>(
    work: () => Promise<T>,
  ): Promise<{ result: T; statements: number; queries: string[]; parameters: unknown[][] }> {
    const before = this.count;
    this.recent.length = 0;
    this.recentParameters.length = 0;
    const result = await work();
    return {
      result,
      statements: this.count - before,
      queries: [...this.recent],
      parameters: [...this.recentParameters],
    };
  }
}
