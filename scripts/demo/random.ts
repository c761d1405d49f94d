// The demo data, benchmarks and tests draw from the same seeded generator as the product.
export { seededRandom, type Random } from '../../src/seededRandom';
