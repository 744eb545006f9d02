import { type ClassType, Field, Int, ObjectType } from 'type-graphql';
import { Invitation } from '../../entities/invitation.entity';
import { Membership } from '../../entities/membership.entity';
import { Organization } from '../../entities/organization.entity';
import type { MemberPageKey } from '../../src/db/member-page';

@ObjectType()
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

/**
 * The GraphQL shape of every paged list, made once: a subclass
 * `@ObjectType() class XConnection extends Connection(X, 'X') {}` is the type `XConnection`
 * with `edges: [XEdge!]!` (`cursor`, `node`), `nodes: [X!]!` (unless `nodes: false`) and
 * `pageInfo`; fields of its own (`totalCount`) follow these. It is filled with a `Page` of
 * src/db/pagination.ts. Abstract, it is no type of the schema itself (as in type-graphql's
 * `examples/generic-types`).
 */
export function Connection<T extends object>(node: ClassType<T>, name: string, options: { nodes?: boolean } = {}) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field(() => String)
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  const nodesField: PropertyDecorator = options.nodes === false ? () => undefined : Field(() => [node]);

  @ObjectType()
  abstract class ConnectionType {
    @Field(() => [Edge])
    edges!: Edge[];

    @nodesField
    nodes!: T[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;
  }
  return ConnectionType;
}

/** `totalCount` is resolved lazily (a second statement only when asked for). */
@ObjectType()
export class MemberConnection extends Connection(Membership, 'Member') {
  /** What the page was asked with, for `totalCount`. */
  key!: MemberPageKey;

  /** The total read with the page, when `totalCount` was selected (a search's is capped). */
  total!: { total: number; lowerBound: boolean } | null;
}

@ObjectType()
export class OrganizationConnection extends Connection(Organization, 'Organization') {
  @Field(() => Int)
  totalCount!: number;
}

@ObjectType()
export class InvitationConnection extends Connection(Invitation, 'Invitation') {
  @Field(() => Int)
  totalCount!: number;
}
