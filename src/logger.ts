/**
 * A minimal structured logger: one JSON line per event on stdout (errors on stderr). Fields
 * come first, as with pino, so that log shippers index them.
 */
export interface Logger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

function serialise(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = value instanceof Error ? { type: value.name, message: value.message, stack: value.stack } : value;
  }
  return out;
}

export function createLogger(options: { silent?: boolean } = {}): Logger {
  const write = (level: string, stream: NodeJS.WriteStream, fields: Record<string, unknown>, message: string) => {
    if (options.silent) return;
    stream.write(`${JSON.stringify({ level, time: new Date().toISOString(), msg: message, ...serialise(fields) })}\n`);
  };
  return {
    info: (fields, message) => write('info', process.stdout, fields, message),
    warn: (fields, message) => write('warn', process.stdout, fields, message),
    error: (fields, message) => write('error', process.stderr, fields, message),
  };
}
