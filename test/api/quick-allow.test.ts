import { RULES } from '../../permissions';
import { allowsAlready } from '../../permissions/rules/parent-scope';
import { scopeOfEntity } from '../../permissions/rules/load-scope';
import { describeOnEachDatabase, useHarness, useWorld } from '../support/each-database';

type ShieldRule = {
  resolve(parent: unknown, args: unknown, ctx: unknown, info: unknown, options: unknown): Promise<unknown>;
};

/**
 * src/graphql/quick-allow.ts lets a field skip its rule where the request has already decided
 * that the rule allows it. This holds it to that: for every person of the world, every scope
 * object and every field rule that says when it allows already, "allowed already" is never said
 * where the rule itself would refuse — and it is said somewhere, once the access is decided.
 */
describeOnEachDatabase('fields allowed without their rule', (kind) => {
  const h = useHarness(kind);
  const world = useWorld(h);

  it('are allowed only where the rule allows them, once the access at the scope is decided', async () => {
    const known: [string, string, (parent: unknown, ctx: never) => boolean, ShieldRule][] = [];
    for (const type of ['Organization', 'Workspace', 'Domain'] as const) {
      for (const [field, rule] of Object.entries(RULES[type] as Record<string, object>)) {
        const quick = allowsAlready.get(rule as never);
        if (quick) known.push([type, field, quick, rule as unknown as ShieldRule]);
      }
    }
    expect(known.length).toBeGreaterThan(10);
    let allowedAlready = 0;
    let notYet = 0;
    for (const person of Object.values(world.people)) {
      const ctx = await h.app.contextFor(`Bearer ${person.token}`);
      const objects = [
        await ctx.loaders.organization.load(world.organization.id),
        await ctx.loaders.organization.load(world.otherOrganization.id),
        ...(await Promise.all([world.w1, world.w2].map((w) => ctx.loaders.workspace.load(w.id)))),
        ...(await Promise.all([world.d1, world.d1b, world.d2].map((d) => ctx.loaders.domain.load(d.id)))),
      ];
      // Before anything is decided, nothing is allowed without its rule.
      for (const [, , quick] of known) for (const parent of objects) expect(quick(parent, ctx as never)).toBe(false);
      for (const parent of objects) await ctx.access.at(scopeOfEntity(parent)!);
      for (const [type, field, quick, rule] of known) {
        for (const parent of objects) {
          if (parent?.constructor.name !== type) continue;
          const decided = await rule.resolve(parent, {}, ctx, {}, {});
          if (quick(parent, ctx as never)) {
            allowedAlready++;
            expect([type, field, parent.id, person.sub, decided]).toEqual([type, field, parent.id, person.sub, true]);
          } else notYet++;
        }
      }
    }
    expect(allowedAlready).toBeGreaterThan(0);
    expect(notYet).toBeGreaterThan(0);
  });
});
