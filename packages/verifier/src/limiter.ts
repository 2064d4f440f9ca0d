/**
 * Caps requests in flight: `total` across the run and `perHost` for any one host. Waiters are served in
 * arrival order, skipping those whose host is full so one slow provider does not hold up the others.
 */
export interface Limiter {
  run<T>(host: string, task: () => Promise<T>): Promise<T>;
}

export function createLimiter(total: number, perHost: number): Limiter {
  const maxTotal = Math.max(1, Math.floor(total));
  const maxPerHost = Math.max(1, Math.floor(perHost));
  let active = 0;
  const activeByHost = new Map<string, number>();
  const waiting: Array<{ host: string; start: () => void }> = [];

  const hasRoom = (host: string) => active < maxTotal && (activeByHost.get(host) ?? 0) < maxPerHost;
  const acquire = (host: string) => {
    active++;
    activeByHost.set(host, (activeByHost.get(host) ?? 0) + 1);
  };
  const release = (host: string) => {
    active--;
    activeByHost.set(host, (activeByHost.get(host) ?? 1) - 1);
    for (let i = 0; i < waiting.length && active < maxTotal; i++) {
      const next = waiting[i]!;
      if (!hasRoom(next.host)) continue;
      waiting.splice(i, 1);
      i--;
      acquire(next.host);
      next.start();
    }
  };

  return {
    async run<T>(host: string, task: () => Promise<T>): Promise<T> {
      if (hasRoom(host)) acquire(host);
      else await new Promise<void>((start) => waiting.push({ host, start }));
      try {
        return await task();
      } finally {
        release(host);
      }
    },
  };
}
