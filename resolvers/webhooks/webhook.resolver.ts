import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import { WebhookDelivery, WebhookEndpoint } from '../../entities/webhook.entity';
import type { RequestScope } from '../../src/request/scope';
import * as webhooks from '../../src/services/webhooks/webhook.service';
import { AuditAction } from '../../src/domain/enums';
import {
  CreateWebhookEndpointInput,
  UpdateWebhookEndpointInput,
  WebhookDeliveryConnection,
  WebhookEndpointWithSecret,
} from './webhooks.types';

@Resolver(() => WebhookEndpoint)
export class WebhookResolver {
  @FieldResolver(() => [AuditAction], { description: 'The actions delivered; empty means every action.' })
  actions(@Root() endpoint: WebhookEndpoint): AuditAction[] {
    return endpoint.actions;
  }

  @FieldResolver(() => WebhookDeliveryConnection, { description: 'Newest first.' })
  async deliveries(
    @Root() endpoint: WebhookEndpoint,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestScope,
  ): Promise<WebhookDeliveryConnection> {
    return Object.assign(new WebhookDeliveryConnection(), await webhooks.deliveriesOf(ctx, endpoint, { first, after }));
  }

  @Mutation(() => WebhookEndpointWithSecret, {
    description: 'The secret is shown in this answer only. Needs MANAGE_WEBHOOKS on the organization.',
  })
  async createWebhookEndpoint(
    @Arg('input', () => CreateWebhookEndpointInput) input: CreateWebhookEndpointInput,
    @Ctx() ctx: RequestScope,
  ): Promise<WebhookEndpointWithSecret> {
    return Object.assign(new WebhookEndpointWithSecret(), await webhooks.createWebhookEndpoint(ctx, input));
  }

  @Mutation(() => WebhookEndpoint)
  updateWebhookEndpoint(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateWebhookEndpointInput) input: UpdateWebhookEndpointInput,
    @Ctx() ctx: RequestScope,
  ) {
    return webhooks.updateWebhookEndpoint(ctx, id, input);
  }

  @Mutation(() => WebhookEndpointWithSecret)
  async rotateWebhookSecret(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: RequestScope,
  ): Promise<WebhookEndpointWithSecret> {
    return Object.assign(new WebhookEndpointWithSecret(), await webhooks.rotateWebhookSecret(ctx, id));
  }

  @Mutation(() => WebhookDelivery, { description: 'Queues a FAILED delivery again. Needs MANAGE_WEBHOOKS.' })
  redeliverWebhook(@Arg('deliveryId', () => ID) deliveryId: string, @Ctx() ctx: RequestScope) {
    return webhooks.redeliverWebhook(ctx, deliveryId);
  }

  @Mutation(() => ID)
  deleteWebhookEndpoint(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestScope) {
    return webhooks.deleteWebhookEndpoint(ctx, id);
  }
}
