// The side panel that shows a cited unit's text. Escape or "Đóng" closes it and puts focus back
// on the chip that opened it, so keyboard users do not lose their place.
import { showUnitIn } from './units.js';

export function createPanel(root) {
  const title = root.querySelector('.panel-title');
  const body = root.querySelector('.panel-body');
  let opener = null;
  let loading = null;

  function close() {
    if (root.hidden) return;
    if (loading) loading.abort();
    root.hidden = true;
    document.body.classList.remove('has-panel');
    if (opener && opener.isConnected) opener.focus();
    opener = null;
  }

  async function showUnit(unitId, quote = '') {
    if (loading) loading.abort();
    loading = new AbortController();
    const mine = loading;
    try {
      await showUnitIn(body, unitId, {
        signal: mine.signal, loading: 'Đang tải nội dung điều khoản',
        notFound: 'Không tìm thấy nội dung của nguồn này.', highlight: () => quote, onOpen: (id) => showUnit(id),
      });
    } finally {
      if (loading === mine) loading = null;
    }
  }

  function open(citation, from) {
    opener = from || document.activeElement;
    root.hidden = false;
    document.body.classList.add('has-panel');
    title.focus();
    return showUnit(citation.unit_id, citation.quote || '');
  }

  root.querySelector('.panel-close').addEventListener('click', close);
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !root.hidden) close();
  });
  return { open, close };
}
