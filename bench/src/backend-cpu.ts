import { readFile } from 'node:fs/promises';
import pg from 'pg';

/** Linux's USER_HZ: /proc reports CPU time in these ticks. */
const TICKS_PER_SECOND = 100;

/**
 * The CPU time of the PostgreSQL backends serving one database, read from /proc (the server runs
 * on this machine): the pids from `pg_stat_activity`, their user + system ticks from
 * `/proc/<pid>/stat`. `sample()` resolves to ms per pid, or null when no backend is readable
 * there (a server elsewhere), so the figure is simply left out.
 */
export async function watchBackendCpu(serverUrl: string, database: string) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  return {
    async sample(): Promise<Map<number, number> | null> {
      const { rows } = await client.query<{ pid: number }>(
        'select pid from pg_stat_activity where datname = $1',
        [database],
      );
      const sample = new Map<number, number>();
      for (const { pid } of rows) {
        const ms = await cpuMsOf(pid);
        if (ms !== null) sample.set(pid, ms); // else it has just ended
      }
      // None readable: the server is on another machine.
      return rows.length > 0 && sample.size === 0 ? null : sample;
    },
    close: () => client.end(),
  };
}

/** CPU ms spent between two samples by the backends of the second (a new one counts from 0). */
export function cpuMsBetween(
  before: Map<number, number> | null,
  after: Map<number, number> | null,
): number | null {
  if (before === null || after === null) return null;
  let ms = 0;
  for (const [pid, total] of after) ms += total - (before.get(pid) ?? 0);
  return ms;
}

async function cpuMsOf(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, in parentheses): utime is the 14th
    // field of the line, stime the 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / TICKS_PER_SECOND : null;
  } catch {
    return null;
  }
}

/**
 * CPU ms the whole machine has spent busy since boot (/proc/stat; null elsewhere than Linux):
 * less this process and its backends, what else ran during a slice (another engineer's tests).
 */
export async function machineBusyMs(): Promise<number | null> {
  try {
    const [cpu] = (await readFile('/proc/stat', 'utf8')).split('\n');
    // cpu  user nice system idle iowait irq softirq steal …
    const ticks = (cpu ?? '').trim().split(/\s+/).slice(1).map(Number);
    const busy = [0, 1, 2, 5, 6, 7].reduce((sum, i) => sum + (ticks[i] ?? 0), 0);
    return Number.isFinite(busy) && busy > 0 ? (busy * 1000) / TICKS_PER_SECOND : null;
  } catch {
    return null;
  }
}
