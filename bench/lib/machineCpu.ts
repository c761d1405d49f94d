import { readdirSync, readFileSync } from 'node:fs';

/**
 * The machine's CPU counters from the first line of /proc/stat (cpu  user nice system idle
 * iowait irq softirq steal …), in clock ticks (USER_HZ, 100/s); null where there is none.
 */
function cpuTicks(): number[] | null {
  let line: string | undefined;
  try {
    line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
  } catch {
    return null;
  }
  const ticks = line?.trim().split(/\s+/).slice(1).map(Number);
  return !ticks || ticks.length < 8 || ticks.some(Number.isNaN) ? null : ticks;
}

/**
 * CPU time the whole machine has spent busy (every process: this one, PostgreSQL,
 * FerretDB, Redis), in ms summed over cores; null where /proc/stat is missing.
 * Work that is split across servers is only fairly costed this way: a record matched
 * costs CPU in the gateway and in PostgreSQL alike.
 */
export function machineBusyMs(): number | null {
  const ticks = cpuTicks();
  if (ticks === null) return null;
  const [user, nice, system, , , irq, softirq] = ticks;
  return (user! + nice! + system! + irq! + softirq!) * 10;
}

/**
 * CPU time (ms, summed over cores) the hypervisor gave other guests while this machine
 * wanted it (steal); null where /proc/stat is missing. A benchmark reports it beside its
 * figures: on a shared host it varies by the minute, and so do they.
 */
export function machineStolenMs(): number | null {
  const ticks = cpuTicks();
  return ticks === null ? null : ticks[7]! * 10;
}

/** The services whose CPU a benchmark splits out, by process name (`/proc/<pid>/comm`). */
const SERVICES: Record<string, RegExp> = {
  store: /^ferretdb|^mongod$/,
  postgresql: /^postgres/,
  redis: /^redis-server/,
};

/**
 * CPU time (ms) spent so far by this process and by each service's processes, from
 * /proc/<pid>/stat; empty where there is no /proc. Processes that start or exit between
 * two readings (a PostgreSQL backend) count only for the part seen, so the split is a
 * close estimate and the machine-wide figure above stays the one to quote.
 */
export function cpuByProcess(): Record<string, number> {
  const out: Record<string, number> = { gateway: 0, store: 0, postgresql: 0, redis: 0 };
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return {};
  }
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // pid (comm) state … utime stime: fields 14 and 15, counted after the ')' that ends comm.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    const ms = (Number(fields[11]) + Number(fields[12])) * 10;
    if (Number(pid) === process.pid) out.gateway! += ms;
    else
      for (const [name, pattern] of Object.entries(SERVICES))
        if (pattern.test(comm)) out[name]! += ms;
  }
  return out;
}
