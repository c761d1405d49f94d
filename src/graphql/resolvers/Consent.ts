import { consentOf, consentTraitKey, withoutConsent } from '../../consent/consent';
import type { GraphQLContext } from '../context';
import type { MutationResolvers, ProfileResolvers } from '../generated/resolvers-types';

type ConsentContext = Pick<GraphQLContext, 'consent' | 'profiles'>;

/** Consent flags are traits (`consent:<purpose>`), shown apart from the other traits. */
export const ConsentProfile: Pick<ProfileResolvers, 'consent' | 'traits'> = {
  traits: (p) => withoutConsent(p.traits),
  consent: (p) =>
    [...consentOf(p.traits)]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([purpose, granted]) => {
        const origin = p.build.traitOrigins[consentTraitKey(purpose)];
        return {
          purpose,
          granted,
          at: origin?.at ?? p.updatedAt,
          recordId: origin?.recordId ?? '',
        };
      }),
};

export const ConsentMutation: Pick<MutationResolvers<ConsentContext>, 'setConsent'> = {
  setConsent: async (_, { kind, value, consents, at }, { consent, profiles }) => {
    const result = await consent.record({ kind, value, consents, at });
    const profile = await profiles.byId(result.profileId);
    if (profile === null)
      throw new Error(`Profile ${result.profileId} was written but cannot be read back`);
    return profile;
  },
};
