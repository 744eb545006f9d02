import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { IsNull } from 'typeorm';
import { ProvisioningToken } from '../../../entities/provisioning-token.entity';
import type { RequestScope } from '../../request/scope';
import { inTransaction, withOrganizationLock } from '../../db/transaction';
import { knownOwner, rememberedOwner } from '../../db/organization-admission';
import { toSqlDateTime } from '../../db/sql';
import { AuditAction } from '../../domain/enums';
import { BadUserInputError, NotFoundError } from '../../domain/errors';
import { organizationScope } from '../../domain/scope';
import { isUuid } from '../../domain/validation';
import { auditActorOf, recordAudit } from '../audit/audit.service';

/**
 * Provisioning tokens (docs/domain-rules.md §15): the bearer tokens an organization's directory
 * sends to `/scim/v2`. An ADMIN (MANAGE_PROVISIONING, checked by the rules) makes one — shown in
 * that answer only, stored as its SHA-256 — and revokes it; the SCIM endpoint finds the
 * organization by the token's hash.
 */

/** Live tokens one organization may hold: one per directory connection, and a few to rotate. */
export const MAX_TOKENS = 10;

/** `scim_` + 32 random bytes, base64url: 256 bits, recognisable in a secret scanner. */
function newToken(): string {
  return `scim_${randomBytes(32).toString('base64url')}`;
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function validDescription(value: string | null | undefined): string | null {
  const text = (value ?? '').normalize('NFC').trim();
  if (text === '') return null;
  if ([...text].length > 200 || /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(text)) {
    throw new BadUserInputError(
      'description must be at most 200 characters, without control characters.',
      'description',
    );
  }
  return text;
}

export async function createProvisioningToken(
  ctx: RequestScope,
  input: { organizationId: string; description?: string | null },
): Promise<{ token: string; provisioningToken: ProvisioningToken }> {
  const description = validDescription(input.description);
  const token = newToken();
  const now = ctx.now;
  const provisioningToken = Object.assign(new ProvisioningToken(), {
    id: randomUUID(),
    organizationId: input.organizationId,
    description,
    tokenHash: tokenHash(token),
    createdById: ctx.viewer?.id ?? null,
    createdAt: now,
    updatedAt: now,
    lastUsedAt: null,
    revokedAt: null,
  });
  // Under the organization's lock, so that two at once cannot both pass the limit.
  await withOrganizationLock(
    ctx.db,
    input.organizationId,
    async (em) => {
      const live = await em.countBy(ProvisioningToken, { organizationId: input.organizationId, revokedAt: IsNull() });
      if (live >= MAX_TOKENS) {
        throw new BadUserInputError(
          `An organization holds at most ${MAX_TOKENS} provisioning tokens: revoke one first.`,
          'organizationId',
        );
      }
      await em.insert(ProvisioningToken, provisioningToken);
      await recordAudit(em, auditActorOf(ctx), {
        action: AuditAction.PROVISIONING_TOKEN_CREATED,
        scope: organizationScope({ id: input.organizationId }),
        // The token by its name (never the token itself).
        after: description,
      });
    },
    () => new NotFoundError('Organization'),
  );
  return { token, provisioningToken };
}

/** Revokes a token: the directory's next request with it is refused (401). */
export async function revokeProvisioningToken(ctx: RequestScope, id: string): Promise<string> {
  const token = isUuid(id) ? await ctx.loaders.provisioningToken.load(id) : null;
  if (!token || token.revokedAt) throw new NotFoundError('Provisioning token');
  await inTransaction(ctx.db, async (em) => {
    const result = await em
      .createQueryBuilder()
      .update(ProvisioningToken)
      .set({ revokedAt: ctx.now, updatedAt: ctx.now })
      .where('id = :id AND revoked_at IS NULL', { id })
      .execute();
    if (result.affected !== 1) throw new NotFoundError('Provisioning token');
    await recordAudit(em, auditActorOf(ctx), {
      action: AuditAction.PROVISIONING_TOKEN_REVOKED,
      scope: organizationScope({ id: token.organizationId }),
      before: token.description,
    });
  });
  ctx.loaders.provisioningToken.clear(id);
  return id;
}

/** An organization's live tokens, newest first (never the tokens themselves). */
export function provisioningTokensOf(ctx: RequestScope, organizationId: string): Promise<ProvisioningToken[]> {
  return ctx.db.getRepository(ProvisioningToken).find({
    where: { organizationId, revokedAt: IsNull() },
    order: { createdAt: 'DESC', id: 'DESC' },
  });
}

/** How stale `last_used_at` may get before a request writes it again: not a write per request. */
const LAST_USE_PRECISION_MS = 60_000;

const isProvisioningToken = (bearer: string) => /^scim_[A-Za-z0-9_-]{43}$/.test(bearer);
const tokenKey = (hash: string) => `provisioning_tokens#hash:${hash}`;

/**
 * provisioningTokenOrganization without a read: the organization when this token's is remembered
 * already (a directory's second request on), undefined otherwise. SCIM's admission asks it
 * before the body is read, so that a refused request of a known token costs no more than its headers.
 */
export function knownProvisioningTokenOrganization(db: DataSource, bearer: string): string | undefined {
  return isProvisioningToken(bearer) ? knownOwner(db, tokenKey(tokenHash(bearer))) : undefined;
}

/**
 * The organization a provisioning token was made for (revoked or not), or null for no such token:
 * what SCIM's admission needs before anything else (docs/domain-rules.md §9). Remembered, so that a
 * directory's burst costs no read before its organization's turn — the token itself is checked
 * (`authenticateProvisioning`) once the turn is taken.
 */
export function provisioningTokenOrganization(db: DataSource, bearer: string): Promise<string | null> {
  if (!isProvisioningToken(bearer)) return Promise.resolve(null);
  const hash = tokenHash(bearer);
  return rememberedOwner(db, tokenKey(hash), async () => {
    const [row] = (await db.query('SELECT organization_id FROM provisioning_tokens WHERE token_hash = ?', [hash])) as {
      organization_id: string;
    }[];
    return row?.organization_id ?? null;
  });
}

/**
 * The live token a SCIM request's bearer names, or null (an unknown, malformed or revoked token
 * all look alike). Records its use, to the minute.
 */
export async function authenticateProvisioning(
  db: DataSource,
  bearer: string,
  now: Date,
): Promise<ProvisioningToken | null> {
  if (!isProvisioningToken(bearer)) return null;
  const token = await db
    .getRepository(ProvisioningToken)
    .findOneBy({ tokenHash: tokenHash(bearer), revokedAt: IsNull() });
  if (!token) return null;
  if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() >= LAST_USE_PRECISION_MS) {
    await inTransaction(db, (em) =>
      em.query('UPDATE provisioning_tokens SET last_used_at = ? WHERE id = ?', [toSqlDateTime(now), token.id]),
    );
    token.lastUsedAt = now;
  }
  return token;
}
