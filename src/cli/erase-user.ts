import 'reflect-metadata';
import { runCommand } from './run';
import { loadConfig } from '../config/config';
import { openDatabase } from '../db/data-source';
import { scopeOf } from '../request/factory';
import { SYSTEM } from '../request/scope';
import { erasePerson } from '../services/people/erasure.service';

/**
 * `npm run erase-user -- SUB`: erases a person as the identity provider's `user.deleted` event
 * would (docs/domain-rules.md §16), for an operator, with `source: SYSTEM`. Prints what it did as
 * JSON; running it again changes nothing.
 */
async function main(): Promise<number> {
  const [sub] = process.argv.slice(2);
  if (!sub) {
    console.error('usage: npm run erase-user -- SUB   (the person’s id: their tokens’ sub)');
    return 2;
  }
  const config = loadConfig();
  const db = await openDatabase(config.databaseUrl);
  try {
    const erasure = await erasePerson(scopeOf({ db, config }, SYSTEM), sub);
    console.log(JSON.stringify(erasure));
    if (!erasure.erased) console.error('nothing to erase: nobody with that id, or already erased');
    for (const organizationId of erasure.withoutAdmin) {
      console.error(`organization ${organizationId} has no ADMIN now: npm run grant-admin -- ${organizationId} EMAIL`);
    }
    return 0;
  } finally {
    await db.destroy();
  }
}

runCommand(main);
