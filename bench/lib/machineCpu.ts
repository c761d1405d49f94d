import { readFileSync } from 'node:fs';

/**
 * CPU time the whole machine has spent busy (every process: this one, PostgreSQL,
 * FerretDB, Redis), in ms summed over cores, from /proc/stat; null where there is none.
 * Work that is split across servers is only fairly costed this way: a record matched
 * costs CPU in the gateway and in PostgreSQL alike.
 */
export function machineBusyMs(): number | null {
  let line: string | undefined;
  try {
    line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
  } catch {
    return null;
  }
  // cpu  user nice system idle iowait irq softirq steal …, in clock ticks (USER_HZ, 100/s).
  const ticks = line?.trim().split(/\s+/).slice(1).map(Number);
  if (!ticks || ticks.length < 7 || ticks.some(Number.isNaN)) return null;
  const [user, nice, system, , , irq, softirq] = ticks;
  return (user! + nice! + system! + irq! + softirq!) * 10;
}
