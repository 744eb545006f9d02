import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { WebhookDelivery, WebhookEndpoint } from '../../entities/webhook.entity';
import { Connection } from '../types/connections';
import { AuditAction } from '../../src/domain/enums';

@InputType()
export class CreateWebhookEndpointInput {
  @Field(() => ID)
  organizationId!: string;

  @Field(() => String)
  url!: string;

  @Field(() => [AuditAction], { nullable: true, defaultValue: [] })
  actions?: AuditAction[] | null;
}

@InputType()
export class UpdateWebhookEndpointInput {
  @Field(() => String, { nullable: true })
  url?: string | null;

  @Field(() => [AuditAction], { nullable: true })
  actions?: AuditAction[] | null;

  @Field(() => Boolean, { nullable: true })
  enabled?: boolean | null;
}

@ObjectType()
export class WebhookEndpointWithSecret {
  @Field(() => WebhookEndpoint)
  endpoint!: WebhookEndpoint;

  @Field(() => String, { description: 'whsec_ followed by the base64 key; shown only in this answer.' })
  secret!: string;
}

@ObjectType()
export class WebhookDeliveryConnection extends Connection(WebhookDelivery, 'WebhookDelivery') {}
