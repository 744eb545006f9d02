import { Field, ID, ObjectType } from 'type-graphql';
import { ScopeKind } from '../../src/domain/enums';
import { Connection } from '../types/connections';

@ObjectType({
  description: 'A permission key: built-in (the Permission enum’s values) or declared by the supergraph’s operator.',
})
export class PermissionDefinition {
  @Field(() => String)
  key!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => [ScopeKind])
  scopes!: ScopeKind[];

  @Field(() => Boolean)
  builtIn!: boolean;
}

@ObjectType({ description: 'A scope named by kind and id.' })
export class ScopeRef {
  @Field(() => ScopeKind)
  kind!: ScopeKind;

  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => ID)
  organizationId!: string;
}

/** No `nodes`: the list has never had them. */
@ObjectType()
export class ScopeConnection extends Connection(ScopeRef, 'Scope', { nodes: false }) {}
