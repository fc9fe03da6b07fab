// How one exchange looks: the user's bubble and the assistant's answer, which fills in as the
// stream arrives (text, then citation chips and the procedure card) and is redrawn from the
// final Answer when it is done.
import { postJSON } from './api.js';
import { announce, clear, el, plainTextBlocks } from './dom.js';
import { renderCard } from './card.js';

export function userMessage(text) {
  return el('li', { className: 'msg msg-user' }, el('span', { className: 'visually-hidden' }, 'Bạn hỏi: '), text);
}

function isWeak(answer) {
  return !answer.refused && (!answer.grounded || (answer.notes || []).includes('weak retrieval'));
}

export class AssistantMessage {
  /** onCite(citation, chipButton): open the cited unit. */
  constructor({ onCite }) {
    this.onCite = onCite;
    this.text = '';
    this.citations = [];
    this.card = null;
    this.messageId = null;
    this.weak = false;
    this.pending = false;
    this.tags = el('div', { className: 'msg-tags' });
    this.body = el('div', { className: 'msg-body' },
      el('p', { className: 'msg-status' }, 'Đang tìm trong văn bản và thủ tục'));
    this.cardSlot = el('div', { className: 'msg-card' });
    this.citeSlot = el('div', { className: 'citations', hidden: true });
    this.footer = el('div', { className: 'msg-footer' });
    this.root = el('li', { className: 'msg msg-assistant', 'aria-busy': 'true', dataset: { state: 'streaming' } },
      el('p', { className: 'msg-who' }, 'Trợ lý'), this.tags, this.body, this.cardSlot, this.citeSlot, this.footer);
  }

  appendToken(piece) {
    this.text += piece || '';
    this.root.dataset.tokens = String(Number(this.root.dataset.tokens || 0) + 1); // how many pieces streamed
    // Redraw at most once a frame however fast tokens come.
    if (this.pending) return;
    this.pending = true;
    window.requestAnimationFrame(() => { this.pending = false; this.drawText(); });
  }

  drawText() {
    clear(this.body).append(...plainTextBlocks(this.text));
  }

  addCitation(citation) {
    if (!citation || !citation.unit_id || this.citations.some((c) => c.unit_id === citation.unit_id)) return;
    this.citations.push(citation);
    this.drawCitations();
  }

  drawCitations() {
    clear(this.citeSlot);
    this.citeSlot.hidden = !this.citations.length;
    if (!this.citations.length) return;
    this.citeSlot.append(
      el('p', { className: 'citations-title' }, this.weak ? 'Có thể liên quan' : 'Nguồn trích dẫn'),
      el('ul', { className: 'chips' }, this.citations.map((c, i) => {
        const chip = el('button', {
          type: 'button', className: 'chip', title: 'Xem nội dung điều khoản', dataset: { unitId: c.unit_id },
        }, el('span', { className: 'chip-num' }, `[${i + 1}]`), c.label || c.article_ref || c.unit_id);
        chip.addEventListener('click', () => this.onCite(c, chip));
        return el('li', {}, chip);
      })));
  }

  setCard(card) {
    this.card = card || null;
    clear(this.cardSlot);
    if (this.card) this.cardSlot.append(renderCard(this.card));
  }

  /** The final answer (from the `done` event or the stored history) replaces what streamed. */
  finish(answer, messageId) {
    const a = answer || {};
    this.messageId = messageId || this.messageId;
    this.text = a.text || this.text;
    this.weak = isWeak(a);
    this.root.classList.toggle('msg-refused', Boolean(a.refused));
    this.root.classList.toggle('msg-weak', this.weak);
    clear(this.tags);
    if (a.refused) {
      this.tags.append(el('span', { className: 'tag tag-warn' },
        a.intent === 'out_of_scope' ? 'Ngoài phạm vi hỗ trợ' : 'Không thể hỗ trợ yêu cầu này'));
    } else if (this.weak) {
      this.tags.append(el('span', { className: 'tag tag-weak' }, 'Chưa tìm thấy căn cứ rõ ràng'));
    }
    this.drawText();
    this.citations = [];
    (a.citations || []).forEach((c) => this.addCitation(c));
    this.drawCitations();
    this.setCard(a.card);
    this.root.dataset.state = 'done';
    this.root.setAttribute('aria-busy', 'false');
    clear(this.footer);
    if (this.messageId && !a.refused) this.footer.append(feedbackBox(this.messageId));
  }

  fail(error, onRetry) {
    this.root.classList.add('msg-error');
    this.root.dataset.state = 'error';
    this.root.setAttribute('aria-busy', 'false');
    const retry = el('button', { type: 'button', className: 'btn btn-small retry' }, 'Thử lại');
    retry.addEventListener('click', onRetry);
    clear(this.body).append(el('p', { role: 'alert' }, error.message || 'Đã có lỗi xảy ra.'));
    clear(this.footer).append(retry);
  }
}

/** Thumbs up/down, sent at once; then an optional comment sent as a second note on the same rating. */
function feedbackBox(messageId) {
  const status = el('span', { className: 'feedback-thanks', role: 'status' });
  const comment = el('textarea', { className: 'input', id: `fb-${messageId}`, rows: 2, maxlength: 1000 });
  const form = el('form', { className: 'feedback-form', hidden: true },
    el('label', { for: comment.id, className: 'field-label' }, 'Góp ý thêm (không bắt buộc)'), comment,
    el('div', {}, el('button', { type: 'submit', className: 'btn btn-small' }, 'Gửi góp ý')));
  let rating = null;
  const thumbs = [['up', '✓ Hữu ích'], ['down', '✗ Chưa hữu ích']].map(([value, label]) => {
    const button = el('button', {
      type: 'button', className: 'btn btn-small btn-quiet thumb', 'aria-pressed': 'false', dataset: { rating: value },
    }, label);
    button.addEventListener('click', async () => {
      try {
        await postJSON('/api/feedback', { message_id: messageId, rating: value, comment: null });
        rating = value;
        thumbs.forEach((b) => b.setAttribute('aria-pressed', String(b === button)));
        announce(status, 'Cảm ơn bạn đã đánh giá!');
        form.hidden = false;
      } catch (err) {
        announce(status, err.message);
      }
    });
    return button;
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = comment.value.trim();
    if (!text || !rating) return;
    try {
      await postJSON('/api/feedback', { message_id: messageId, rating, comment: text });
      form.hidden = true;
      announce(status, 'Đã gửi góp ý. Cảm ơn bạn!');
    } catch (err) {
      announce(status, err.message);
    }
  });
  return el('div', { className: 'feedback' }, el('span', {}, 'Câu trả lời có hữu ích không?'), thumbs, status, form);
}
