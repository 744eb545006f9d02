import type { DeclaredPermission } from '../src/domain/permission-keys';
import { Permission, ScopeKind } from '../src/domain/enums';
import { type Grant, PERMISSION_TABLE, roleGrant } from './access';

/**
 * The one permission table (docs/domain-rules.md §2 and §18) as rows of (scope kind, grant, key).
 * The built-in permissions of §2 are its fixed rows; the permissions the rest of the supergraph
 * declares (PERMISSIONS_FILE) are data rows added at start-up, held by the built-in roles they
 * name and inherited exactly as the built-in ones are (the grants of {@link CASCADE} decide
 * both). Pure: no I/O, nothing of the server.
 */

/** What `Query.permissions` lists for one key. */
export interface PermissionDefinition {
  key: string;
  description: string | null;
  scopes: ScopeKind[];
  builtIn: boolean;
}

const BUILT_IN_DESCRIPTIONS: Record<Permission, string> = {
  [Permission.READ]: 'See the scope: its id, name and organization.',
  [Permission.UPDATE]: 'Change the scope’s settings.',
  [Permission.DELETE]: 'Delete the scope.',
  [Permission.READ_MEMBERS]: 'List the scope’s members.',
  [Permission.INVITE_MEMBERS]: 'Invite people into the scope.',
  [Permission.MANAGE_MEMBERS]: 'Change and remove the scope’s members.',
  [Permission.CREATE_WORKSPACE]: 'Create workspaces in the organization.',
  [Permission.CREATE_DOMAIN]: 'Create domains in the workspace.',
  [Permission.READ_BILLING]: 'Read invoicing information.',
  [Permission.UPDATE_BILLING]: 'Edit invoicing information.',
  [Permission.READ_AUDIT_LOG]: 'Read the scope’s audit log.',
  [Permission.MANAGE_WEBHOOKS]: 'Webhook endpoints and their deliveries.',
  [Permission.MANAGE_PROVISIONING]: 'SCIM provisioning tokens.',
  [Permission.MANAGE_ROLES]: 'Define the organization’s custom roles.',
};

const KINDS = Object.values(ScopeKind);
const NONE: readonly DeclaredPermission[] = Object.freeze([]);
const TABLES = new WeakMap<readonly DeclaredPermission[], PermissionTable>();

export class PermissionTable {
  /** kind → grant → keys. */
  private readonly cells = new Map<ScopeKind, Map<Grant, Set<string>>>();
  private readonly definitionsByKey = new Map<string, PermissionDefinition>();

  private constructor(declared: readonly DeclaredPermission[]) {
    for (const kind of KINDS) {
      const cells = new Map<Grant, Set<string>>();
      for (const [grant, permissions] of Object.entries(PERMISSION_TABLE[kind]) as [Grant, Permission[]][]) {
        cells.set(grant, new Set(permissions));
      }
      this.cells.set(kind, cells);
    }
    for (const permission of Object.values(Permission)) {
      this.definitionsByKey.set(permission, {
        key: permission,
        description: BUILT_IN_DESCRIPTIONS[permission],
        scopes: KINDS.filter((kind) =>
          [...(this.cells.get(kind)?.values() ?? [])].some((keys) => keys.has(permission)),
        ),
        builtIn: true,
      });
    }
    for (const declaration of declared) {
      for (const kind of declaration.scopes) {
        const cells = this.cells.get(kind) as Map<Grant, Set<string>>;
        for (const role of declaration.roles) {
          const grant = roleGrant(role);
          const keys = cells.get(grant) ?? new Set<string>();
          keys.add(declaration.key);
          cells.set(grant, keys);
        }
      }
      this.definitionsByKey.set(declaration.key, {
        key: declaration.key,
        description: declaration.description,
        scopes: KINDS.filter((kind) => declaration.scopes.includes(kind)),
        builtIn: false,
      });
    }
  }

  /** The built-in rows plus the declared ones (one table per list of declarations, made once). */
  static of(declared: readonly DeclaredPermission[] = NONE): PermissionTable {
    let table = TABLES.get(declared);
    if (!table) TABLES.set(declared, (table = new PermissionTable(declared)));
    return table;
  }

  /** Every key the grants give at a scope of `kind`: the union of their cells. */
  keysFor(kind: ScopeKind, grants: readonly Grant[]): Set<string> {
    const keys = new Set<string>();
    const cells = this.cells.get(kind);
    for (const grant of grants) for (const key of cells?.get(grant) ?? []) keys.add(key);
    return keys;
  }

  /**
   * Every key held at a scope of `kind`: what the grants give there, and the keys custom roles add
   * there that the table knows (a declaration removed from the file since grants nothing).
   */
  keysOf(kind: ScopeKind, grants: readonly Grant[], customKeys: Iterable<string>): Set<string> {
    const keys = this.keysFor(kind, grants);
    for (const key of customKeys) if (this.knows(key)) keys.add(key);
    return keys;
  }

  /** `keysOf(kind, grants, customKeys).has(key)`, without making the set (a check's one question). */
  holds(kind: ScopeKind, grants: readonly Grant[], customKeys: ReadonlyMap<string, unknown>, key: string): boolean {
    const cells = this.cells.get(kind);
    if (grants.some((grant) => cells?.get(grant)?.has(key))) return true;
    return customKeys.has(key) && this.knows(key);
  }

  /** Whether the key is built-in or declared. */
  knows(key: string): boolean {
    return this.definitionsByKey.has(key);
  }

  definition(key: string): PermissionDefinition | null {
    return this.definitionsByKey.get(key) ?? null;
  }

  /** Every key: the built-in ones in the enum's order, then the declared ones in the file's order. */
  definitions(): PermissionDefinition[] {
    return [...this.definitionsByKey.values()];
  }

  /** Keys in a stable order: the table's. */
  sorted(keys: ReadonlySet<string>): string[] {
    return [...this.definitionsByKey.keys()].filter((key) => keys.has(key));
  }
}
