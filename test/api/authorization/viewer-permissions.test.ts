import { DomainDocument, OrganizationDocument, WorkspaceDocument } from '../../generated/graphql';
import { type Persona } from '../../support/factories';
import { describeOnEachDatabase, useHarness, useWorld } from '../../support/each-database';

/**
 * `viewerRole` and `viewerPermissions` of each kind of member at each scope, as docs/domain-rules.md §2 gives
 * them, written out by hand. `—` means the scope is not visible (NOT_FOUND).
 */
type Expected = { role: string | null; permissions: string[] } | '—';

const ADMIN_ORG = [
  'READ',
  'UPDATE',
  'DELETE',
  'READ_MEMBERS',
  'INVITE_MEMBERS',
  'MANAGE_MEMBERS',
  'CREATE_WORKSPACE',
  'READ_BILLING',
  'UPDATE_BILLING',
  'READ_AUDIT_LOG',
  'MANAGE_WEBHOOKS',
  'MANAGE_PROVISIONING',
  'MANAGE_ROLES',
];
const ADMIN_WS_VIA_ORG = [
  'READ',
  'UPDATE',
  'DELETE',
  'READ_MEMBERS',
  'INVITE_MEMBERS',
  'MANAGE_MEMBERS',
  'CREATE_DOMAIN',
  'READ_BILLING',
  'UPDATE_BILLING',
  'READ_AUDIT_LOG',
];
const ADMIN_WS = [
  'READ',
  'UPDATE',
  'READ_MEMBERS',
  'INVITE_MEMBERS',
  'MANAGE_MEMBERS',
  'CREATE_DOMAIN',
  'READ_AUDIT_LOG',
];
const ADMIN_DOMAIN = ['READ', 'UPDATE', 'DELETE', 'READ_MEMBERS', 'INVITE_MEMBERS', 'MANAGE_MEMBERS', 'READ_AUDIT_LOG'];
const MEMBER = ['READ', 'READ_MEMBERS'];

// prettier-ignore
const TABLE: Record<Exclude<Persona, 'anonymous' | 'outsider'>, [Expected, Expected, Expected]> = {
  //               organization                                          workspace W1                                         domain D1
  orgAdmin:      [{ role: 'ADMIN', permissions: ADMIN_ORG },             { role: 'ADMIN', permissions: ADMIN_WS_VIA_ORG },   { role: 'ADMIN', permissions: ADMIN_DOMAIN }],
  orgAccounting: [{ role: 'ACCOUNTING', permissions: ['READ', 'READ_MEMBERS', 'READ_BILLING', 'UPDATE_BILLING'] },
                                                                         { role: 'ACCOUNTING', permissions: ['READ', 'READ_BILLING', 'UPDATE_BILLING'] },
                                                                                                                             '—'],
  orgMember:     [{ role: 'MEMBER', permissions: MEMBER },               '—',                                                '—'],
  wsAdmin:       [{ role: 'MEMBER', permissions: MEMBER },               { role: 'ADMIN', permissions: ADMIN_WS },           { role: 'ADMIN', permissions: ADMIN_DOMAIN }],
  wsMember:      [{ role: 'MEMBER', permissions: MEMBER },               { role: 'MEMBER', permissions: MEMBER },            { role: 'MEMBER', permissions: MEMBER }],
  domainAdmin:   [{ role: 'MEMBER', permissions: MEMBER },               { role: null, permissions: ['READ'] },              { role: 'ADMIN', permissions: ADMIN_DOMAIN }],
  domainMember:  [{ role: 'MEMBER', permissions: MEMBER },               { role: null, permissions: ['READ'] },              { role: 'MEMBER', permissions: MEMBER }],
};

describeOnEachDatabase('viewerRole and viewerPermissions', (kind) => {
  const h = useHarness(kind);
  const world = useWorld(h);

  const rows = Object.entries(TABLE).map(([persona, cells]) => [persona as Persona, ...cells] as const);

  it.each(rows)('%s', async (persona, atOrg, atWs, atDomain) => {
    const who = world.as(persona);
    const org = await h.run(OrganizationDocument, { id: world.organization.id }, who);
    const ws = await h.run(WorkspaceDocument, { id: world.w1.id }, who);
    const dom = await h.run(DomainDocument, { id: world.d1.id }, who);
    const seen = (data: { viewerRole?: string | null; viewerPermissions: string[] } | null | undefined): Expected =>
      data ? { role: data.viewerRole ?? null, permissions: data.viewerPermissions } : '—';
    expect([seen(org.data?.organization), seen(ws.data?.workspace), seen(dom.data?.domain)]).toEqual([
      atOrg,
      atWs,
      atDomain,
    ]);
  });
});
