import { Field, Int, ObjectType } from 'type-graphql';
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

@ObjectType()
export class MemberEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Membership)
  node!: Membership;
}

/** `totalCount` is resolved lazily (a second statement only when asked for). */
@ObjectType()
export class MemberConnection {
  @Field(() => [MemberEdge])
  edges!: MemberEdge[];

  @Field(() => [Membership])
  nodes!: Membership[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  /** What the page was asked with, for `totalCount`. */
  key!: MemberPageKey;

  /** The total read with the page, when `totalCount` was selected (a search's is capped). */
  total!: { total: number; lowerBound: boolean } | null;
}

@ObjectType()
export class OrganizationEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Organization)
  node!: Organization;
}

@ObjectType()
export class OrganizationConnection {
  @Field(() => [OrganizationEdge])
  edges!: OrganizationEdge[];

  @Field(() => [Organization])
  nodes!: Organization[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
}

@ObjectType()
export class InvitationEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Invitation)
  node!: Invitation;
}

@ObjectType()
export class InvitationConnection {
  @Field(() => [InvitationEdge])
  edges!: InvitationEdge[];

  @Field(() => [Invitation])
  nodes!: Invitation[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
}
