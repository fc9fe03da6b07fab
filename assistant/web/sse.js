// Reads a text/event-stream response body (EventSource cannot POST, so the chat uses fetch).

/** One event block ("event: x\ndata: {...}") → {event, data}; data is parsed as JSON when it is JSON. */
export function parseEventBlock(block) {
  let event = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (!line || line.startsWith(':')) continue; // blank or comment (keep-alive)
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (!data.length) return null;
  const raw = data.join('\n');
  try { return { event, data: JSON.parse(raw) }; } catch { return { event, data: raw }; }
}

/** Calls onEvent({event, data}) for each event as it arrives; resolves when the stream ends. */
export async function readEventStream(body, onEvent) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const drain = (final) => {
    // A chunk may end between '\r' and '\n'; keep a trailing '\r' until the next chunk.
    let text = buffer;
    let held = '';
    if (!final && text.endsWith('\r')) { held = '\r'; text = text.slice(0, -1); }
    text = text.replace(/\r\n?/g, '\n');
    let cut;
    while ((cut = text.indexOf('\n\n')) >= 0) {
      const parsed = parseEventBlock(text.slice(0, cut));
      text = text.slice(cut + 2);
      if (parsed) onEvent(parsed);
    }
    if (final && text.trim()) {
      const parsed = parseEventBlock(text);
      if (parsed) onEvent(parsed);
      text = '';
    }
    buffer = text + held;
  };
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      drain(false);
    }
    buffer += decoder.decode();
    drain(true);
  } catch (err) {
    // Stop the download when a handler gives up (an error event) or the request was aborted.
    await reader.cancel().catch(() => {});
    throw err;
  } finally {
    reader.releaseLock();
  }
}
