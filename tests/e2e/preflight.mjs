// Before the browser suite: say what to install instead of letting playwright fail with
// "executable doesn't exist". The suite drives Debian's Chromium and never downloads a browser.
// Plain JavaScript so that `node tests/e2e/preflight.mjs` needs nothing but Node.
import { accessSync, constants } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// The flags every launch uses (the browser suites and the web-verify bench). Without the
// background-networking ones Chromium keeps trying hosts this closed network refuses.
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function preflight() {
  try {
    accessSync(CHROMIUM, constants.X_OK);
  } catch {
    console.error(
      `The browser suite needs Chromium at ${CHROMIUM}, and there is none.\n` +
        '  On Debian or Ubuntu: sudo apt-get install chromium fonts-wqy-microhei\n' +
        '  or run `bash tests/e2e/run.sh`, which installs both with apt and then runs the suite.\n' +
        '  Elsewhere, set CHROMIUM_PATH to a Chromium or Chrome binary.',
    );
    process.exit(1);
  }
  let fonts = '';
  try {
    fonts = execFileSync('fc-list', [':lang=zh'], { encoding: 'utf8' });
  } catch {
    /* no fontconfig */
  }
  if (fonts.trim() === '') console.warn('[e2e] no Chinese font (fc-list :lang=zh): screenshots will show boxes; apt-get install fonts-wqy-microhei');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) preflight();
