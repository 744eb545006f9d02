import { MAX_RESULTS, SCIM } from './scim';

/**
 * SCIM discovery (RFC 7644 §4, RFC 7643 §5–§7): what this service provider supports, and no
 * more — PATCH and filters yes (at most MAX_RESULTS a page), bulk, sort, ETags and password
 * changes no; the User and Group attributes the service reads. Other User attributes a directory
 * sends (phone numbers, the enterprise extension) are kept and returned as sent, and not filtered on.
 */

interface Attribute {
  name: string;
  type: 'string' | 'boolean' | 'complex' | 'dateTime' | 'reference';
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  returned: 'always' | 'default' | 'never' | 'request';
  uniqueness: 'none' | 'server' | 'global';
  subAttributes?: Attribute[];
  canonicalValues?: string[];
  referenceTypes?: string[];
}

const attribute = (
  name: string,
  description: string,
  options: Partial<Omit<Attribute, 'name' | 'description'>> = {},
): Attribute => ({
  name,
  type: 'string',
  multiValued: false,
  description,
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  ...options,
});

const USER_ATTRIBUTES: Attribute[] = [
  attribute(
    'userName',
    "Any unique identifier (case-insensitive). The person's address is userName when it is an email address, else the primary, work or first emails value.",
    {
      required: true,
      uniqueness: 'server',
    },
  ),
  attribute('externalId', "The directory's own id for the person.", { caseExact: true }),
  attribute('displayName', 'The name shown in members lists (else name.formatted, else given and family names).'),
  attribute('name', 'The parts of the name.', {
    type: 'complex',
    subAttributes: [
      attribute('formatted', 'The full name.'),
      attribute('givenName', 'The given name.'),
      attribute('familyName', 'The family name.'),
    ],
  }),
  attribute('emails', 'Email addresses (filterable by value); the address of a userName that is none.', {
    type: 'complex',
    multiValued: true,
    subAttributes: [
      attribute('value', 'The address.'),
      attribute('type', 'work, home or other.', { canonicalValues: ['work', 'home', 'other'] }),
      attribute('primary', 'The primary address.', { type: 'boolean' }),
    ],
  }),
  attribute('active', 'False removes the membership (the last ADMIN cannot be); true restores it.', {
    type: 'boolean',
  }),
  attribute(
    'roles',
    'The organization role: ADMIN, ACCOUNTING or MEMBER (the primary one, when several). Default MEMBER.',
    {
      type: 'complex',
      multiValued: true,
      subAttributes: [
        attribute('value', 'ADMIN, ACCOUNTING or MEMBER.', { canonicalValues: ['ADMIN', 'ACCOUNTING', 'MEMBER'] }),
        attribute('primary', 'The role that applies.', { type: 'boolean' }),
      ],
    },
  ),
];

const GROUP_ATTRIBUTES: Attribute[] = [
  attribute('displayName', "The workspace's name (1 to 100 characters).", { required: true }),
  attribute('externalId', "The directory's own id for the group.", { caseExact: true }),
  attribute('members', "The provisioned Users in the workspace: its MEMBERs (from a person's first sign-in).", {
    type: 'complex',
    multiValued: true,
    subAttributes: [
      attribute('value', 'The User id.', { caseExact: true }),
      attribute('display', 'The userName.', { mutability: 'readOnly' }),
      attribute('$ref', 'The User.', { type: 'reference', referenceTypes: ['User'], mutability: 'readOnly' }),
    ],
  }),
];

export function scimDiscovery(base: string) {
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
  const resourceTypes = [
    {
      schemas: [SCIM.RESOURCE_TYPE],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: "A person of the organization's directory.",
      schema: SCIM.USER,
      schemaExtensions: [],
      meta: meta('ResourceType', 'ResourceTypes/User'),
    },
    {
      schemas: [SCIM.RESOURCE_TYPE],
      id: 'Group',
      name: 'Group',
      endpoint: '/Groups',
      description: 'A workspace of the organization.',
      schema: SCIM.GROUP,
      schemaExtensions: [],
      meta: meta('ResourceType', 'ResourceTypes/Group'),
    },
  ];
  const schemas = [
    {
      schemas: [SCIM.SCHEMA],
      id: SCIM.USER,
      name: 'User',
      description: 'A person of the organization.',
      attributes: USER_ATTRIBUTES,
      meta: meta('Schema', `Schemas/${SCIM.USER}`),
    },
    {
      schemas: [SCIM.SCHEMA],
      id: SCIM.GROUP,
      name: 'Group',
      description: 'A workspace.',
      attributes: GROUP_ATTRIBUTES,
      meta: meta('Schema', `Schemas/${SCIM.GROUP}`),
    },
  ];
  return { serviceProviderConfig, resourceTypes, schemas };
}
