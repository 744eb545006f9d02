/**
 * Runs a command's `main` and exits with its code; an unexpected error is printed and exits 1.
 * The service's own errors (`AppError`) are the command's to catch and word.
 */
export function runCommand(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exit(1);
    },
  );
}
