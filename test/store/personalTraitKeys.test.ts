import { MongoPersonalTraitKeyStore } from '../../src/store/mongo/mongoPersonalTraitKeyStore';
import { openTestStack, type TestStack } from '../support/store';

/**
 * Learned personal trait keys decide what is masked, so a key learned must never be lost,
 * however many processes learn keys at once. FerretDB runs single-document updates as a
 * read-modify-write: concurrent `$addToSet`s on one document lost most of their keys.
 */

let a: TestStack;
let b: TestStack;
beforeAll(async () => {
  a = await openTestStack('trait_keys');
  b = await a.connectAnother();
});
afterAll(() => a.close());

test('keys learned concurrently by two processes are all kept', async () => {
  const stores = [a, b].map((s) => new MongoPersonalTraitKeyStore(s.cols));
  const keys = Array.from({ length: 120 }, (_, i) => `secret_${i}`);
  await Promise.all(keys.map((key, i) => stores[i % 2]!.add([key, i % 3 === 0 ? 'shared' : key])));
  const learned = await stores[0]!.learned();
  expect(learned.sort()).toEqual([...keys, 'shared'].sort());
});

test('keys kept in the one document of earlier versions are still learned', async () => {
  await a.cols.personalTraits.insertOne({
    _id: 'learned',
    keys: ['legacy_ssn', 'secret_1'],
    updatedAt: new Date(),
  });
  const learned = await new MongoPersonalTraitKeyStore(a.cols).learned();
  expect(learned).toEqual(expect.arrayContaining(['legacy_ssn', 'secret_1', 'shared']));
  expect(learned.filter((k) => k === 'secret_1')).toHaveLength(1);
});
