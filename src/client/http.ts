/* eslint-disable @typescript-eslint/no-explicit-any -- a reply body defaults to any for tests and scripts that assert on it; the service-facing code names its types. */
// The service's JSON API over fetch, for every client this project ships or drives: the CLI
// (`piaojue device`, `piaojue demo`), the benchmarks and the API tests. Isomorphic: fetch,
// Headers and setTimeout only (no node: imports), so the browser can use it too.

/** An answer as it came: the status, the body (parsed JSON, else the text), the headers. */
export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A non-2xx answer from `call`, with the service's problem code, detail and field. */
export class ApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    const p = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    super(`${method} ${path}: ${status} ${typeof p.code === 'string' ? p.code : ''} ${typeof p.detail === 'string' ? p.detail : ''}`.trimEnd());
    this.name = 'ApiError';
  }

  /** The service's error code (problem+json `code`), or `http_error`. */
  get code(): string {
    const code = (this.body as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' ? code : 'http_error';
  }

  get detail(): string | undefined {
    const detail = (this.body as { detail?: unknown } | undefined)?.detail;
    return typeof detail === 'string' ? detail : undefined;
  }
}

export interface ClientOptions {
  /** The bearer access token sent with every request. */
  token?: string | undefined;
  /** Called with every answer (the API tests check each against openapi.yaml). */
  observe?: (method: string, path: string, reply: Reply<unknown>) => void;
  /**
   * How many times to send a request again when the service answers 503 (after Retry-After,
   * at most 2 s, with jitter) or the connection failed (a keep-alive connection closed under
   * it). Default 0: every answer is returned as it came. Only for set-up code whose requests
   * are safe to repeat.
   */
  retries?: number;
  /** Passed to fetch: 'omit' keeps a request off the connections that carried credentials. */
  credentials?: RequestCredentials;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** A body sent as it is (a cast body is already canonical, padded JSON). */
  raw?: string;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class ApiClient {
  constructor(
    readonly url: string,
    readonly options: ClientOptions = {},
  ) {}

  get token(): string | undefined {
    return this.options.token;
  }

  /** The same client with another access token (undefined: none). */
  as(token: string | undefined): ApiClient {
    return new ApiClient(this.url, { ...this.options, token });
  }

  /** Sends a request; returns whatever the service answered (no throw on 4xx or 5xx). */
  async request<T = any>(method: string, path: string, body?: unknown, init: RequestOptions = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    let payload: string | undefined = init.raw;
    if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] ??= 'application/json';
    }
    const retries = this.options.retries ?? 0;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      let text: string;
      try {
        res = await fetch(this.url + path, { method, headers, body: payload, ...(this.options.credentials ? { credentials: this.options.credentials } : {}) });
        text = await res.text();
      } catch (e) {
        if (attempt < retries) continue;
        throw e;
      }
      if (res.status === 503 && attempt < retries) {
        await pause(Math.min(Number(res.headers.get('retry-after') ?? 1), 2) * 1000 * Math.random());
        continue;
      }
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      const reply: Reply<T> = { status: res.status, body: parsed as T, headers: res.headers };
      this.options.observe?.(method, new URL(this.url + path).pathname, reply);
      return reply;
    }
  }

  /** Sends a request and returns the body of a 2xx answer; anything else throws ApiError. */
  async call<T = any>(method: string, path: string, body?: unknown, init?: RequestOptions): Promise<T> {
    const reply = await this.request<T>(method, path, body, init);
    if (reply.status < 200 || reply.status > 299) throw new ApiError(method, path, reply.status, reply.body);
    return reply.body;
  }

  get = <T = any>(path: string) => this.request<T>('GET', path);
  post = <T = any>(path: string, body?: unknown) => this.request<T>('POST', path, body);
  put = <T = any>(path: string, body?: unknown) => this.request<T>('PUT', path, body);
  patch = <T = any>(path: string, body?: unknown) => this.request<T>('PATCH', path, body);
  delete = <T = any>(path: string) => this.request<T>('DELETE', path);
}
