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
}
