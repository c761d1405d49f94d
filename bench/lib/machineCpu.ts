import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

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

/** One process's line of /proc/<pid>/stat, its CPU times in ms. */
interface ProcessCpu {
  pid: number;
  ppid: number;
  comm: string;
  /** Its own user + system time. */
  ownMs: number;
  /** Its children's that have exited and been waited for (a PostgreSQL backend that closed). */
  reapedMs: number;
}

function readProcess(pid: string): ProcessCpu | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null; // exited meanwhile
  }
  // pid (comm) state ppid … utime stime cutime cstime: fields 4 and 14-17, counted after
  // the ')' that ends comm (which may hold spaces).
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  return {
    pid: Number(pid),
    ppid: Number(fields[1]),
    comm: stat.slice(stat.indexOf('(') + 1, close),
    ownMs: (Number(fields[11]) + Number(fields[12])) * 10,
    reapedMs: (Number(fields[13]) + Number(fields[14])) * 10,
  };
}

function processes(): ProcessCpu[] | null {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return null;
  }
  return pids.map(readProcess).filter((p): p is ProcessCpu => p !== null);
}

/**
 * CPU time of `root` and everything under it, exited children included: a server's
 * whole cost however it spreads its work over processes. Nothing is counted twice:
 * a child's time moves to its parent's reaped time only once it is gone.
 */
function treeMs(table: readonly ProcessCpu[], root: number): number | null {
  const children = new Map<number, ProcessCpu[]>();
  for (const p of table) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const top = table.find((p) => p.pid === root);
  if (top === undefined) return null;
  let ms = 0;
  for (const stack = [top]; stack.length > 0;) {
    const p = stack.pop()!;
    ms += p.ownMs + p.reapedMs;
    stack.push(...(children.get(p.pid) ?? []));
  }
  return ms;
}

/** The services whose CPU a benchmark splits out. */
export type Service = 'store' | 'postgresql' | 'redis';

/** Each service's main process (the one listening on its port), where found on this machine. */
export type ServiceRoots = Partial<Record<Service, number>>;

/** By process name (`/proc/<pid>/comm`): the fallback for a service whose process is unknown. */
const SERVICE_NAMES: Record<Service, RegExp> = {
  store: /^ferretdb|^mongod$/,
  postgresql: /^postgres/,
  redis: /^redis-server/,
};

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * The processes serving the bench's own servers, found by the port each URL names. By
 * name alone, another FerretDB or PostgreSQL on the machine (a test suite's own, started
 * meanwhile by someone else) would count as the bench's store.
 */
export function serviceRoots(urls: Record<Service, string>): ServiceRoots {
  const defaults: Record<Service, number> = { store: 27017, postgresql: 5432, redis: 6379 };
  const roots: ServiceRoots = {};
  for (const service of Object.keys(urls) as Service[]) {
    let url: URL;
    try {
      url = new URL(urls[service]);
    } catch {
      continue;
    }
    if (!LOCAL_HOSTS.has(url.hostname) || url.protocol === 'mongodb+srv:') continue;
    const pid = listeningPid(url.port === '' ? defaults[service] : Number(url.port));
    if (pid !== null) roots[service] = pid;
  }
  return roots;
}

/** The process listening on TCP `port` here (its topmost, if several share the socket). */
function listeningPid(port: number): number | null {
  const inodes = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address is ADDR:PORT in hex; state 0A is LISTEN; the inode is field 10.
      if (f.length > 9 && f[3] === '0A' && parseInt(f[1]!.split(':')[1]!, 16) === port)
        inodes.add(f[9]!);
    }
  }
  if (inodes.size === 0) return null;
  const holders: ProcessCpu[] = [];
  for (const p of processes() ?? []) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${p.pid}/fd`);
    } catch {
      continue;
    }
    const holds = fds.some((fd) => {
      try {
        const target = readlinkSync(`/proc/${p.pid}/fd/${fd}`);
        return target.startsWith('socket:[') && inodes.has(target.slice(8, -1));
      } catch {
        return false;
      }
    });
    if (holds) holders.push(p);
  }
  const pids = new Set(holders.map((p) => p.pid));
  return holders.find((p) => !pids.has(p.ppid))?.pid ?? null;
}

/**
 * CPU time (ms) spent so far by this process (`gateway`) and by each service, from
 * /proc/<pid>/stat; empty where there is no /proc. A service with a known root counts
 * its whole process tree, exited children included; one without is every process of
 * its name, for the part of their lives seen (a backend that exits between two
 * readings takes its time with it), so the split is a close estimate and the
 * machine-wide figure above stays the one to quote.
 */
export function cpuByProcess(roots: ServiceRoots = {}): Record<string, number> {
  const table = processes();
  if (table === null) return {};
  const out: Record<string, number> = { gateway: 0, store: 0, postgresql: 0, redis: 0 };
  for (const p of table) {
    if (p.pid === process.pid) out.gateway! += p.ownMs;
    else
      for (const [service, pattern] of Object.entries(SERVICE_NAMES) as [Service, RegExp][])
        if (roots[service] === undefined && pattern.test(p.comm)) out[service]! += p.ownMs;
  }
  for (const [service, root] of Object.entries(roots) as [Service, number][])
    out[service] = treeMs(table, root) ?? 0;
  return out;
}

/** CPU time (ms) process `pid` and its children have spent so far; null once it is gone. */
export function cpuOfProcess(pid: number): number | null {
  const table = processes();
  return table === null ? null : treeMs(table, pid);
}
