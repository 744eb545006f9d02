import { createLogger, type Logger } from '../../src/observability/logger';

/** A real pino logger whose lines are kept, parsed, for a test to read. */
export function memoryLogger(level = 'info'): { logger: Logger; lines: Record<string, any>[] } {
  const lines: Record<string, any>[] = [];
  const logger = createLogger({ level, destination: { write: (line: string) => lines.push(JSON.parse(line)) } });
  return { logger, lines };
}
