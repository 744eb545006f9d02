import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PERMISSION_TABLE } from '../../permissions/access';
import { ScopeKind } from '../../src/domain/enums';
import { permissionsMarkdown } from '../../src/cli/permissions-doc';

describe('docs/permissions.md', () => {
  it('is what permissions/access.ts says (run `npm run docs:permissions` after changing the table)', () => {
    expect(readFileSync(resolve(__dirname, '../../docs/permissions.md'), 'utf8')).toBe(permissionsMarkdown());
  });

  it('shows every cell of the table', () => {
    const page = permissionsMarkdown();
    for (const kind of Object.values(ScopeKind)) {
      for (const [grant, permissions] of Object.entries(PERMISSION_TABLE[kind])) {
        const row = page
          .split('\n')
          .find((line) => line.startsWith(`| ${grant} |`) && permissions.every((p) => line.includes(`\`${p}\``)));
        expect(row).toBeDefined();
      }
    }
  });
});
