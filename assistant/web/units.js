// How a legal unit looks on both pages: its citation, document, text, the article it belongs to,
// neighbouring khoản and related articles, with a copy-citation button.
import { getUnit } from './api.js';
import { copyText } from './clipboard.js';
import { announce, clear, el, markedText, safeHref } from './dom.js';

const STATUS = {
  in_force: 'Còn hiệu lực',
  amended: 'Còn hiệu lực (đã sửa đổi, bổ sung)',
  partly_repealed: 'Hết hiệu lực một phần',
  repealed: 'Hết hiệu lực',
  not_yet_effective: 'Chưa có hiệu lực',
  unknown: 'Chưa rõ hiệu lực',
};

export function statusTag(status) {
  if (!status) return null;
  const old = ['repealed', 'partly_repealed', 'not_yet_effective'].includes(status);
  return el('span', { className: `tag tag-status${old ? ' is-old' : ''}` }, STATUS[status] || status);
}

/** "15/03/2024" from "2024-03-15" (dates stay as given when they are not ISO). */
export function viDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
  return m ? `${m[3]}/${m[2]}/${m[1]}` : (iso || '');
}

export function citationText(unit) {
  const label = unit.citation || unit.article_ref || unit.unit_id;
  return unit.source_url ? `${label} — ${unit.source_url}` : label;
}

/** A copy button plus the live region that says whether copying worked. */
export function copyButton(getText, label = 'Sao chép trích dẫn') {
  const status = el('span', { className: 'copy-status', role: 'status' });
  const button = el('button', {
    type: 'button', className: 'btn btn-small btn-quiet copy-citation',
    onclick: async () => {
      const ok = await copyText(getText());
      announce(status, ok ? 'Đã sao chép trích dẫn.' : 'Không sao chép được, hãy chọn và sao chép thủ công.');
    },
  }, label);
  return [button, status];
}

/** "name · number · issuer · hiệu lực từ …" and the status tag of a unit or search result. */
export function docLine(className, name, item) {
  const parts = [name, item.doc_number, item.issuer, item.effective ? `hiệu lực từ ${viDate(item.effective)}` : '']
    .filter(Boolean);
  return el('p', { className }, parts.join(' · '), ' ', statusTag(item.status));
}

function linkList(title, units, currentId, onOpen) {
  if (!units || !units.length) return null;
  return el('section', { className: 'unit-section' }, el('h3', {}, title),
    el('ul', { className: 'unit-links' }, units.map((u) => el('li', {},
      el('button', {
        type: 'button', className: 'linklike', 'aria-current': u.unit_id === currentId ? 'true' : null,
        dataset: { unitId: u.unit_id }, onclick: () => onOpen(u.unit_id),
      }, u.citation || u.heading || u.unit_id)))));
}

/**
 * data: the /api/units/{id} answer. highlight: a quote or words to mark in the text.
 * onOpen(unitId): what clicking a neighbouring or related unit does.
 */
export function renderUnitDetail(data, { highlight = [], onOpen = () => {} } = {}) {
  const unit = data.unit;
  const href = unit.source_url && safeHref(unit.source_url);
  const article = data.article && data.article.unit_id !== unit.unit_id ? data.article : null;
  return el('div', { className: 'unit-detail', dataset: { unitId: unit.unit_id } },
    el('p', { className: 'unit-citation' }, unit.citation || unit.article_ref || unit.unit_id),
    docLine('unit-doc', unit.doc_title, unit),
    el('div', { className: 'actions' }, copyButton(() => citationText(unit)),
      href ? el('a', { href, target: '_blank', rel: 'noopener noreferrer' }, 'Xem văn bản gốc') : null),
    unit.heading ? el('h3', { className: 'unit-heading' }, unit.heading) : null,
    el('div', { className: 'unit-text' }, markedText(unit.text, highlight)),
    article ? el('section', { className: 'unit-section unit-article' },
      el('h3', {}, `Toàn văn ${article.citation || article.article_ref}`),
      el('div', { className: 'unit-text' }, markedText(article.text, highlight))) : null,
    linkList('Các khoản, mục cùng điều', data.siblings, unit.unit_id, onOpen),
    linkList('Điều liên quan', data.related, unit.unit_id, onOpen),
  );
}

/**
 * Fill target with a unit fetched from the API: a loading line, then the unit, or the error in
 * its place (notFound for a 404); an aborted call stops quietly. highlight() is asked
 * when the unit arrives, so marks that changed meanwhile are the ones used.
 */
export async function showUnitIn(target, unitId, { signal, loading, notFound, highlight, onOpen }) {
  clear(target).append(el('p', { className: 'msg-status', role: 'status' }, loading));
  try {
    const data = await getUnit(unitId, { signal });
    clear(target).append(renderUnitDetail(data, { highlight: highlight(), onOpen }));
  } catch (err) {
    if (err.name === 'AbortError') return;
    const message = err.status === 404 ? notFound : err.message;
    clear(target).append(el('p', { className: 'error-box', role: 'alert' }, message));
  }
}
