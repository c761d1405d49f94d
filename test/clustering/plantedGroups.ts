import { seededRandom } from '../../src/seededRandom';

/**
 * Planted groups: k centres drawn uniformly in a 10-unit cube of `dims` dimensions, kept
 * at least 4 units apart; each point is a centre plus Gaussian noise of standard deviation
 * 0.5 per dimension (groups about 8 noise-widths apart); 60-179 points per group.
 */
const gaussian = (random: () => number): number =>
  Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

export function planted(
  seed: number,
  k: number,
  dims: number,
): { points: number[][]; truth: number[] } {
  const rand = seededRandom(seed);
  const random = () => rand.next();
  const centres: number[][] = [];
  while (centres.length < k) {
    const c = Array.from({ length: dims }, () => 10 * random());
    const far = centres.every((d) => Math.hypot(...c.map((x, i) => x - d[i]!)) >= 4);
    if (far) centres.push(c);
  }
  const points: number[][] = [];
  const truth: number[] = [];
  centres.forEach((c, g) => {
    const size = 60 + Math.floor(random() * 120);
    for (let n = 0; n < size; n++) {
      points.push(c.map((x) => x + 0.5 * gaussian(random)));
      truth.push(g);
    }
  });
  return { points, truth };
}
