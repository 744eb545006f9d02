import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { AuditEvent } from '../../entities/audit-event.entity';
import { User } from '../../entities/user.entity';
import type { RequestScope } from '../../src/request/scope';

/** `actor` and `subject` as users, through the request's loader (a page of events: one statement). */
@Resolver(() => AuditEvent)
export class AuditEventResolver {
  @FieldResolver(() => User, {
    nullable: true,
    description: 'Who made the change; null when the system did (an expiry).',
  })
  actor(@Root() event: AuditEvent, @Ctx() ctx: RequestScope) {
    return event.actorId ? ctx.loaders.user.load(event.actorId) : null;
  }

  @FieldResolver(() => User, { nullable: true, description: 'The person the change is about, where there is one.' })
  subject(@Root() event: AuditEvent, @Ctx() ctx: RequestScope) {
    return event.subjectId ? ctx.loaders.user.load(event.subjectId) : null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      "The name the organization's directory (SCIM displayName) gave the actor; null when it gave none or the actor is no person it provisioned.",
  })
  actorDirectoryName(@Root() event: AuditEvent, @Ctx() ctx: RequestScope) {
    return event.actorId
      ? ctx.loaders.directoryName.load({ organizationId: event.organizationId, userId: event.actorId })
      : null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      "The name the organization's directory (SCIM displayName) gave the person the change is about — by `subject`, or by `email` for someone not signed in yet (an invitation); null when it gave none.",
  })
  subjectDirectoryName(@Root() event: AuditEvent, @Ctx() ctx: RequestScope) {
    const { organizationId } = event;
    if (event.subjectId) return ctx.loaders.directoryName.load({ organizationId, userId: event.subjectId });
    return event.email ? ctx.loaders.directoryName.load({ organizationId, email: event.email }) : null;
  }
}
