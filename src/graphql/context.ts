import type { Logger } from 'pino';
import type { OpaqueIds } from '../auth/opaqueIds';
import type { Principal } from '../auth/roles';
import type { Credentials } from '../auth/credentials';
import type { Services } from '../services';
import type { ProfileReader } from '../profiles/profileReader';
import type { ProfileSources } from '../profiles/profileSources';
import type { SegmentReader } from '../segments/segmentReader';

/** Per-operation context: shared services plus request-scoped loaders. */
export interface GraphQLContext {
  services: Services;
  profiles: ProfileReader;
  sources: ProfileSources;
  segments: SegmentReader;
  /** Who is asking (HTTP Authorization header or graphql-ws connection parameter). */
  credentials: Credentials;
  /** Who that is, checked: every `@auth` and `@pii` decision is made from this. */
  principal: Principal;
  /** Keyed stand-ins for ids that may spell personal data (`@pii(kind: OPAQUE_ID)`). */
  opaqueIds: OpaqueIds;
  logger: Logger;
}
