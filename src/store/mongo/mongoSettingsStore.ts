import type { SettingsStore } from '../../auth/opaqueIds';
import { insertUnlessExists } from './byId';
import type { Collections } from './collections';

/** Settings in the `settings` collection, one document per setting, keyed by its id. */
export class MongoSettingsStore implements SettingsStore {
  constructor(private readonly c: Pick<Collections, 'settings'>) {}

  async get(id: string): Promise<string | null> {
    return (await this.c.settings.findOne({ _id: id }))?.value ?? null;
  }

  create(id: string, value: string): Promise<boolean> {
    return insertUnlessExists(() =>
      this.c.settings.insertOne({ _id: id, value, createdAt: new Date() }),
    );
  }
}
