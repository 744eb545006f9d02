import { BillingProfile, WorkspaceBilling } from '../../../entities/billing.entity';
import type { RequestScope } from '../../request/scope';
import { ISO_COUNTRY_CODES } from '../../domain/countries';
import { AuditAction } from '../../domain/enums';
import { organizationScope, workspaceScope } from '../../domain/scope';
import { auditActorOf, recordAudit } from '../audit/audit.service';
import { findLocked, withOrganizationLock } from '../../db/transaction';
import { assertScopeExists } from '../memberships/membership-grants';
import { BadUserInputError, NotFoundError } from '../../domain/errors';
import { validEmail } from '../../domain/validation';

/**
 * Invoicing information of organizations and workspaces (docs/domain-rules.md §2: organization ADMIN and
 * ACCOUNTING). Updates are partial: a field left out stays as it is, a field set to null (or to
 * an empty string) is cleared.
 */

type Rule = (value: string, field: string) => string;

const text =
  (max: number, pattern?: RegExp, hint?: string): Rule =>
  (value, field) => {
    if (value.length > max) throw new BadUserInputError(`${field} must be at most ${max} characters.`, field);
    if (/[\u0000-\u001f\u007f]/.test(value))
      throw new BadUserInputError(`${field} must not contain control characters.`, field);
    if (pattern && !pattern.test(value)) throw new BadUserInputError(`${field} ${hint}.`, field);
    return value;
  };

const country: Rule = (value, field) => {
  const code = value.toUpperCase();
  if (!ISO_COUNTRY_CODES.has(code)) {
    throw new BadUserInputError(`${field} must be an ISO 3166-1 alpha-2 country code, e.g. FR.`, field);
  }
  return code;
};

const email: Rule = (value, field) => validEmail(value, field);

const PROFILE_RULES: Record<string, Rule> = {
  legalName: text(200),
  billingEmail: email,
  addressLine1: text(200),
  addressLine2: text(200),
  postalCode: text(20, /^[A-Za-z0-9][A-Za-z0-9 -]*$/, 'may hold letters, digits, spaces and hyphens only'),
  city: text(100),
  country,
  vatNumber: (value, field) =>
    text(20, /^[A-Z0-9]+$/, 'may hold letters and digits only')(value.replace(/[\s.-]/g, '').toUpperCase(), field),
};

const WORKSPACE_RULES: Record<string, Rule> = {
  billingEmail: email,
  purchaseOrderNumber: text(64),
  costCenter: text(64),
};

/** The changes an input asks for, validated: undefined keys are left out, null and '' clear. */
function changes(input: object, rules: Record<string, Rule>): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [field, rule] of Object.entries(rules)) {
    const value = (input as Record<string, unknown>)[field];
    if (value === undefined) continue;
    if (value === null) {
      out[field] = null;
      continue;
    }
    const trimmed = String(value).trim();
    out[field] = trimmed === '' ? null : rule(trimmed, field);
  }
  return out;
}

function emptyProfile(organizationId: string): BillingProfile {
  return Object.assign(new BillingProfile(), {
    organizationId,
    legalName: null,
    billingEmail: null,
    addressLine1: null,
    addressLine2: null,
    postalCode: null,
    city: null,
    country: null,
    vatNumber: null,
    updatedAt: null,
  });
}

function emptyWorkspaceBilling(workspaceId: string): WorkspaceBilling {
  return Object.assign(new WorkspaceBilling(), {
    workspaceId,
    billingEmail: null,
    purchaseOrderNumber: null,
    costCenter: null,
    updatedAt: null,
  });
}

/**
 * The fields an update names, as the audit log's before/after text ("city: Lyon; vatNumber: —").
 * An address is personal data the log keeps apart (docs/domain-rules.md §16): only whether it
 * was set shows.
 */
function billingFields(record: object, patch: object): string | null {
  const keys = Object.keys(patch);
  if (keys.length === 0) return null;
  const shown = (key: string) => {
    const value = (record as Record<string, unknown>)[key];
    if (value === null || value === undefined || value === '') return '—';
    return /email/i.test(key) ? 'an address' : String(value);
  };
  return keys.map((key) => `${key}: ${shown(key)}`).join('; ');
}

/** The organization's invoicing profile; an empty one (all fields null) until first written. */
export async function billingProfileOf(ctx: RequestScope, organizationId: string): Promise<BillingProfile> {
  return (await ctx.loaders.billingProfile.load(organizationId)) ?? emptyProfile(organizationId);
}

/** A workspace's invoicing details; empty (all fields null) until first written. */
export async function workspaceBillingOf(ctx: RequestScope, workspaceId: string): Promise<WorkspaceBilling> {
  return (await ctx.loaders.workspaceBilling.load(workspaceId)) ?? emptyWorkspaceBilling(workspaceId);
}

/**
 * A partial update of the organization's profile (a field left out is unchanged, null or empty
 * clears it), under the organization's lock so that concurrent first writes take turns.
 */
export async function updateBillingProfile(
  ctx: RequestScope,
  organizationId: string,
  input: object,
): Promise<BillingProfile> {
  const patch = changes(input, PROFILE_RULES);
  // The organization's lock makes concurrent first updates take turns: the second finds the
  // row the first inserted and updates it, instead of failing on the duplicate key.
  const saved = await withOrganizationLock(
    ctx.db,
    organizationId,
    async (em) => {
      const current = (await findLocked(em, BillingProfile, { organizationId })) ?? emptyProfile(organizationId);
      const before = billingFields(current, patch);
      const next = Object.assign(current, patch, { organizationId, updatedAt: ctx.now });
      await em.save(BillingProfile, next);
      await recordAudit(em, auditActorOf(ctx), {
        action: AuditAction.BILLING_UPDATED,
        scope: organizationScope({ id: organizationId }),
        before,
        after: billingFields(next, patch),
      });
      return next;
    },
    () => new NotFoundError('Organization'),
  );
  ctx.loaders.billingProfile.clear(organizationId);
  return saved;
}

/** A partial update of a workspace's invoicing details, under its organization's lock. */
export async function updateWorkspaceBilling(
  ctx: RequestScope,
  workspaceId: string,
  input: object,
): Promise<WorkspaceBilling> {
  const patch = changes(input, WORKSPACE_RULES);
  const workspace = await ctx.loaders.workspace.load(workspaceId);
  const workspaceNotFound = () => new NotFoundError('Workspace');
  if (!workspace) throw workspaceNotFound();
  const saved = await withOrganizationLock(
    ctx.db,
    workspace.organizationId,
    async (em) => {
      await assertScopeExists(em, workspaceScope(workspace));
      const current = (await findLocked(em, WorkspaceBilling, { workspaceId })) ?? emptyWorkspaceBilling(workspaceId);
      const before = billingFields(current, patch);
      const next = Object.assign(current, patch, { workspaceId, updatedAt: ctx.now });
      await em.save(WorkspaceBilling, next);
      await recordAudit(em, auditActorOf(ctx), {
        action: AuditAction.BILLING_UPDATED,
        scope: workspaceScope(workspace),
        before,
        after: billingFields(next, patch),
      });
      return next;
    },
    workspaceNotFound,
  );
  ctx.loaders.workspaceBilling.clear(workspaceId);
  return saved;
}
