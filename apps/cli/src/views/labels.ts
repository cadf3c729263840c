import type { ChalkInstance } from 'chalk';

/** Order, payment and refund states, coloured by what they mean: done, failed, or still moving. */
export function paintStatus(status: string, style: ChalkInstance): string {
  switch (status) {
    case 'SUCCESS':
    case 'SUCCEEDED':
    case 'CONFIRMED':
    case 'APPROVED':
    case 'ALLOW':
      return style.green(status);
    case 'FAILED':
    case 'FAILED_FINAL':
    case 'DECLINED':
    case 'ERROR':
    case 'REJECT':
      return style.red(status);
    case 'CANCELLED':
    case 'REFUNDED':
      return style.dim(status);
    default:
      return style.yellow(status);
  }
}

/** `2025-06-01 14:03:07Z`: UTC to the second, the same on every machine. */
export function formatInstant(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** `1 item`, `3 items`; `1 entry`, `2 entries` when the plural is given. */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}
