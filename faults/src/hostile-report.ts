import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { describeExchange, type Exchange } from './hostile-http.js';

/** Requests and statuses per category, and the first problems found, for the summary and report. */
export class Tally {
  private readonly byCategory = new Map<string, Map<string, number>>();
  private readonly problems: { category: string; problems: string[]; exchange: string }[] = [];
  private readonly slowest = { ms: 0, request: '' };

  record(category: string, exchange: Exchange): void {
    const statuses = this.byCategory.get(category) ?? new Map<string, number>();
    const status = String(exchange.status);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    this.byCategory.set(category, statuses);
    if (exchange.ms > this.slowest.ms) {
      this.slowest.ms = exchange.ms;
      this.slowest.request = `${exchange.request.method} ${exchange.request.path.slice(0, 120)}`;
    }
  }

  /** Keeps the first few problems of each category for the report. */
  fail(category: string, problems: string[], exchange: Exchange): void {
    if (this.problems.filter((p) => p.category === category).length >= 5) return;
    this.problems.push({ category, problems, exchange: describeExchange(exchange, 20_000) });
  }

  get total(): number {
    let total = 0;
    for (const statuses of this.byCategory.values()) for (const n of statuses.values()) total += n;
    return total;
  }

  toJSON() {
    const categories = Object.fromEntries(
      [...this.byCategory].map(([category, statuses]) => [
        category,
        {
          requests: [...statuses.values()].reduce((sum, n) => sum + n, 0),
          statuses: Object.fromEntries([...statuses].sort(([a], [b]) => a.localeCompare(b))),
        },
      ]),
    );
    const statuses: Record<string, number> = {};
    for (const byStatus of this.byCategory.values()) {
      for (const [status, n] of byStatus) statuses[status] = (statuses[status] ?? 0) + n;
    }
    return {
      requests: this.total,
      statuses,
      categories,
      slowest: this.slowest,
      problems: this.problems,
    };
  }

  /** A few lines for the console. */
  summary(): string {
    const lines = [...this.byCategory].map(([category, statuses]) => {
      const requests = [...statuses.values()].reduce((sum, n) => sum + n, 0);
      const shown = [...statuses]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([status, n]) => `${status}×${n}`)
        .join(' ');
      return `  ${category.padEnd(26)} ${String(requests).padStart(5)}  ${shown}`;
    });
    return [`hostile input: ${this.total} requests`, ...lines].join('\n');
  }
}

export async function writeReport(path: string, report: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
}
