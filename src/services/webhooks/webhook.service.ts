import { randomBytes, randomUUID } from 'node:crypto';
import { WebhookDelivery, WebhookEndpoint } from '../../../entities/webhook.entity';
import type { RequestScope } from '../../request/scope';
import { findLocked, inTransaction, withOrganizationLock } from '../../db/transaction';
import { AuditAction, DeliveryStatus } from '../../domain/enums';
import { organizationScope } from '../../domain/scope';
import { BadUserInputError, NotFoundError } from '../../domain/errors';
import { checkWebhookUrl, WebhookUrlError } from '../../outbound/addresses';
import { auditActorOf, recordAudit } from '../audit/audit.service';
import type { Page } from '../../db/pagination';
import { newestFirstPage } from '../../db/pagination';

/**
 * Webhook endpoints (docs/domain-rules.md §12): an organization ADMIN (MANAGE_WEBHOOKS, checked by the rules)
 * registers URLs for the actions wanted; every audit event is then queued for them in its own
 * transaction (see recordAudit) and delivered by the WebhookDispatcher.
 */

/** `whsec_` + base64 of 32 random bytes: the Standard Webhooks form of a signing key. */
function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

async function validUrl(ctx: RequestScope, url: string): Promise<string> {
  try {
    return await checkWebhookUrl(url, ctx.config.webhooksAllowPrivate);
  } catch (error) {
    if (error instanceof WebhookUrlError) throw new BadUserInputError(error.message, 'url');
    throw error;
  }
}

const actionList = (actions: AuditAction[] | null | undefined) => [...new Set(actions ?? [])].sort().join(',');

export interface EndpointWithSecret {
  endpoint: WebhookEndpoint;
  secret: string;
}

/** A new endpoint; its secret is in this answer only. */
export async function createWebhookEndpoint(
  ctx: RequestScope,
  input: { organizationId: string; url: string; actions?: AuditAction[] | null },
): Promise<EndpointWithSecret> {
  const url = await validUrl(ctx, input.url);
  const now = ctx.now;
  const endpoint = Object.assign(new WebhookEndpoint(), {
    id: randomUUID(),
    organizationId: input.organizationId,
    url,
    actionList: actionList(input.actions),
    enabled: true,
    secret: newSecret(),
    createdAt: now,
    updatedAt: now,
  });
  // Under the organization's lock, so that two creations at once cannot both pass the limit.
  await withOrganizationLock(
    ctx.db,
    input.organizationId,
    async (em) => {
      const held = await em.countBy(WebhookEndpoint, { organizationId: input.organizationId });
      if (held >= ctx.config.webhookMaxEndpoints) {
        throw new BadUserInputError(
          `An organization has at most ${ctx.config.webhookMaxEndpoints} webhook endpoints: delete one first.`,
          'organizationId',
        );
      }
      await em.insert(WebhookEndpoint, endpoint);
      await recordAudit(em, auditActorOf(ctx), {
        action: AuditAction.WEBHOOK_ENDPOINT_CREATED,
        scope: organizationScope({ id: endpoint.organizationId }),
      });
    },
    () => new NotFoundError('Organization'),
  );
  return { endpoint, secret: endpoint.secret };
}

async function mustFindEndpoint(ctx: RequestScope, id: string): Promise<WebhookEndpoint> {
  const endpoint = await ctx.loaders.webhookEndpoint.load(id);
  if (!endpoint) throw new NotFoundError('Webhook endpoint');
  return endpoint;
}

/** Changes the URL, the actions wanted (empty: all) or whether the endpoint receives anything. */
export async function updateWebhookEndpoint(
  ctx: RequestScope,
  id: string,
  input: { url?: string | null; actions?: AuditAction[] | null; enabled?: boolean | null },
): Promise<WebhookEndpoint> {
  const endpoint = await mustFindEndpoint(ctx, id);
  const changes: Partial<WebhookEndpoint> = { updatedAt: ctx.now };
  if (input.url !== undefined && input.url !== null) changes.url = await validUrl(ctx, input.url);
  if (input.actions !== undefined && input.actions !== null) changes.actionList = actionList(input.actions);
  if (input.enabled !== undefined && input.enabled !== null) {
    changes.enabled = input.enabled;
    // Enabled again by a person: its deliveries start afresh, not already failing for days.
    if (input.enabled) changes.failingSince = null;
  }
  await inTransaction(ctx.db, async (em) => {
    await em.update(WebhookEndpoint, { id }, changes);
    await recordAudit(em, auditActorOf(ctx), {
      action: AuditAction.WEBHOOK_ENDPOINT_UPDATED,
      scope: organizationScope({ id: endpoint.organizationId }),
    });
  });
  ctx.loaders.webhookEndpoint.clear(id);
  return Object.assign(endpoint, changes);
}

/** A new secret, shown in this answer only; deliveries queued from now on are signed with it. */
export async function rotateWebhookSecret(ctx: RequestScope, id: string): Promise<EndpointWithSecret> {
  const endpoint = await mustFindEndpoint(ctx, id);
  const secret = newSecret();
  await inTransaction(ctx.db, async (em) => {
    await em.update(WebhookEndpoint, { id }, { secret, updatedAt: ctx.now });
    await em.update(WebhookDelivery, { endpointId: id, status: DeliveryStatus.PENDING }, { secret });
    await recordAudit(em, auditActorOf(ctx), {
      action: AuditAction.WEBHOOK_ENDPOINT_UPDATED,
      scope: organizationScope({ id: endpoint.organizationId }),
    });
  });
  ctx.loaders.webhookEndpoint.clear(id);
  return { endpoint: Object.assign(endpoint, { secret }), secret };
}

/** Deletes an endpoint; what was still queued for it is not sent. */
export async function deleteWebhookEndpoint(ctx: RequestScope, id: string): Promise<string> {
  const endpoint = await mustFindEndpoint(ctx, id);
  await inTransaction(ctx.db, async (em) => {
    await em.delete(WebhookDelivery, { endpointId: id, status: DeliveryStatus.PENDING });
    await em.delete(WebhookEndpoint, { id });
    await recordAudit(em, auditActorOf(ctx), {
      action: AuditAction.WEBHOOK_ENDPOINT_DELETED,
      scope: organizationScope({ id: endpoint.organizationId }),
    });
  });
  ctx.loaders.webhookEndpoint.clear(id);
  return id;
}

/** The organization's endpoints, oldest first. */
export function webhookEndpointsOf(ctx: RequestScope, organizationId: string): Promise<WebhookEndpoint[]> {
  return ctx.db
    .getRepository(WebhookEndpoint)
    .find({ where: { organizationId }, order: { createdAt: 'ASC', id: 'ASC' } });
}

/** An endpoint's deliveries, newest first, keyset-paginated. */
export async function deliveriesOf(
  ctx: RequestScope,
  endpoint: WebhookEndpoint,
  args: { first?: number | null; after?: string | null },
): Promise<Page<WebhookDelivery>> {
  const query = ctx.db
    .getRepository(WebhookDelivery)
    .createQueryBuilder('d')
    .where('d.endpoint_id = :id', { id: endpoint.id });
  return newestFirstPage(query, 'd', 'created_at', (delivery) => delivery.createdAt, args);
}

const deliveryNotFound = () => new NotFoundError('Webhook delivery');

/**
 * Queues a FAILED delivery again (MANAGE_WEBHOOKS on its organization, checked by the rule), to
 * the endpoint's current URL with its current secret, with a fresh set of attempts. The body and
 * the `webhook-id` stay those of the event, so receivers still deduplicate on it.
 */
export async function redeliverWebhook(ctx: RequestScope, deliveryId: string): Promise<WebhookDelivery> {
  const delivery = await ctx.loaders.webhookDelivery.load(deliveryId);
  if (!delivery) throw deliveryNotFound();
  const now = ctx.config.clock.now();
  const redelivered = await inTransaction(ctx.db, async (em) => {
    const fresh = await findLocked(em, WebhookDelivery, { id: deliveryId });
    const endpoint = fresh && (await em.findOneBy(WebhookEndpoint, { id: fresh.endpointId }));
    if (!fresh || !endpoint) throw deliveryNotFound();
    if (fresh.status !== DeliveryStatus.FAILED) {
      throw new BadUserInputError('Only a FAILED delivery can be delivered again.', 'deliveryId');
    }
    if (!endpoint.enabled) {
      throw new BadUserInputError('The endpoint is disabled: enable it first.', 'deliveryId');
    }
    const changes = {
      status: DeliveryStatus.PENDING,
      attempts: 0,
      url: endpoint.url,
      secret: endpoint.secret,
      nextAttemptAt: now,
      claimToken: null,
      claimedUntil: null,
      updatedAt: now,
    };
    await em.update(WebhookDelivery, { id: deliveryId }, changes);
    return Object.assign(fresh, changes);
  });
  ctx.loaders.webhookDelivery.clear(deliveryId);
  return redelivered;
}
