// Load generator on its own thread (the second core), so the service's event loop is not
// also busy building requests: fires the given requests with bounded concurrency.
import { parentPort, workerData } from 'node:worker_threads';

interface Job {
  url: string;
  concurrency: number;
  requests: { method: string; path: string; headers: Record<string, string>; body: string }[];
}

const job = workerData as Job;
const statuses = new Map<number, number>();
const bodies: string[] = new Array(job.requests.length);
/** Each request's time from send to the end of its answer, in ms. */
const latencies = new Array<number>(job.requests.length);
let next = 0;
const start = performance.now();
await Promise.all(
  Array.from({ length: job.concurrency }, async () => {
    for (;;) {
      const i = next++;
      if (i >= job.requests.length) return;
      const r = job.requests[i]!;
      const sent = performance.now();
      const res = await fetch(job.url + r.path, { method: r.method, headers: r.headers, body: r.body });
      bodies[i] = await res.text();
      latencies[i] = performance.now() - sent;
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
  }),
);
parentPort!.postMessage({ ms: performance.now() - start, statuses: Object.fromEntries(statuses), bodies, latencies });
