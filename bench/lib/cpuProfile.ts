import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';

/**
 * With BENCH_CPU_PROFILE=DIR, a V8 CPU profile of this process for one timed phase, written
 * as DIR/LABEL.cpuprofile (open it in Chrome DevTools). `node --cpu-prof` would profile the
 * whole run, seeding included, which buries the part being measured.
 */
export async function profiled<T>(label: string, work: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_CPU_PROFILE;
  if (dir === undefined || dir === '') return work();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    const file = join(dir, `${label.replace(/[^\w.-]+/g, '_')}.cpuprofile`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, JSON.stringify(profile));
  }
}
