// The address printed on enrolment slips, QR codes and the first-start message. Phones in the
// meeting room must reach it (not localhost) and get WebCrypto from it, which browsers give only
// to secure contexts (https). Pure: the service and the browser both use it.

export type AddressProblem = 'localhost' | 'plain_http';

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\]|0\.0\.0\.0|\[::\])$/i;

/** What is wrong with `url` as the address phones will be sent to, or undefined when nothing is. */
export function addressProblem(url: string): AddressProblem | undefined {
  const u = new URL(url);
  if (LOOPBACK.test(u.hostname) || u.hostname.toLowerCase().endsWith('.localhost')) return 'localhost';
  if (u.protocol === 'http:') return 'plain_http';
  return undefined;
}

/** The explanation, in both languages, of an address problem. */
export function addressProblemText(problem: AddressProblem, url: string): { zh: string; en: string } {
  return problem === 'localhost'
    ? {
        zh: `登记链接和二维码指向 ${url}，这是本机地址，与会人员的手机无法打开。请设置 PIAOJUE_PUBLIC_URL 为手机能访问的地址（如 https://192.168.1.20:8443）。`,
        en: `Enrolment links and QR codes point to ${url}, which is this computer only: phones in the room cannot open it. Set PIAOJUE_PUBLIC_URL to an address the phones reach (e.g. https://192.168.1.20:8443).`,
      }
    : {
        zh: `登记链接和二维码指向 ${url}，不是 https：手机浏览器在非安全连接下不提供加密功能，无法登记和投票。请为服务配置手机信任的证书，并把 PIAOJUE_PUBLIC_URL 设为 https 地址。`,
        en: `Enrolment links and QR codes point to ${url}, which is not https: phone browsers give no WebCrypto to insecure pages, so they cannot enrol or vote. Give the service a certificate the phones trust and set PIAOJUE_PUBLIC_URL to the https address.`,
      };
}
