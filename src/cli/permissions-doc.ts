import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  Grant,
  PERMISSION_TABLE,
  permissionsOfRole,
  ROLES_BY_SCOPE,
  sortedPermissions,
} from '../../permissions/access';
import { Permission, Role, ScopeKind } from '../domain/enums';
import { parsePermissionDeclarations } from '../domain/permission-keys';

/**
 * `npm run docs:permissions`: writes docs/permissions.md from the table in permissions/access.ts,
 * the one the server enforces. A test fails when the committed page differs from what this makes.
 */

const GRANT_SOURCES: Record<ScopeKind, Partial<Record<Grant, string>>> = {
  [ScopeKind.ORGANIZATION]: {
    [Grant.ADMIN]: 'ADMIN of the organization',
    [Grant.ACCOUNTING]: 'ACCOUNTING of the organization',
    [Grant.MEMBER]: 'MEMBER of the organization',
    [Grant.KEY_HOLDER]: 'a custom role that adds a key here',
  },
  [ScopeKind.WORKSPACE]: {
    [Grant.ADMIN]: 'ADMIN of the workspace, or ADMIN of its organization',
    [Grant.ORGANIZATION_ADMIN]: 'in addition, for ADMIN of the organization only',
    [Grant.ACCOUNTING]: 'ACCOUNTING of the organization',
    [Grant.MEMBER]: 'MEMBER of the workspace',
    [Grant.DOMAIN_MEMBER]: 'member of one of its domains, with no role in the workspace',
    [Grant.KEY_HOLDER]: 'a custom role that adds a key here (held here or above)',
  },
  [ScopeKind.DOMAIN]: {
    [Grant.ADMIN]: 'ADMIN of the domain, of its workspace, or of its organization',
    [Grant.MEMBER]: 'MEMBER of the domain, or MEMBER of its workspace',
    [Grant.KEY_HOLDER]: 'a custom role that adds a key here (held here or above)',
  },
};

const SCOPE_NAMES: Record<ScopeKind, string> = {
  [ScopeKind.ORGANIZATION]: 'Organization',
  [ScopeKind.WORKSPACE]: 'Workspace',
  [ScopeKind.DOMAIN]: 'Domain',
};

const code = (items: readonly string[]) => items.map((item) => `\`${item}\``).join(', ');

/** The page, as markdown. */
export function permissionsMarkdown(): string {
  const lines = [
    '# Permissions',
    '',
    '<!-- Generated from permissions/access.ts by `npm run docs:permissions`; do not edit by hand. -->',
    '',
    'What a person may do in a scope is the union of what each of their *grants* there gives. A grant',
    'comes from a role held at the scope itself or passed down from a scope above; `viewerPermissions`',
    'answers exactly this set, and every rule of the server checks it. ACCOUNTING is not a rank',
    'between ADMIN and MEMBER: it is its own set.',
    '',
  ];
  for (const kind of Object.values(ScopeKind)) {
    lines.push(`## ${SCOPE_NAMES[kind]}`, '', '| grant | who has it | permissions |', '| --- | --- | --- |');
    for (const [grant, permissions] of Object.entries(PERMISSION_TABLE[kind]) as [Grant, Permission[]][]) {
      lines.push(
        `| ${grant} | ${GRANT_SOURCES[kind][grant] ?? ''} | ${code(sortedPermissions(new Set(permissions)))} |`,
      );
    }
    lines.push('', `Roles held here: ${code(ROLES_BY_SCOPE[kind])}.`, '');
  }
  lines.push(
    '## Who may grant a role',
    '',
    'Inviting needs `INVITE_MEMBERS` at the scope, changing a role `MANAGE_MEMBERS`; and nobody grants a',
    'role that confers a permission they lack there. A role confers, when held at the scope:',
    '',
    '| scope | role | confers |',
    '| --- | --- | --- |',
  );
  for (const kind of Object.values(ScopeKind)) {
    for (const role of ROLES_BY_SCOPE[kind] as Role[]) {
      lines.push(`| ${SCOPE_NAMES[kind]} | ${role} | ${code(sortedPermissions(permissionsOfRole(kind, role)))} |`);
    }
  }
  const example = parsePermissionDeclarations(readFileSync(EXAMPLE, 'utf8'), 'examples/permissions.json');
  lines.push(
    '',
    '## Declared permissions',
    '',
    'The rest of the supergraph declares its own keys in `PERMISSIONS_FILE` ([authorization.md](authorization.md)).',
    'Each declaration adds rows to the table above: its roles hold the key at its scope kinds, and inheritance',
    'passes it down exactly as the built-in permissions. With [examples/permissions.json](../examples/permissions.json):',
    '',
    '| key | scope kinds | held by |',
    '| --- | --- | --- |',
  );
  for (const declaration of example) {
    const holders = declaration.scopes.flatMap((kind) =>
      (Object.keys(PERMISSION_TABLE[kind]) as Grant[])
        .filter((grant) => declaration.roles.some((role) => (role as string) === grant))
        .map((grant) => `${SCOPE_NAMES[kind]}: ${GRANT_SOURCES[kind][grant]}`),
    );
    lines.push(`| \`${declaration.key}\` | ${code(declaration.scopes)} | ${holders.join('; ')} |`);
  }
  lines.push(
    '',
    '## Custom roles',
    '',
    'An organization ADMIN (`MANAGE_ROLES`) defines roles of its own: a base role (MEMBER, or ACCOUNTING at',
    'organization scope) plus keys per scope kind. Held at a scope, a custom role gives its base role there (with',
    'its inheritance), the keys it adds for that kind there, and its keys for the kinds below on every scope',
    'below; holding any key at a scope lets its holder see that scope (grant `KEY_HOLDER`).',
  );
  return `${lines.join('\n')}\n`;
}

const EXAMPLE = resolve(__dirname, '../../examples/permissions.json');

if (require.main === module) {
  const path = resolve(__dirname, '../../docs/permissions.md');
  writeFileSync(path, permissionsMarkdown());
  process.stdout.write(`wrote ${path}\n`);
}
