import { type GraphQLFieldResolver, GraphQLScalarType } from 'graphql';
import { getMetadataStorage } from 'type-graphql';

type Storage = ReturnType<typeof getMetadataStorage>;
/** What `buildSchema` was given (its resolvers among them). */
export type BuildOptions = Omit<Parameters<Storage['build']>[0], 'resolvers'> & { resolvers: readonly ClassRef[] };
/** A class as type-graphql's metadata holds it. */
type ClassRef = Storage['objectTypes'][number]['target'];
type FieldResolverMetadata = Storage['fieldResolvers'][number];
type FieldMetadata = NonNullable<Storage['objectTypes'][number]['fields']>[number];
type ParamMetadata = NonNullable<FieldResolverMetadata['params']>[number];
type Resolver = GraphQLFieldResolver<unknown, unknown, Record<string, unknown>>;
type Extract = (root: unknown, args: Record<string, unknown>, context: unknown, info: unknown) => unknown;
export type ResolversMap = Record<string, Record<string, unknown>>;

/**
 * type-graphql's decorators describe the schema; the field resolvers we serve call their methods
 * directly. type-graphql's own wrapper does, on every call of every field, what is the same for
 * every call: it sorts the method's parameters, looks the resolver object up in its container, and
 * — because its argument validation is `async` even with validation off (`validate: false`) — turns
 * every field with an argument into a promise; a plain property field gets a wrapper object too. On
 * an organization's tree (~3,000 fields) that was a fifth of the garbage the request left behind
 * (docs/performance.md). Here each field resolver's parameters are sorted once into getters, and a
 * plain property is read by GraphQL's default resolver.
 *
 * What changes for the methods: nothing they can see. Their object is one per resolver class (as
 * type-graphql's default container keeps it); `@Root()` of a class type is turned into that class
 * as type-graphql does; arguments arrive as GraphQL coerced them, as plain objects — which is why
 * every `@ArgsType`/`@InputType` class must be plain data (no methods, no initial values), checked
 * here when the schema is built. A field with middlewares or a parameter kind not listed keeps
 * type-graphql's resolver. Permissions are the shield's (permissions/): an `authChecker`, which
 * these resolvers would not run, is refused here.
 *
 * The metadata is read as `buildSchema` reads it: a copy of type-graphql's store, built with the
 * same options (that is where an inherited field resolver gets its concrete resolver class).
 */
export function withDirectResolvers(resolvers: ResolversMap, options: BuildOptions): ResolversMap {
  if ('authChecker' in options && options.authChecker) throw new Error('direct resolvers do not run an authChecker');
  const storage = getMetadataStorage().clone();
  storage.build({ ...options, resolvers: [...options.resolvers] });
  assertPlainInputClasses(storage);
  const resolverClasses: readonly ClassRef[] = options.resolvers;
  const nameOf = (cls: ClassRef | undefined) => (cls ? storage.objectTypesCache.get(cls)?.name : undefined);
  const instances = new Map<ClassRef, object>();
  // The field resolvers of this build's resolver classes, by the GraphQL type they resolve.
  const resolved = new Set<string>();
  for (const metadata of storage.fieldResolvers) {
    if (metadata.kind !== 'external' || !resolverClasses.includes(metadata.target)) continue;
    const typeName = nameOf(metadata.getObjectType?.());
    const typeResolvers = typeName ? resolvers[typeName] : undefined;
    if (!typeResolvers || !(metadata.schemaName in typeResolvers)) continue;
    resolved.add(`${typeName}.${metadata.schemaName}`);
    const direct = directResolver(metadata, instances);
    if (direct) typeResolvers[metadata.schemaName] = direct;
  }
  // Plain properties: GraphQL's default resolver reads them. Decided by name, over every class
  // registered under a type's name — a process that loads the classes twice (a test runner's fresh
  // modules for each file, sharing type-graphql's store) has several — and kept as type-graphql
  // made it wherever any of them has a getter resolver or middlewares there.
  const plain = new Set<string>();
  const kept = new Set<string>();
  for (const objectType of storage.objectTypes) {
    for (const field of fieldsOf(storage, objectType.target)) {
      const key = `${objectType.name}.${field.schemaName}`;
      const getter = storage.fieldResolvers.some(
        (it) => it.kind === 'internal' && it.getObjectType?.() === field.target && it.methodName === field.name,
      );
      (getter || field.middlewares?.length ? kept : plain).add(key);
    }
  }
  for (const key of plain) {
    if (kept.has(key) || resolved.has(key)) continue;
    const [typeName, fieldName] = key.split('.');
    if (resolvers[typeName] && fieldName in resolvers[typeName]) delete resolvers[typeName][fieldName];
  }
  return resolvers;
}

/** The fields of an object type class, its superclasses' included (the subclass's win by name). */
function fieldsOf(storage: Storage, target: ClassRef): FieldMetadata[] {
  const fields = new Map<string, FieldMetadata>();
  for (let cls = target; cls?.prototype; cls = Object.getPrototypeOf(cls) as ClassRef) {
    for (const field of storage.objectTypesCache.get(cls)?.fields ?? []) {
      if (!fields.has(field.schemaName)) fields.set(field.schemaName, field);
    }
  }
  return [...fields.values()];
}

function directResolver(metadata: FieldResolverMetadata, instances: Map<ClassRef, object>): Resolver | null {
  if (metadata.middlewares?.length) return null;
  const getters = [...(metadata.params ?? [])].sort((a, b) => a.index - b.index).map(getterOf);
  if (getters.some((getter) => !getter)) return null;
  const Target = metadata.target as new () => Record<string, (...values: unknown[]) => unknown>;
  const instance = (instances.get(Target) as InstanceType<typeof Target> | undefined) ?? new Target();
  instances.set(Target, instance);
  const method = instance[metadata.methodName];
  if (typeof method !== 'function') return null;
  const extract = getters as Extract[];
  return (root, args, context, info) => {
    const values = new Array<unknown>(extract.length);
    for (let i = 0; i < extract.length; i++) values[i] = extract[i](root, args, context, info);
    return method.apply(instance, values);
  };
}

function getterOf(param: ParamMetadata): Extract | null {
  switch (param.kind) {
    case 'context': {
      const property = param.propertyName;
      return property ? (_root, _args, context) => (context as Record<string, unknown>)[property] : (_r, _a, c) => c;
    }
    case 'info':
      return (_root, _args, _context, info) => info;
    case 'arg': {
      const name = param.name;
      return (_root, args) => args[name];
    }
    case 'args':
      // graphql-js hands the arguments over in an object without a prototype.
      return (_root, args) => ({ ...args });
    case 'root': {
      const property = param.propertyName;
      const typeOf = param.getType;
      const read: Extract = property ? (root) => (root as Record<string, unknown>)[property] : (root) => root;
      if (!typeOf) return read;
      return (root, args, context, info) => asInstance(typeOf(), read(root, args, context, info));
    }
    default:
      return null;
  }
}

const SIMPLE_TYPES: unknown[] = [String, Boolean, Number, Date, Array, Promise];

/** What type-graphql makes of a `@Root()` typed with a class: that class's object, made only when it is not one. */
function asInstance(Target: unknown, data: unknown): unknown {
  if (data == null || typeof Target !== 'function' || Target instanceof GraphQLScalarType) return data;
  if (typeof data !== 'object' || SIMPLE_TYPES.includes(data.constructor)) return data;
  if (data instanceof Target) return data;
  if (Array.isArray(data)) return data.map((item) => asInstance(Target, item));
  const instance = new (Target as new () => Record<string, unknown>)();
  for (const key of Object.keys(instance)) if (instance[key] === undefined && !(key in data)) delete instance[key];
  return Object.assign(instance, data);
}

/** Arguments reach the methods as plain objects: an input class with behaviour or initial values would be lost. */
function assertPlainInputClasses(storage: Storage): void {
  for (const { target, name } of [...storage.inputTypes, ...storage.argumentTypes]) {
    const methods = Object.getOwnPropertyNames(target.prototype).filter((key) => key !== 'constructor');
    const initial = Object.entries(new (target as new () => object)()).filter(([, value]) => value !== undefined);
    if (methods.length || initial.length) {
      throw new Error(
        `${name}: an argument or input class must be plain data (has ${[...methods, ...initial.map(([key]) => key)].join(', ')})`,
      );
    }
  }
}
