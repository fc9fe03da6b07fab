// A procedure card: what to bring (a checklist), the numbered steps, fee and time limit up front.
import { el, safeHref } from './dom.js';

let cardCount = 0; // unique ids for labels and headings when several cards are on the page

function section(title, body) {
  return body ? [el('h4', {}, title), body] : [];
}

function list(items, tag = 'ul', className = 'plain') {
  return items && items.length ? el(tag, { className }, items.map((item) => el('li', {}, item))) : null;
}

function checklist(papers, prefix) {
  if (!papers || !papers.length) return null;
  return el('ul', { className: 'checklist' }, papers.map((paper, i) => {
    const id = `${prefix}-paper-${i}`;
    return el('li', {}, el('label', { for: id },
      el('input', { type: 'checkbox', id }), el('span', {}, paper)));
  }));
}

function facts(card) {
  const rows = [['Lệ phí', card.fee, 'fact-fee'], ['Thời hạn giải quyết', card.time_limit, 'fact-time']]
    .filter(([, value]) => value);
  return rows.length ? el('dl', { className: 'facts' }, rows.map(([label, value, cls]) =>
    el('div', { className: `fact ${cls}` }, el('dt', {}, label), el('dd', {}, value)))) : null;
}

export function renderCard(card) {
  const prefix = `card${++cardCount}`;
  const titleId = `${prefix}-title`;
  const meta = [card.code ? `Mã thủ tục: ${card.code}` : '', card.level ? `Cấp thực hiện: ${card.level}` : '']
    .filter(Boolean).join(' · ');
  const link = card.url && safeHref(card.url);
  return el('section', { className: 'card', 'aria-labelledby': titleId, dataset: { code: card.code || '' } },
    el('h3', { id: titleId }, card.name || card.code || 'Thủ tục'),
    card.sample ? el('span', { className: 'tag tag-sample', title: 'Hướng dẫn do dự án biên soạn để minh họa, '
      + 'cần đối chiếu với cơ quan có thẩm quyền' }, 'Nội dung mẫu') : null,
    meta ? el('p', { className: 'card-meta' }, meta) : null,
    facts(card),
    section('Giấy tờ cần chuẩn bị', checklist(card.papers, prefix)),
    section('Các bước thực hiện', list(card.steps, 'ol', 'steps')),
    section('Cơ quan giải quyết', card.office ? el('p', {}, card.office) : null),
    section('Cách nộp hồ sơ', list(card.channels)),
    card.legal_basis && card.legal_basis.length
      ? el('details', {}, el('summary', {}, `Căn cứ pháp lý (${card.legal_basis.length})`), list(card.legal_basis))
      : null,
    link ? el('p', {}, el('a', { href: link, target: '_blank', rel: 'noopener noreferrer' },
      'Xem thủ tục trên cổng dịch vụ công')) : null,
  );
}
