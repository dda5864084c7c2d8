// Load generator on its own thread (the second core), so the service's event loop is not
// also busy building requests: fires the given requests with bounded concurrency.
//
// The requests go out on node:http, the lightest client at hand: these simulated phones share
// the machine's cores with the service, and every millisecond they spend is one the service
// does not get. (fetch, undici, cost several milliseconds of this thread per cast, whose
// answer closes its connection: a new connection, and an error object built for the close.)
import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

interface Job {
  url: string;
  concurrency: number;
  requests: { method: string; path: string; headers: Record<string, string>; body: string }[];
}

const job = workerData as Job;
const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
const statuses = new Map<number, number>();
const bodies: string[] = new Array(job.requests.length);
/** Each request's time from send to the end of its answer, in ms. */
const latencies = new Array<number>(job.requests.length);

function send(r: Job['requests'][number]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const body = Buffer.from(r.body ?? '', 'utf8');
    const req = request(job.url + r.path, { method: r.method, headers: { ...r.headers, 'content-length': String(body.length) }, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

let next = 0;
const start = performance.now();
await Promise.all(
  Array.from({ length: job.concurrency }, async () => {
    for (;;) {
      const i = next++;
      if (i >= job.requests.length) return;
      const sent = performance.now();
      const res = await send(job.requests[i]!);
      bodies[i] = res.body;
      latencies[i] = performance.now() - sent;
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
  }),
);
const ms = performance.now() - start;
agent.destroy();
parentPort!.postMessage({ ms, statuses: Object.fromEntries(statuses), bodies, latencies });
