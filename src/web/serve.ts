// The browser client, served by the service itself (no CDN: the meeting room may be offline).
import { Router } from 'express';

/** Serves the web client at / (filled in by the web client work; API routes are unaffected). */
export function webRouter(): Router {
  return Router();
}
