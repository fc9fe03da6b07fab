// The citizen chat page: sends questions, streams answers, keeps the session across reloads.
import { ApiError, getJSON, request } from './api.js';
import { AssistantMessage, userMessage } from './chat-view.js';
import { announce, clear, el } from './dom.js';
import { createPanel } from './panel.js';
import { readEventStream } from './sse.js';

const KEYS = { session: 'vnlegal.session', persona: 'vnlegal.persona' };
const MAX_CHARS = 2000;

// localStorage can throw (private mode, storage disabled); the chat still works without it.
const store = {
  get: (key) => { try { return window.localStorage.getItem(key); } catch { return null; } },
  set: (key, value) => {
    try {
      if (value) window.localStorage.setItem(key, value); else window.localStorage.removeItem(key);
    } catch { /* not kept: fine */ }
  },
};

const $ = (selector) => document.querySelector(selector);
const form = $('#composer');
const input = $('#question');
const sendButton = $('#send');
const counter = $('#counter');
const messages = $('#messages');
const welcome = $('#welcome');
const live = $('#live');
const panel = createPanel($('#panel'));

let sessionId = store.get(KEYS.session);
let inFlight = null; // AbortController of the answer being streamed

function setSession(id) {
  sessionId = id || null;
  store.set(KEYS.session, sessionId);
}

function persona() {
  const checked = document.querySelector('input[name="persona"]:checked');
  return checked ? checked.value : 'citizen';
}

function showWelcome(show) {
  welcome.hidden = !show;
}

function newAssistant() {
  const view = new AssistantMessage({ onCite: (citation, chip) => panel.open(citation, chip) });
  messages.append(view.root);
  return view;
}

function updateCounter() {
  counter.textContent = `${input.value.length}/${MAX_CHARS} ký tự`;
}

function setBusy(busy) {
  sendButton.disabled = busy;
  sendButton.textContent = busy ? 'Đang trả lời…' : 'Gửi';
}

/** One streamed answer; an unknown session (e.g. deleted on the server) is dropped and retried once. */
async function streamAnswer(text, view, signal, firstTry = true) {
  let res;
  try {
    res = await request('/api/chat', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
      body: JSON.stringify({ session_id: sessionId, message: text, persona: persona(), stream: true }),
      signal,
    });
  } catch (err) {
    if (firstTry && err.code === 'session_not_found') {
      setSession(null);
      return streamAnswer(text, view, signal, false);
    }
    throw err;
  }
  if ((res.headers.get('Content-Type') || '').includes('application/json')) { // a server that did not stream
    const data = await res.json();
    setSession(data.session_id);
    view.finish(data.answer, data.message_id);
    return;
  }
  let finished = false;
  await readEventStream(res.body, ({ event, data }) => {
    if (event === 'meta') {
      setSession(data.session_id);
      view.messageId = data.message_id;
    } else if (event === 'token') view.appendToken(data.text);
    else if (event === 'citation') view.addCitation(data);
    else if (event === 'card') view.setCard(data);
    else if (event === 'done') {
      setSession(data.session_id || sessionId);
      view.finish(data.answer, data.message_id);
      finished = true;
    } else if (event === 'error') {
      const info = (data && data.error) || {};
      throw new ApiError(500, info.code || 'stream_error',
        info.message_vi || 'Đã có lỗi khi soạn câu trả lời. Vui lòng thử lại.');
    }
  });
  if (!finished) throw new ApiError(0, 'stream_cut', 'Câu trả lời bị gián đoạn. Vui lòng thử lại.');
}

async function answer(text) {
  const view = newAssistant();
  const controller = new AbortController();
  inFlight = controller;
  setBusy(true);
  try {
    await streamAnswer(text, view, controller.signal);
  } catch (err) {
    if (err.name === 'AbortError') { view.root.remove(); return; }
    // A connection dropped mid-answer surfaces as a bare TypeError from the stream reader.
    const shown = err instanceof ApiError ? err
      : new ApiError(0, 'stream_cut', 'Câu trả lời bị gián đoạn. Vui lòng kiểm tra mạng rồi thử lại.');
    view.fail(shown, () => {
      if (inFlight) return;
      view.root.remove();
      answer(text);
    });
  } finally {
    if (inFlight === controller) { inFlight = null; setBusy(false); }
  }
}

function send(raw) {
  const text = raw.trim();
  if (inFlight) return;
  if (!text) {
    announce(live, 'Vui lòng nhập câu hỏi.');
    input.focus();
    return;
  }
  // An older failed answer can no longer be retried in place once the conversation moves on.
  messages.querySelectorAll('.retry').forEach((b) => b.remove());
  input.value = '';
  updateCounter();
  showWelcome(false);
  const bubble = userMessage(text.slice(0, MAX_CHARS));
  messages.append(bubble);
  bubble.scrollIntoView({ block: 'nearest' });
  answer(text.slice(0, MAX_CHARS));
}

function newConversation() {
  if (inFlight) inFlight.abort();
  setSession(null);
  panel.close();
  clear(messages);
  showWelcome(true);
  input.value = '';
  updateCounter();
  input.focus();
  announce(live, 'Đã bắt đầu cuộc trò chuyện mới.');
}

/** Reload the stored conversation; a session the server no longer knows just starts fresh. */
async function restore() {
  if (!sessionId) return;
  try {
    const data = await getJSON(`/api/sessions/${encodeURIComponent(sessionId)}/messages`);
    if (!data.messages || !data.messages.length) return;
    showWelcome(false);
    for (const m of data.messages) {
      if (m.role === 'user') messages.append(userMessage(m.text));
      else newAssistant().finish(m.answer || { text: m.text }, m.message_id);
    }
    messages.lastElementChild.scrollIntoView({ block: 'end' });
  } catch (err) {
    if (err.status === 404) { setSession(null); return; }
    const retry = el('button', { type: 'button', className: 'btn btn-small retry' }, 'Tải lại');
    const note = el('li', { className: 'msg msg-assistant msg-error' },
      el('p', { className: 'msg-body', role: 'alert' }, `Không tải được cuộc trò chuyện trước. ${err.message}`), retry);
    retry.addEventListener('click', () => { note.remove(); restore(); });
    messages.append(note);
  }
}

form.addEventListener('submit', (event) => { event.preventDefault(); send(input.value); });
input.addEventListener('keydown', (event) => {
  // Enter sends, Shift+Enter is a new line; never while an IME (Telex/VNI) is composing a letter.
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    send(input.value);
  }
});
input.addEventListener('input', updateCounter);
document.querySelectorAll('.starter').forEach((b) => b.addEventListener('click', () => send(b.textContent)));
$('#new-chat').addEventListener('click', newConversation);
document.querySelectorAll('input[name="persona"]').forEach((radio) => {
  if (radio.value === store.get(KEYS.persona)) radio.checked = true;
  radio.addEventListener('change', () => store.set(KEYS.persona, persona()));
});
updateCounter();
restore();
