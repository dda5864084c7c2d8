// The client's entry: a hash router over five pages, the language switch, and the frame
// around them. Each page mounts into #page and returns a function that stops its timers.
import './app.css';
import { h, put } from './dom.ts';
import { currentLang, L, setLang } from './i18n.ts';
import { mountAdmin } from './pages/admin.ts';
import { mountHome } from './pages/home.ts';
import { mountMember } from './pages/member.ts';
import { mountObserver } from './pages/observer.ts';
import { mountProjector } from './pages/projector.ts';
import { mountSecretary } from './pages/secretary.ts';
import { mountSlip } from './pages/slip.ts';

export type Unmount = () => void;
export type PageMount = (root: HTMLElement, params: URLSearchParams) => Unmount | void;

const PAGES: Record<string, { mount: PageMount; title: () => string }> = {
  '': { mount: mountHome, title: () => L('票决', 'Piaojue') },
  member: { mount: mountMember, title: () => L('委员投票', 'Vote') },
  enrol: { mount: mountMember, title: () => L('委员投票', 'Vote') },
  secretary: { mount: mountSecretary, title: () => L('秘书', 'Secretary') },
  projector: { mount: mountProjector, title: () => L('计票结果', 'Result') },
  observer: { mount: mountObserver, title: () => L('监票验证', 'Verify') },
  admin: { mount: mountAdmin, title: () => L('管理', 'Admin') },
  // A participant's slip (issue 15): #/slip/<code>, the code a path segment of the fragment.
  slip: { mount: mountSlip, title: () => L('参会人员投票', 'Participant’s ballot') },
};

let unmount: Unmount | void;

function route(): { name: string; params: URLSearchParams } {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path = '', query = ''] = hash.split('?');
  const params = new URLSearchParams(query);
  // #/slip/<code>: the printed slip's QR code (issue 15).
  const [name = '', code] = path.startsWith('slip/') ? ['slip', path.slice('slip/'.length)] : [path];
  if (name === 'slip' && code) params.set('code', safeDecode(code));
  return { name: name in PAGES ? name : '', params };
}

/** A malformed %-escape is left as typed (the service then refuses the code as slip_invalid). */
function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function render(): void {
  unmount?.();
  unmount = undefined;
  const { name, params } = route();
  const page = PAGES[name]!;
  document.documentElement.lang = currentLang() === 'zh' ? 'zh-CN' : 'en';
  document.body.dataset.page = name || 'home';
  document.title = `${page.title()} · ${L('票决', 'Piaojue')}`;
  const app = document.getElementById('app')!;
  const main = h('main', { id: 'page' });
  const nav = (to: string, zh: string, en: string) => h('a', { href: `#/${to}`, class: name === to ? 'current' : null }, L(zh, en));
  const lang = h(
    'button',
    {
      class: 'lang',
      type: 'button',
      // The accessible name is the visible text (WCAG 2.5.3), in the language it is written in.
      lang: currentLang() === 'zh' ? 'en' : 'zh-CN',
      title: L('切换到英文', 'Switch to Chinese'),
      onclick: () => {
        setLang(currentLang() === 'zh' ? 'en' : 'zh');
        render();
      },
    },
    currentLang() === 'zh' ? 'EN' : '中文',
  );
  const topbar = h(
    'header',
    { class: 'topbar' },
    h('a', { href: '#/', class: 'brand' }, '票决', h('span', { class: 'brand-en' }, ' Piaojue')),
    h('nav', null, nav('member', '投票', 'Vote'), nav('secretary', '秘书', 'Secretary'), nav('observer', '验证', 'Verify'), nav('admin', '管理', 'Admin')),
    lang,
  );
  // The projector in full-screen mode shows the result and nothing else.
  const bare = name === 'projector' && params.get('full') === '1';
  document.body.classList.toggle('bare', bare);
  put(app, bare ? null : topbar, main);
  unmount = page.mount(main, params);
}

window.addEventListener('hashchange', render);
render();
