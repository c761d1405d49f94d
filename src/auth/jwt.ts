import { createPublicKey, type KeyObject } from 'node:crypto';
import { errors, jwtVerify, type JWTPayload } from 'jose';
import { ErrorCode, MosaicError } from '../errors';
import type { SourceName } from '../store/models';
import { isRole, type Principal } from './roles';

export interface JwtSettings {
  /** HS256 shared secret. */
  secret?: string | undefined;
  /** RS256 public key, PEM (SPKI). */
  publicKey?: string | undefined;
  issuer: string;
  audience: string;
}

const SOURCES: readonly string[] = ['crm', 'orders', 'events'];

/**
 * Bearer JWTs from an identity provider: HS256 with a shared secret or RS256 with the
 * provider's public key (either or both), the issuer and audience checked, `exp` required.
 * The role is the `mosaic_role` claim (`reader`, `writer`, `dashboard`, `admin`); a
 * writer's sources are `mosaic_sources`.
 */
export class JwtVerifier {
  private readonly hmac: Uint8Array | null;
  private readonly rsa: KeyObject | null;

  constructor(private readonly settings: JwtSettings) {
    this.hmac = settings.secret ? new TextEncoder().encode(settings.secret) : null;
    this.rsa = settings.publicKey ? createPublicKey(settings.publicKey) : null;
  }

  async verify(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(
        token,
        (header) => {
          if (header.alg === 'HS256' && this.hmac) return this.hmac;
          if (header.alg === 'RS256' && this.rsa) return this.rsa;
          throw new errors.JOSEAlgNotAllowed(`tokens signed with ${header.alg} are not accepted`);
        },
        {
          issuer: this.settings.issuer,
          audience: this.settings.audience,
          algorithms: ['HS256', 'RS256'],
          requiredClaims: ['exp', 'sub'],
        },
      ));
    } catch (err) {
      throw new MosaicError(ErrorCode.UNAUTHENTICATED, `Invalid token: ${reason(err)}`);
    }
    const role = payload.mosaic_role;
    if (!isRole(role))
      throw new MosaicError(
        ErrorCode.UNAUTHENTICATED,
        'Invalid token: the mosaic_role claim must be reader, writer, dashboard or admin',
      );
    const claimed: unknown = payload.mosaic_sources ?? [];
    if (!Array.isArray(claimed) || claimed.some((s) => !SOURCES.includes(s as string)))
      throw new MosaicError(
        ErrorCode.UNAUTHENTICATED,
        'Invalid token: mosaic_sources must be a list of crm, orders, events',
      );
    return {
      role,
      sources: role === 'writer' ? (claimed as SourceName[]) : [],
      subject: `jwt:${payload.sub}`,
      expiresAt: new Date(payload.exp! * 1000),
      apiKeyId: null,
    };
  }
}

function reason(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'it has expired';
  if (err instanceof errors.JWTClaimValidationFailed)
    return `claim ${err.claim} is wrong (${err.reason})`;
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'the signature does not verify';
  if (err instanceof errors.JOSEError) return err.message;
  return 'it is not a well-formed JWT';
}
