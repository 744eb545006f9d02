import { scimPatch, type ScimPatchOperation } from 'scim-patch';
import { asScimError, pathWithBooleans, type Resource, SCIM, ScimError, withBooleans } from './protocol';

/**
 * The PatchOp message (RFC 7644 §3.5.2), for every resource type: its operations read and made
 * standard (Entra ID's dialect: string booleans, capitalised ops, members removed by listing
 * them), then applied to the resource as the service shows it by `scim-patch`. What the result
 * means is the resource type's (its `patch`).
 */

export type PatchOperation = ScimPatchOperation;

/** A PatchOp body's operations, checked and in the standard dialect. */
export function patchOperations(body: unknown): PatchOperation[] {
  const request = body as { schemas?: unknown; Operations?: unknown; operations?: unknown } | null;
  if (
    !request ||
    typeof request !== 'object' ||
    !Array.isArray(request.schemas) ||
    !request.schemas.includes(SCIM.PATCH)
  ) {
    throw new ScimError(400, `A PATCH body has schemas [${SCIM.PATCH}] and Operations.`, 'invalidSyntax');
  }
  const operations = request.Operations ?? request.operations;
  if (!Array.isArray(operations) || operations.length === 0) {
    throw new ScimError(400, 'Operations must be a non-empty list.', 'invalidSyntax');
  }
  return operations.flatMap((operation) => {
    const { op, path, value } = (operation ?? {}) as { op?: unknown; path?: unknown; value?: unknown };
    // Entra ID removes group members by listing them: `remove` of `members` with
    // `[{ value: id }]`. RFC 7644 §3.5.2.2 selects by a path filter: each becomes `members[value eq "id"]`.
    if (
      typeof op === 'string' &&
      op.toLowerCase() === 'remove' &&
      typeof path === 'string' &&
      !path.includes('[') &&
      Array.isArray(value) &&
      value.length > 0 &&
      value.every((item) => item && typeof item === 'object' && typeof (item as { value?: unknown }).value === 'string')
    ) {
      return value.map(
        (item) =>
          ({
            op: 'remove',
            path: `${path}[value eq ${JSON.stringify((item as { value: string }).value)}]`,
          }) as PatchOperation,
      );
    }
    if (typeof op !== 'string' || !['add', 'replace', 'remove'].includes(op.toLowerCase())) {
      throw new ScimError(400, 'Each operation is add, replace or remove.', 'invalidSyntax');
    }
    if (path !== undefined && typeof path !== 'string')
      throw new ScimError(400, 'path must be a string.', 'invalidPath');
    const lastKey = typeof path === 'string' ? (path.split(/[.\]]/).pop() ?? path) : '';
    return {
      op: op.toLowerCase(),
      ...(path !== undefined ? { path: pathWithBooleans(path) } : {}),
      ...(value !== undefined ? { value: withBooleans(value, lastKey) } : {}),
    } as PatchOperation;
  });
}

/** Applies operations to a resource; `id` and `meta` are the service's and cannot be changed. */
export function applyPatch(resource: Resource, operations: PatchOperation[]): Resource {
  for (const operation of operations) {
    const target = (operation.path ?? '').toLowerCase();
    const value = 'value' in operation ? operation.value : undefined;
    const pathless = operation.path === undefined && value && typeof value === 'object' ? Object.keys(value) : [];
    if (
      ['id', 'meta'].some((key) => target === key || target.startsWith(`${key}.`)) ||
      pathless.some((k) => ['id', 'meta'].includes(k.toLowerCase()))
    ) {
      throw new ScimError(400, 'id and meta are set by the service.', 'mutability');
    }
  }
  try {
    return scimPatch(resource as never, operations, { mutateDocument: false, treatMissingAsAdd: true }) as Record<
      string,
      unknown
    >;
  } catch (error) {
    throw asScimError(error);
  }
}
