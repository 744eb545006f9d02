import { Groups } from './groups';
import type { ResourceType } from './resource-type';
import { Users } from './users';

/**
 * The table of resource types the service provides (RFC 7643 §6): the routes (src/scim/routes.ts)
 * and the discovery's ResourceTypes and Schemas (src/scim/discovery.ts) are made from it. To add a
 * resource type, write one (src/scim/users.ts is the model) and name it here.
 */
export const RESOURCE_TYPES: readonly ResourceType[] = [Users, Groups];
