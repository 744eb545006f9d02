import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { printSubgraphSchemaFile } from '../graphql/schema-file';

/** `npm run schema:emit`: writes schema/schema.graphql from the code. */
async function main(): Promise<void> {
  // npm runs scripts from the package root.
  const path = resolve(process.cwd(), 'schema/schema.graphql');
  writeFileSync(path, await printSubgraphSchemaFile());
  process.stdout.write(`wrote ${path}\n`);
}

void main();
