// Started with a public address phones cannot open (localhost, plain http), the service says so
// in its log, in both languages, and its first-start line names that address's #/admin page; an
// https address on the LAN, which phones can use, gives no warning.
import { describe, expect, it } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '../helpers/spawn.ts';

describe('the start-up log with PIAOJUE_PUBLIC_URL on localhost', () => {
  it('warns that links point to this computer only and names the public #/admin page for the first code', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'piaojue-publicurl-')), 'data');
    const publicUrl = 'http://localhost:18443';
    const served = serve(dir, { PIAOJUE_PUBLIC_URL: publicUrl });
    try {
      const { code } = await served.ready;
      const log = served.output();
      expect(log).toContain(`注意 / Note: 登记链接和二维码指向 ${publicUrl}，这是本机地址，与会人员的手机无法打开。`);
      expect(log).toContain(
        `Enrolment links and QR codes point to ${publicUrl}, which is this computer only: phones in the room cannot open it. Set PIAOJUE_PUBLIC_URL`,
      );
      expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
      expect(log).toContain('首次启动：管理员一次性登记码 / First start: one-time administrator enrolment code');
      expect(log).toContain(`在 ${publicUrl}/#/admin 输入此码登记管理员设备 / enter it at ${publicUrl}/#/admin to enrol the administrator's device`);
    } finally {
      await served.stop();
    }
  }, 60_000);
});

describe('the start-up log with PIAOJUE_PUBLIC_URL on the LAN', () => {
  it('warns that a plain-http LAN address gives phones no WebCrypto, in both languages, and names that address for the first code', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'piaojue-publicurl-')), 'data');
    const publicUrl = 'http://192.168.1.20:3000';
    const served = serve(dir, { PIAOJUE_PUBLIC_URL: publicUrl });
    try {
      await served.ready;
      const log = served.output();
      expect(log).toContain(
        `  注意 / Note: 登记链接和二维码指向 ${publicUrl}，不是 https：手机浏览器在非安全连接下不提供加密功能，无法登记和投票。请为服务配置手机信任的证书，并把 PIAOJUE_PUBLIC_URL 设为 https 地址。\n` +
          `  Enrolment links and QR codes point to ${publicUrl}, which is not https: phone browsers give no WebCrypto to insecure pages, so they cannot enrol or vote. Give the service a certificate the phones trust and set PIAOJUE_PUBLIC_URL to the https address.`,
      );
      // Not taken for this computer's own address: the localhost warning is not given.
      expect(log).not.toContain('这是本机地址');
      expect(log).not.toContain('this computer only');
      expect(log).toContain(`在 ${publicUrl}/#/admin 输入此码登记管理员设备 / enter it at ${publicUrl}/#/admin to enrol the administrator's device`);
    } finally {
      await served.stop();
    }
  }, 60_000);

  it('gives no warning for an https LAN address, and names that address for the first code', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'piaojue-publicurl-')), 'data');
    const publicUrl = 'https://192.168.1.20:8443';
    const served = serve(dir, { PIAOJUE_PUBLIC_URL: publicUrl });
    try {
      await served.ready;
      const log = served.output();
      expect(log).not.toContain('注意 / Note');
      expect(log).not.toContain('Enrolment links and QR codes point to');
      expect(log).toContain(`在 ${publicUrl}/#/admin 输入此码登记管理员设备 / enter it at ${publicUrl}/#/admin to enrol the administrator's device`);
    } finally {
      await served.stop();
    }
  }, 60_000);
});
