import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { findBreakingChanges, parse } from 'graphql';

/**
 * The contract check: the schema we serve (schema/schema.graphql, which a test keeps equal to
 * the code) must be a compatible superset of a product contract — no breaking change by
 * graphql-js `findBreakingChanges` from the contract to ours.
 *
 * A contract can run ahead of the code: what it adds before it is built is listed, one
 * description per line, in a file of known gaps. The check then fails on any breaking change
 * that is not listed (a regression), and also on a listed gap that no longer exists, so that
 * the list shrinks as features land and never hides anything.
 */

/** The breaking changes, as graphql-js describes them, from `contractSdl` to `ourSdl`. */
export function breakingChanges(contractSdl: string, ourSdl: string): string[] {
  const contract = buildSubgraphSchema({ typeDefs: parse(contractSdl) });
  const ours = buildSubgraphSchema({ typeDefs: parse(ourSdl) });
  return findBreakingChanges(contract, ours)
    .map((change) => change.description)
    .sort();
}

export interface ContractVerdict {
  /** Breaking changes not in the list of known gaps. */
  unexpected: string[];
  /** Known gaps that are closed now: to be taken off the list. */
  closed: string[];
  /** Known gaps still open. */
  open: string[];
}

export function judge(changes: string[], knownGaps: string[]): ContractVerdict {
  const known = new Set(knownGaps);
  const found = new Set(changes);
  return {
    unexpected: changes.filter((c) => !known.has(c)),
    closed: knownGaps.filter((g) => !found.has(g)),
    open: changes.filter((c) => known.has(c)),
  };
}

/** Lines of a gaps file, without blank lines and `#` comments. */
export function readGaps(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { known: { type: 'string' }, schema: { type: 'string' } },
  });
  const contractPath = positionals[0] ?? process.env.CONTRACT_PATH;
  if (!contractPath) {
    process.stderr.write('usage: npm run check:contract -- CONTRACT.graphql [--known GAPS.txt] [--schema SDL]\n');
    process.exit(2);
  }
  const changes = breakingChanges(
    readFileSync(contractPath, 'utf8'),
    readFileSync(values.schema ?? 'schema/schema.graphql', 'utf8'),
  );
  const verdict = judge(changes, values.known ? readGaps(readFileSync(values.known, 'utf8')) : []);
  if (verdict.open.length > 0) {
    process.stdout.write(`contract: ${verdict.open.length} known gaps still open (listed in ${values.known})\n`);
  }
  for (const change of verdict.unexpected) process.stdout.write(`BREAKING: ${change}\n`);
  for (const gap of verdict.closed) process.stdout.write(`CLOSED (take it off the list): ${gap}\n`);
  const ok = verdict.unexpected.length === 0 && verdict.closed.length === 0;
  process.stdout.write(ok ? 'contract: no breaking change beyond the known gaps\n' : 'contract: check failed\n');
  process.exit(ok ? 0 : 1);
}

if (require.main === module) main();
