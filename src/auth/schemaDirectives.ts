import { getDirective, MapperKind, mapSchema } from '@graphql-tools/utils';
import {
  defaultFieldResolver,
  type GraphQLFieldConfig,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import { ErrorCode, MosaicError } from '../errors';
import type { SourceName } from '../store/models';
import {
  looksLikeEmail,
  looksLikePhone,
  maskEmail,
  maskIdentifier,
  maskJson,
  maskPhone,
  maskProse,
  maskString,
  maskText,
} from './mask';
import type { OpaqueIds } from './opaqueIds';
import { seesPersonalData, type Principal, type Role } from './roles';

/** What the directives need from a resolver's context. */
export interface AuthContext {
  principal: Principal;
  /** Keyed stand-ins for `OPAQUE_ID` fields. */
  opaqueIds: OpaqueIds;
}

type PiiKind = 'EMAIL' | 'PHONE' | 'NAME' | 'IDENTIFIER' | 'JSON' | 'PROSE' | 'OPAQUE_ID';
type Resolver = GraphQLFieldResolver<unknown, AuthContext, Record<string, unknown>>;

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

/**
 * Applies `@auth` and `@pii` to every field that declares them, by wrapping its resolver
 * (and, on Subscription, its subscribe function): the one place roles are enforced and
 * personal data masked. HTTP and graphql-ws execute the same schema, so queries, nested
 * fields and every subscription payload pass through here alike.
 *
 * A root field without `@auth` is refused when the schema is built, so a field added later
 * cannot become public by omission.
 */
export function applyAuthDirectives(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, fieldName, typeName) => {
      const auth = getDirective(schema, field, 'auth')?.[0] as
        { requires: string[]; source?: string } | undefined;
      const pii = getDirective(schema, field, 'pii')?.[0] as { kind: PiiKind } | undefined;
      if (ROOT_TYPES.has(typeName) && !auth)
        throw new Error(`${typeName}.${fieldName} declares no @auth: every root field must`);
      let config = field as GraphQLFieldConfig<unknown, AuthContext, Record<string, unknown>>;
      if (auth) config = guarded(config, `${typeName}.${fieldName}`, auth);
      if (pii) config = masked(config, pii.kind);
      return config;
    },
  });
}

function guarded(
  field: GraphQLFieldConfig<unknown, AuthContext, Record<string, unknown>>,
  path: string,
  rule: { requires: string[]; source?: string },
): GraphQLFieldConfig<unknown, AuthContext, Record<string, unknown>> {
  const roles = new Set(rule.requires.map((r) => r.toLowerCase() as Role));
  const source = rule.source ? (rule.source.toLowerCase() as SourceName) : null;
  const check = (context: AuthContext): void => authorise(context.principal, path, roles, source);
  const resolve: Resolver = field.resolve ?? defaultFieldResolver;
  return {
    ...field,
    resolve: (parent, args, context, info) => {
      check(context);
      return resolve(parent, args, context, info);
    },
    ...(field.subscribe
      ? {
          subscribe: (parent, args, context, info) => {
            check(context);
            return field.subscribe!(parent, args, context, info);
          },
        }
      : {}),
  };
}

export function authorise(
  principal: Principal,
  path: string,
  roles: ReadonlySet<Role>,
  source: SourceName | null,
): void {
  if (!roles.has(principal.role))
    throw new MosaicError(
      ErrorCode.FORBIDDEN,
      `${path} needs the role ${[...roles].join(' or ')}; this credential has ${principal.role}`,
    );
  if (source !== null && principal.role === 'writer' && !principal.sources.includes(source))
    throw new MosaicError(
      ErrorCode.FORBIDDEN,
      `${path} writes for the ${source} source; this writer may write for ${principal.sources.join(', ') || 'no source'}`,
    );
}

function masked(
  field: GraphQLFieldConfig<unknown, AuthContext, Record<string, unknown>>,
  kind: PiiKind,
): GraphQLFieldConfig<unknown, AuthContext, Record<string, unknown>> {
  const resolve: Resolver = field.resolve ?? defaultFieldResolver;
  return {
    ...field,
    resolve: async (parent, args, context, info) => {
      const value: unknown = await resolve(parent, args, context, info);
      if (seesPersonalData(context.principal.role) || value === null || value === undefined)
        return value;
      if (kind === 'OPAQUE_ID')
        return context.opaqueIds
          .of('shown-id', typeof value === 'string' ? value : JSON.stringify(value))
          .then((id) => `o_${id}`);
      return mask(kind, value, parent);
    },
  };
}

function mask(kind: Exclude<PiiKind, 'OPAQUE_ID'>, value: unknown, parent: unknown): unknown {
  if (kind === 'JSON') return maskJson(value);
  if (Array.isArray(value)) return value.map((v) => mask(kind, v, parent));
  if (typeof value !== 'string') return maskJson(value);
  switch (kind) {
    case 'EMAIL':
      return maskEmail(value);
    case 'PHONE':
      return maskPhone(value);
    case 'NAME':
      return looksLikeEmail(value) || looksLikePhone(value)
        ? maskString(value, null)
        : maskText(value);
    case 'IDENTIFIER': {
      // An Identifier's value by its kind; any other id (CRM, customer, user, anonymous,
      // record ids) by its shape: a client-chosen id may be a name or an email in disguise.
      const of = (parent as { kind?: unknown } | null)?.kind;
      return maskIdentifier(value, typeof of === 'string' ? of : null);
    }
    case 'PROSE':
      return maskProse(value);
  }
}
