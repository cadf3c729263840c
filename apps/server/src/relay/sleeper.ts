/** Waits that a shutdown cuts short: after `stop`, every wait ends at once, and new ones too. */
export interface Sleeper {
  sleep(ms: number): Promise<void>;
  stop(): void;
}

export function createSleeper(): Sleeper {
  const waiting = new Set<() => void>();
  let stopped = false;
  return {
    sleep(ms) {
      if (stopped) return Promise.resolve();
      return new Promise((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          waiting.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, ms);
        waiting.add(wake);
      });
    },
    stop() {
      stopped = true;
      for (const wake of [...waiting]) wake();
    },
  };
}
