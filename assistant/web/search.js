// The officials' search page: filters, ranked results with highlighted matches, pagination and a
// unit view beside the results. Everything it shows follows the URL (see search-state.js).
import { getJSON } from './api.js';
import { clear, el, snippetNodes } from './dom.js';
import { FILTERS, apiQuery, readState, stateQuery } from './search-state.js';
import { citationText, copyButton, docLine, showUnitIn } from './units.js';

const PER_PAGE = 10;
const COLLECTIONS = {
  demo: 'Hướng dẫn mẫu của dự án',
  phapdien: 'Bộ Pháp điển',
  procedures: 'Thủ tục hành chính',
  alqac: 'Văn bản ALQAC',
};

const $ = (selector) => document.querySelector(selector);
const form = $('#search-form');
const summary = $('#summary');
const results = $('#results');
const pager = $('#pager');
const layout = $('#layout');
const unitView = $('#unit-view');
const unitBody = $('#unit-body');
const unitTitle = $('#unit-view-title');
const filtersBox = $('#filters-box');
const filtersSummary = $('#filters-summary');

let state = readState();
let marksByUnit = new Map(); // unit id → words highlighted in its snippet, marked again in the unit view
let searchCall = null;
let unitCall = null;

/** /api/filters entries may be plain strings or {value, label, count}. */
function option(entry, labels = {}) {
  const value = typeof entry === 'string' ? entry : (entry.value ?? entry.name ?? entry.id ?? '');
  const label = typeof entry === 'string' ? entry : (entry.label || value);
  const count = typeof entry === 'object' && entry.count != null ? ` (${entry.count.toLocaleString('vi-VN')})` : '';
  return el('option', { value }, `${labels[value] || label}${count}`);
}

async function loadFilters() {
  try {
    const data = await getJSON('/api/filters');
    $('#collection').append(...(data.collections || []).map((c) => option(c, COLLECTIONS)));
    $('#doc_type').append(...(data.doc_types || []).map((d) => option(d)));
    $('#issuer').append(...(data.issuers || []).map((i) => option(i)));
  } catch {
    // The search still works without the lists; typed filters from the URL are kept below.
  }
}

function fillForm() {
  form.elements.q.value = state.q;
  for (const key of FILTERS) {
    const field = form.elements[key];
    if (field.tagName === 'SELECT' && state[key] && ![...field.options].some((o) => o.value === state[key])) {
      field.append(el('option', { value: state[key] }, state[key])); // a shared link's value not in the list
    }
    field.value = state[key];
  }
  countFilters();
}

/** "Bộ lọc (2 đang áp dụng)": the count shows even when the box is folded on a phone. */
function countFilters() {
  const active = FILTERS.filter((key) => form.elements[key].value.trim()).length;
  filtersSummary.textContent = active ? `Bộ lọc (${active} đang áp dụng)` : 'Bộ lọc';
  return active;
}

function formState() {
  const next = { q: form.elements.q.value.trim(), page: 1, unit: '' };
  for (const key of FILTERS) next[key] = form.elements[key].value.trim();
  return next;
}

function go(next, { replace = false } = {}) {
  state = next;
  const url = `${window.location.pathname}${stateQuery(state)}`;
  if (replace) window.history.replaceState(null, '', url); else window.history.pushState(null, '', url);
}

function resultItem(r) {
  const snippet = snippetNodes(r.snippet_html || '');
  marksByUnit.set(r.unit_id, snippet.filter((n) => n instanceof Element).map((n) => n.textContent));
  const link = el('a', { href: stateQuery({ ...state, unit: r.unit_id }) || '?', className: 'result-link' },
    r.citation || r.article_ref || r.unit_id);
  link.addEventListener('click', (event) => {
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return; // new tab: let it
    event.preventDefault();
    openUnit(r.unit_id);
  });
  const source = r.source_url ? el('a', { href: r.source_url, target: '_blank', rel: 'noopener noreferrer' },
    'Văn bản gốc') : null;
  return el('li', { className: 'result', dataset: { unitId: r.unit_id } },
    el('h2', {}, `${r.rank}. `, link),
    docLine('result-meta', r.doc_type, r),
    el('p', { className: 'snippet' }, snippet),
    el('div', { className: 'actions' },
      el('button', { type: 'button', className: 'btn btn-small view-unit', onclick: () => openUnit(r.unit_id) },
        'Xem chi tiết'),
      copyButton(() => citationText(r)),
      source));
}

function pageButton(label, page, { current = false, name = '' } = {}) {
  return el('button', {
    type: 'button', className: 'btn btn-small btn-quiet', 'aria-current': current ? 'page' : null,
    'aria-label': name || `Trang ${page}`,
    onclick: () => { closeUnit({ push: false, focus: false }); go({ ...state, page, unit: '' }); runSearch(true); },
  }, label);
}

function drawPager(total) {
  clear(pager);
  const pages = Math.ceil(total / PER_PAGE);
  pager.hidden = pages <= 1;
  if (pages <= 1) return;
  const first = Math.max(1, Math.min(state.page - 3, pages - 6));
  const last = Math.min(pages, first + 6);
  if (state.page > 1) pager.append(pageButton('‹ Trước', state.page - 1, { name: 'Trang trước' }));
  for (let p = first; p <= last; p += 1) pager.append(pageButton(String(p), p, { current: p === state.page }));
  if (state.page < pages) pager.append(pageButton('Sau ›', state.page + 1, { name: 'Trang sau' }));
}

async function runSearch(focusSummary = false) {
  if (searchCall) searchCall.abort();
  clear(results);
  pager.hidden = true;
  if (!state.q) { summary.textContent = 'Nhập từ khóa để bắt đầu tra cứu.'; return; }
  const mine = new AbortController();
  searchCall = mine;
  summary.textContent = 'Đang tìm…';
  try {
    const data = await getJSON(apiQuery(state, PER_PAGE), { signal: mine.signal });
    marksByUnit = new Map();
    const items = data.results || [];
    const total = data.total ?? items.length;
    summary.textContent = items.length
      ? `Tìm thấy ${total.toLocaleString('vi-VN')} kết quả cho “${data.query || state.q}” — trang ${state.page}.`
      : `Không có kết quả cho “${state.q}”. Hãy thử từ khóa khác hoặc bỏ bớt bộ lọc.`;
    results.append(...items.map(resultItem));
    drawPager(total);
    markOpen();
    if (focusSummary) summary.scrollIntoView({ block: 'nearest' });
  } catch (err) {
    if (err.name === 'AbortError') return;
    summary.textContent = '';
    results.append(el('li', { className: 'error-box', role: 'alert' }, err.message));
  } finally {
    if (searchCall === mine) searchCall = null;
  }
}

function markOpen() {
  results.querySelectorAll('.result').forEach((li) => li.classList.toggle('is-open', li.dataset.unitId === state.unit));
}

function closeUnit({ push = true, focus = true } = {}) {
  if (unitCall) unitCall.abort();
  unitView.hidden = true;
  layout.classList.remove('has-unit');
  const opened = state.unit;
  if (push && opened) go({ ...state, unit: '' });
  markOpen();
  const item = [...results.querySelectorAll('.result')].find((li) => li.dataset.unitId === opened);
  if (item && focus) item.querySelector('.result-link').focus();
}

async function openUnit(unitId, { push = true } = {}) {
  if (push) go({ ...state, unit: unitId });
  if (unitCall) unitCall.abort();
  const mine = new AbortController();
  unitCall = mine;
  unitView.hidden = false;
  layout.classList.add('has-unit');
  markOpen();
  try {
    const shown = showUnitIn(unitBody, unitId, {
      signal: mine.signal, loading: 'Đang tải điều khoản', notFound: 'Không tìm thấy điều khoản này.',
      highlight: () => marksByUnit.get(unitId) || [], onOpen: (id) => openUnit(id),
    });
    unitTitle.focus();
    await shown;
  } finally {
    if (unitCall === mine) unitCall = null;
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  closeUnit({ push: false, focus: false });
  go(formState());
  runSearch();
});
$('#clear-filters').addEventListener('click', () => {
  for (const key of FILTERS) form.elements[key].value = '';
  countFilters();
});
form.addEventListener('change', countFilters);
$('#unit-close').addEventListener('click', () => closeUnit());
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && !unitView.hidden) closeUnit();
});
window.addEventListener('popstate', () => {
  const before = state;
  state = readState();
  fillForm();
  if (stateQuery({ ...before, unit: '' }) !== stateQuery({ ...state, unit: '' })) runSearch();
  if (state.unit) openUnit(state.unit, { push: false }); else closeUnit({ push: false, focus: false });
});

async function start() {
  await loadFilters();
  fillForm();
  // Open on wide screens or when a shared link has filters; folded on phones to keep results in view.
  filtersBox.open = window.matchMedia('(min-width: 40rem)').matches || countFilters() > 0;
  await runSearch();
  if (state.unit) openUnit(state.unit, { push: false });
}

start();
