import { loadConfig } from '../../src/config/config';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePermissionDeclarations, parsePolicyName } from '../../src/domain/permission-keys';
import { PermissionTable } from '../../permissions/table';
import { holdsAnywhere, keysAt } from '../../permissions/decisions';
import { Role, ScopeKind } from '../../src/domain/enums';
import { Grant } from '../../permissions/access';

const NOW = new Date('2026-12-07T12:00:00Z');
const valid = { key: 'invoices:read', scopes: ['WORKSPACE'], roles: ['ACCOUNTING'] };

describe('PERMISSIONS_FILE', () => {
  it.each([
    ['not json', /the file: is not JSON/],
    ['{"x": 1}', /must be a JSON list/],
    [JSON.stringify([valid, valid]), /entry 2 \("invoices:read"\): repeats a key/],
    [
      JSON.stringify([{ ...valid, key: 'Invoices:Read' }]),
      /entry 1 \("Invoices:Read"\): "key" must be namespace:action/,
    ],
    [JSON.stringify([{ ...valid, key: 'invoices' }]), /entry 1 \("invoices"\)/],
    [JSON.stringify([{ ...valid, key: `a:${'b'.repeat(63)}` }]), /at most 64 characters/],
    [JSON.stringify([{ ...valid, scopes: ['TEAM'] }]), /unknown scope "TEAM"/],
    [JSON.stringify([{ ...valid, roles: ['OWNER'] }]), /unknown role "OWNER"/],
    [JSON.stringify([{ ...valid, roles: [] }]), /"roles" must be a non-empty list/],
    [JSON.stringify([{ ...valid, extra: 1 }]), /unknown field "extra"/],
    [JSON.stringify([valid, 'x']), /entry 2: must be an object/],
  ])('refuses %s, naming the entry', (text, message) => {
    expect(() => parsePermissionDeclarations(text, 'p.json')).toThrow(message);
  });

  it('stops the configuration (so the server) on an unreadable or invalid file, and reads a valid one', () => {
    const folder = mkdtempSync(join(tmpdir(), 'permissions-unit-'));
    const bad = join(folder, 'bad.json');
    writeFileSync(bad, JSON.stringify([valid, { ...valid, key: 'x:y', roles: ['OWNER'] }]));
    expect(() => loadConfig({ PERMISSIONS_FILE: bad })).toThrow(/entry 2 \("x:y"\): unknown role "OWNER"/);
    expect(() => loadConfig({ PERMISSIONS_FILE: join(folder, 'missing.json') })).toThrow(/cannot be read \(ENOENT\)/);
    const good = join(folder, 'good.json');
    writeFileSync(good, JSON.stringify({ permissions: [valid] }));
    expect(loadConfig({ PERMISSIONS_FILE: good }).declaredPermissions).toEqual([{ ...valid, description: null }]);
  });
});

describe('policy names', () => {
  it.each([
    ['invoices:read', { key: 'invoices:read', variable: null }],
    ['invoices:read@workspaceId', { key: 'invoices:read', variable: 'workspaceId' }],
    ['READ_BILLING@org_1', { key: 'READ_BILLING', variable: 'org_1' }],
    ['invoices:read@', null],
    ['invoices:read@1x', null],
    ['invoices:read@a@b', null],
    ['READ_NOTHING', null],
    ['', null],
  ])('%s', (name, parsed) => expect(parsePolicyName(name)).toEqual(parsed));
});

describe('declared keys in the one table', () => {
  const table = PermissionTable.of(
    parsePermissionDeclarations(
      JSON.stringify([valid, { key: 'sites:read', scopes: ['DOMAIN'], roles: ['MEMBER'] }]),
      'p.json',
    ),
  );
  const organization = { kind: ScopeKind.ORGANIZATION, organizationId: 'o' } as const;
  const workspace = { kind: ScopeKind.WORKSPACE, organizationId: 'o', workspaceId: 'w' } as const;
  const domain = { kind: ScopeKind.DOMAIN, organizationId: 'o', workspaceId: 'w', domainId: 'd' } as const;
  const at = (scope: ScopeKind, role: Role, expiresAt: Date | null = null) => ({
    scope,
    role,
    organizationId: 'o',
    workspaceId: scope === ScopeKind.ORGANIZATION ? null : 'w',
    domainId: scope === ScopeKind.DOMAIN ? 'd' : null,
    expiresAt,
  });

  it('cascades them as the built-in ones', () => {
    const accounting = [at(ScopeKind.ORGANIZATION, Role.ACCOUNTING)];
    expect(keysAt(workspace, accounting, NOW, table).has('invoices:read')).toBe(true);
    expect(keysAt(organization, accounting, NOW, table).has('invoices:read')).toBe(false);
    expect(holdsAnywhere('invoices:read', accounting, NOW, table)).toBe(true);
    const wsMember = [at(ScopeKind.WORKSPACE, Role.MEMBER)];
    expect(keysAt(domain, wsMember, NOW, table).has('sites:read')).toBe(true);
    expect(holdsAnywhere('sites:read', wsMember, NOW, table)).toBe(true);
    expect(holdsAnywhere('sites:read', [at(ScopeKind.ORGANIZATION, Role.MEMBER)], NOW, table)).toBe(false);
  });

  it('gives nothing from an expired membership', () => {
    const expired = [at(ScopeKind.ORGANIZATION, Role.ACCOUNTING, new Date(NOW.getTime() - 1))];
    expect(keysAt(workspace, expired, NOW, table).size).toBe(0);
    expect(holdsAnywhere('invoices:read', expired, NOW, table)).toBe(false);
  });

  it('answers one key as the whole set does (holds, the checks’ question)', () => {
    const grantSets = Object.values(Grant).flatMap((g, i, all) => [[g], [g, all[(i + 1) % all.length]]]);
    const customs = [
      new Map(),
      new Map([['invoices:read', null]]),
      new Map([
        ['gone:key', null],
        ['READ', null],
      ]),
    ];
    const keys = [...table.definitions().map((d) => d.key), 'gone:key', 'nothing:here'];
    let held = 0;
    for (const kind of Object.values(ScopeKind)) {
      for (const grants of [[], ...grantSets]) {
        for (const custom of customs) {
          const all = table.keysOf(kind, grants, custom.keys());
          for (const key of keys) {
            expect([kind, grants, [...custom.keys()], key, table.holds(kind, grants, custom, key)]).toEqual([
              kind,
              grants,
              [...custom.keys()],
              key,
              all.has(key),
            ]);
            if (all.has(key)) held++;
          }
        }
      }
    }
    expect(held).toBeGreaterThan(100);
  });

  it('lists built-in keys first, then the declared ones in the file’s order', () => {
    const keys = table.definitions().map((d) => d.key);
    expect(keys.slice(-2)).toEqual(['invoices:read', 'sites:read']);
    expect(keys[0]).toBe('READ');
    expect(table.definition('MANAGE_WEBHOOKS')?.scopes).toEqual([ScopeKind.ORGANIZATION]);
  });
});
