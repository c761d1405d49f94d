import type { PersonalTraitKeyStore } from '../../profiles/personalTraits';
import type { Collections } from './collections';

/** The one document of `personal_traits` holding every learned key. */
const LEARNED_ID = 'learned';

/** Learned personal trait keys in `personal_traits`. */
export class MongoPersonalTraitKeyStore implements PersonalTraitKeyStore {
  constructor(private readonly c: Pick<Collections, 'personalTraits'>) {}

  async learned(): Promise<string[]> {
    return (await this.c.personalTraits.findOne({ _id: LEARNED_ID }))?.keys ?? [];
  }

  async add(keys: string[]): Promise<void> {
    // `$addToSet` on one document: no read-modify-write to race, whatever the store.
    await this.c.personalTraits.updateOne(
      { _id: LEARNED_ID },
      { $addToSet: { keys: { $each: keys } }, $set: { updatedAt: new Date() } },
      { upsert: true },
    );
  }
}
