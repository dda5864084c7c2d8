// The set-up most API test files repeat: a test service started before the file's tests (and
// its first administrator enrolled and signed in), closed after them.
import { afterAll, beforeAll } from 'vitest';
import type { Session } from './client.ts';
import { startTestService, type TestService } from './service.ts';
import { adminSession } from './world.ts';

export interface FileService {
  readonly service: TestService;
  readonly admin: Session;
}

/**
 * Registers beforeAll/afterAll for the calling test file and answers an object whose `service`
 * and `admin` are there once the file's tests run.
 */
export function useTestService(options: Parameters<typeof startTestService>[0] = {}): FileService {
  let service: TestService | undefined;
  let admin: Session | undefined;
  beforeAll(async () => {
    service = await startTestService(options);
    admin = await adminSession(service);
  });
  afterAll(async () => service?.close());
  return {
    get service() {
      if (!service) throw new Error('the test service is not started: use it inside a test');
      return service;
    },
    get admin() {
      if (!admin) throw new Error('the test service is not started: use it inside a test');
      return admin;
    },
  };
}
