import { MAX_RESULTS, type Resource, SCIM } from './protocol';
import type { ResourceType } from './resource-type';

/**
 * SCIM discovery (RFC 7644 §4, RFC 7643 §5–§7): what this service provider supports, and no
 * more — PATCH and filters yes (at most MAX_RESULTS a page), bulk, sort, ETags and password
 * changes no; the ResourceTypes and Schemas of the table of resource types, with the attributes
 * each reads. Other User attributes a directory sends (phone numbers, the enterprise extension)
 * are kept and returned as sent, and not filtered on.
 */

export interface Discovery {
  serviceProviderConfig: Resource;
  resourceTypes: (Resource & { id: string })[];
  schemas: (Resource & { id: string })[];
}

export function scimDiscovery(types: readonly ResourceType[], base: string): Discovery {
  const meta = (resourceType: string, path: string) => ({ resourceType, location: `${base}/${path}` });
  const serviceProviderConfig = {
    schemas: [SCIM.SERVICE_PROVIDER_CONFIG],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'Provisioning token',
        description: 'A bearer token made by an organization ADMIN (createProvisioningToken).',
        primary: true,
      },
    ],
    meta: meta('ServiceProviderConfig', 'ServiceProviderConfig'),
  };
  const resourceTypes = types.map((type) => ({
    schemas: [SCIM.RESOURCE_TYPE],
    id: type.name,
    name: type.name,
    endpoint: type.endpoint,
    description: type.description.resourceType,
    schema: type.schema,
    schemaExtensions: (type.extensions ?? []).map((extension) => ({ schema: extension.schema, required: false })),
    meta: meta('ResourceType', `ResourceTypes/${type.name}`),
  }));
  const schemas = types.flatMap((type) =>
    [
      { id: type.schema, name: type.name, description: type.description.schema, attributes: type.attributes },
      ...(type.extensions ?? []).map((extension) => ({ id: extension.schema, ...extension })),
    ].map(({ id, name, description, attributes }) => ({
      schemas: [SCIM.SCHEMA],
      id,
      name,
      description,
      attributes,
      meta: meta('Schema', `Schemas/${id}`),
    })),
  );
  return { serviceProviderConfig, resourceTypes, schemas };
}
