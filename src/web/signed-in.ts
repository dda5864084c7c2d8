// The set-up every signed-in page shares (admin, secretary, member): sign in with this browser's
// device — or show the enrolment form, with the code from a slip's link filled in, which makes
// the device key here — and only then run the page; leaving the page before sign-in finishes
// runs nothing. Also the way out: removing the device key from this browser (the start page).
import { enrolThisDevice, forgetDevice, Session } from './api.ts';
import { cryptoAvailable } from './device.ts';
import { h } from './dom.ts';
import { L } from './i18n.ts';
import type { PageMount } from './main.ts';
import { errorText, notice } from './ui.ts';

/** What a signed-in page does once it has a session; returns what stops its timers. */
export type SignedInPage = (root: HTMLElement, session: Session, params: URLSearchParams) => () => void;

export function signedInPage(run: SignedInPage): PageMount {
  return (root, params) => {
    let stop: (() => void) | undefined;
    let gone = false;
    root.append(
      signIn(
        (s) => {
          if (gone) return;
          stop = run(root, s, params);
        },
        params.get('code') ?? '',
      ),
    );
    return () => {
      gone = true;
      stop?.();
    };
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

/** Sign-out for good: deletes the device key from this browser, after asking; `done` redraws. */
export function forgetDeviceButton(done: () => void): HTMLElement {
  return h(
    'button',
    {
      type: 'button',
      class: 'quiet',
      onclick: async () => {
        if (!confirm(L('从本浏览器删除设备密钥？之后需要新的登记码。', 'Delete the device key from this browser? You will need a new enrolment code.'))) return;
        await forgetDevice();
        done();
      },
    },
    L('在本浏览器注销设备', 'Remove this device from the browser'),
  );
}
