import type { PersonalTraitKeyStore } from '../../profiles/personalTraits';
import { insertManyUnlessExists } from './byId';
import type { Collections } from './collections';

/**
 * Learned personal trait keys in `personal_traits`, one document per key. A key is learned
 * by a unique insert, so concurrent learners never lose one another's keys: an update of
 * one shared document (`$addToSet`) is a read-modify-write on FerretDB's SQLite backend,
 * and 100 concurrent ones kept 10 keys there. Old versions kept every key in one document,
 * `learned`, which is still read.
 */
export class MongoPersonalTraitKeyStore implements PersonalTraitKeyStore {
  constructor(private readonly c: Pick<Collections, 'personalTraits'>) {}

  async learned(): Promise<string[]> {
    const keys = new Set<string>();
    for (const doc of await this.c.personalTraits.find({}).toArray()) {
      if (doc.key !== undefined) keys.add(doc.key);
      for (const key of doc.keys ?? []) keys.add(key);
    }
    return [...keys];
  }

  async add(keys: string[]): Promise<void> {
    const updatedAt = new Date();
    await insertManyUnlessExists(
      this.c.personalTraits,
      [...new Set(keys)].map((key) => ({ _id: `key:${key}`, key, updatedAt })),
    );
  }
}
