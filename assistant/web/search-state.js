// The officials' search lives in the URL query (?q=…&collection=…&page=2&unit=…), so a search or
// an opened unit can be bookmarked and shared.

export const FILTERS = ['collection', 'doc_type', 'issuer', 'number', 'in_force_on'];
const FIELDS = ['q', ...FILTERS];

export function readState(search = window.location.search) {
  const params = new URLSearchParams(search);
  const state = {};
  for (const key of FIELDS) state[key] = (params.get(key) || '').trim();
  const page = Number.parseInt(params.get('page') || '1', 10);
  state.page = Number.isFinite(page) && page > 0 ? page : 1;
  state.unit = params.get('unit') || '';
  return state;
}

/** "?q=…" with only the parts that are set (page 1 is the default and left out). */
export function stateQuery(state) {
  const params = new URLSearchParams();
  for (const key of FIELDS) if (state[key]) params.set(key, state[key]);
  if (state.page > 1) params.set('page', String(state.page));
  if (state.unit) params.set('unit', state.unit);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The /api/search URL for a state. */
export function apiQuery(state, perPage) {
  const params = new URLSearchParams();
  for (const key of FIELDS) if (state[key]) params.set(key, state[key]);
  params.set('k', String(perPage));
  params.set('page', String(state.page || 1));
  return `/api/search?${params}`;
}
