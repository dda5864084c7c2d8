// A deliberately small logger. The service logs start-up and internal errors only: no access
// log, so no IP address, user agent or request time is ever written for any request.
export interface Logger {
  info(message: string): void;
  error(message: string, err?: unknown): void;
}

export function createLogger(level: 'silent' | 'info'): Logger {
  if (level === 'silent') return { info() {}, error() {} };
  return {
    info: (message) => console.log(message),
    error: (message, err) => console.error(message, err instanceof Error ? err.stack : err),
  };
}
