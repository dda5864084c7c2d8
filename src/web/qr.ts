// QR codes as SVG squares (no HTML injection, crisp at any print size, nothing fetched).
import qrcode from 'qrcode-generator';
import { svg } from './dom.ts';

export function qrSvg(text: string, className = 'qr'): SVGElement {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  const n = qr.getModuleCount();
  const margin = 4;
  const size = n + margin * 2;
  let d = '';
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (qr.isDark(r, c)) d += `M${c + margin} ${r + margin}h1v1h-1z`;
  const el = svg('svg', { viewBox: `0 0 ${size} ${size}`, class: className, role: 'img', 'aria-label': text, 'shape-rendering': 'crispEdges' });
  el.append(svg('rect', { width: size, height: size, fill: '#fff' }), svg('path', { d, fill: '#000' }));
  return el;
}
