// Pieces several pages share: messages, the enrolment form, signing in, polling.
import { ApiError, enrolThisDevice, Session } from './api.ts';
import { cryptoAvailable } from './device.ts';
import { h } from './dom.ts';
import { L } from './i18n.ts';
import { messageFor } from './messages.ts';

/**
 * One message in the page's language that says what to do next (messages.ts), never the API's
 * English detail appended to a Chinese page. A code this client does not know yet shows the
 * problem's title in the page's language.
 */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.code === 'network') return L('无法连接服务，请检查网络后重试。', 'Cannot reach the service; check the network and try again.');
    const known = messageFor(e.code);
    if (known) return L(...known);
    const [zh, en] = e.title.split(' / ');
    return L(zh ?? e.title, en ?? e.title);
  }
  return e instanceof Error ? e.message : String(e);
}

export function notice(kind: 'error' | 'ok' | 'info' | 'warn', text: string): HTMLElement {
  return h('p', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

/** Calls fn now and then every `ms` until stopped; a slow call is never overlapped by the next. */
export function poll(fn: () => Promise<void> | void, ms: number): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async () => {
    try {
      await fn();
    } catch (e) {
      console.warn('poll', e);
    }
    if (!stopped) timer = setTimeout(() => void tick(), ms);
  };
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

export function insecureNotice(): HTMLElement {
  return notice(
    'error',
    L(
      '此浏览器环境无法使用设备密钥：请通过 https:// 地址（或在本机通过 http://localhost）打开本页面。',
      'This page cannot use a device key here: open it over https:// (or http://localhost on this machine).',
    ),
  );
}

/** The enrolment form: a one-time code from the administrator binds this browser to a person. */
export function enrolForm(onDone: (s: Session) => void, presetCode = ''): HTMLElement {
  const input = h('input', {
    id: 'enrol-code',
    name: 'code',
    value: presetCode,
    autocomplete: 'one-time-code',
    autocapitalize: 'characters',
    spellcheck: 'false',
    inputmode: 'text',
    placeholder: 'XXXX-XXXX-XXXX-XXXX-XXXX',
    'aria-label': L('登记码', 'Enrolment code'),
  });
  const status = h('div', { class: 'status-line' });
  const button = h('button', { type: 'submit', class: 'primary big' }, L('登记本设备', 'Enrol this device'));
  const form = h(
    'form',
    {
      class: 'card enrol',
      onsubmit: async (ev: Event) => {
        ev.preventDefault();
        const code = input.value.trim();
        if (!code) return;
        button.disabled = true;
        status.replaceChildren(notice('info', L('正在生成设备密钥并登记…', 'Creating the device key and enrolling…')));
        try {
          await enrolThisDevice(code);
          const s = await Session.resume();
          if (!s) throw new Error('device not stored');
          onDone(s);
        } catch (e) {
          status.replaceChildren(notice('error', errorText(e)));
          button.disabled = false;
        }
      },
    },
    h('h1', { class: 'page-title' }, L('登记本设备', 'Enrol this device')),
    h(
      'p',
      { class: 'hint' },
      L(
        '请输入管理员发给您的一次性登记码。本设备将生成一把无法导出的密钥，仅保存在本设备上。',
        'Enter the one-time code the administrator gave you. This device makes a key that cannot be exported and never leaves it.',
      ),
    ),
    h('label', { for: 'enrol-code' }, L('登记码', 'Enrolment code')),
    input,
    button,
    status,
  );
  if (!cryptoAvailable()) {
    button.disabled = true;
    form.append(insecureNotice());
  }
  return form;
}

/**
 * Signs in with this browser's device, or shows the enrolment form. Calls `ready` once signed in.
 * Returns the element to show meanwhile.
 */
export function signIn(ready: (s: Session) => void, presetCode = ''): HTMLElement {
  const box = h('div', { class: 'signin' }, notice('info', L('正在登录…', 'Signing in…')));
  if (!cryptoAvailable()) {
    box.replaceChildren(insecureNotice());
    return box;
  }
  Session.resume().then(
    (s) => {
      if (s) ready(s);
      else box.replaceChildren(enrolForm(ready, presetCode));
    },
    (e) => {
      box.replaceChildren(
        notice('error', errorText(e)),
        h('p', { class: 'hint' }, L('若本设备已被吊销，请向管理员申请新的登记码。', 'If this device was revoked, ask the administrator for a new code.')),
        enrolForm(ready, presetCode),
      );
    },
  );
  return box;
}

export function shortHash(hash: string): string {
  return `${hash.slice(0, 8)}…${hash.slice(-8)}`;
}
