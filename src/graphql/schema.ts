import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { applyAuthDirectives } from '../auth/schemaDirectives';
import { resolvers } from './resolvers';

export const SCHEMA_DIR = join(__dirname, '..', '..', 'schema');

/** The SDL files under schema/, concatenated in name order. */
export function loadTypeDefs(dir = SCHEMA_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => readFileSync(join(dir, f), 'utf8'));
}

/** The executable schema, with roles enforced and personal data masked (`src/auth`). */
export function buildSchema(): GraphQLSchema {
  return applyAuthDirectives(
    makeExecutableSchema({
      typeDefs: loadTypeDefs(),
      resolvers,
      inheritResolversFromInterfaces: true,
    }),
  );
}
