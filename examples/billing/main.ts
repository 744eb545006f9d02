import { startBilling } from './server';

/**
 * `npm run billing`: the example billing subgraph on BILLING_PORT (4003), on HOST (127.0.0.1).
 * `npm run gateway:hive` composes it with this service and decides its `@policy` fields here.
 */
async function main(): Promise<void> {
  const { url } = await startBilling({
    port: Number(process.env.BILLING_PORT || 4003),
    host: process.env.HOST || '127.0.0.1',
  });
  process.stdout.write(`billing subgraph ready at ${url} (two made-up invoices for each workspace asked about)\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
