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
/** How far ahead of ours an issuer's clock may be: `iat` beyond it was not issued yet. */
const MAX_CLOCK_SKEW_S = 60;

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
    const subject = checkedSubject(payload.sub);
    checkIssuedAt(payload.iat);
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
      subject: `jwt:${subject}`,
      expiresAt: new Date(payload.exp! * 1000),
      apiKeyId: null,
    };
  }
}

/**
 * jose only checks that `sub` is present. It names the caller in audit entries and merge
 * explanations, so it must be a real name: an object would read `jwt:[object Object]`,
 * and every token with one would be the same caller.
 */
function checkedSubject(sub: unknown): string {
  if (typeof sub === 'string' && sub.trim() !== '') return sub;
  throw new MosaicError(
    ErrorCode.UNAUTHENTICATED,
    'Invalid token: the sub claim must be a non-empty string',
  );
}

/**
 * jose checks `iat` is a number only when present, and its time only with `maxTokenAge`.
 * A token issued in the future was minted with a wrong clock or to outlive its stated
 * lifetime; a little skew between the issuer's clock and ours is normal.
 */
function checkIssuedAt(iat: unknown): void {
  if (iat === undefined) return;
  if (typeof iat !== 'number' || !Number.isFinite(iat))
    throw new MosaicError(
      ErrorCode.UNAUTHENTICATED,
      'Invalid token: the iat claim must be a number',
    );
  const now = Math.floor(Date.now() / 1000);
  if (iat > now + MAX_CLOCK_SKEW_S)
    throw new MosaicError(
      ErrorCode.UNAUTHENTICATED,
      `Invalid token: the iat claim is in the future (more than ${MAX_CLOCK_SKEW_S} s ahead)`,
    );
}

function reason(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'it has expired';
  if (err instanceof errors.JWTClaimValidationFailed)
    return `claim ${err.claim} is wrong (${err.reason})`;
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'the signature does not verify';
  if (err instanceof errors.JOSEError) return err.message;
  return 'it is not a well-formed JWT';
}
