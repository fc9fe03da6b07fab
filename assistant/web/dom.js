// Tiny DOM helpers. Text always goes in through textContent / text nodes, never as HTML,
// so nothing a user or the server writes can become markup or script.

/** el('p', {className: 'x', hidden: true}, 'text', childNode, ['more', nodes]) */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'className') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else if (key in node && typeof value !== 'string') node[key] = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

export function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false || child === '') continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

/** Plain answer text → paragraphs and lists: lines starting "- " are bullets, "1. " numbered. */
export function plainTextBlocks(text) {
  const blocks = [];
  let list = null;
  for (const raw of String(text || '').split('\n')) {
    const line = raw.trim();
    const bullet = /^[-•]\s+(.*)$/.exec(line);
    const numbered = /^(\d+)[.)]\s+(.*)$/.exec(line);
    if (bullet || numbered) {
      const tag = bullet ? 'ul' : 'ol';
      if (!list || list.tagName.toLowerCase() !== tag) {
        list = el(tag);
        if (numbered) list.start = Number(numbered[1]);
        blocks.push(list);
      }
      list.append(el('li', {}, bullet ? bullet[1] : numbered[2]));
    } else {
      list = null;
      if (line) blocks.push(el('p', {}, line));
    }
  }
  return blocks;
}

/** The text with each occurrence of the needles wrapped in <mark> (built as nodes, not HTML). */
export function markedText(text, needles) {
  const hay = String(text || '');
  const wanted = [].concat(needles || []).map((n) => String(n).trim()).filter((n) => n.length > 1)
    .sort((a, b) => b.length - a.length);
  if (!wanted.length) return [hay];
  const escaped = wanted.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(`(${escaped.join('|')})`, 'giu');
  // split() with a capturing group puts the matches at the odd positions.
  return hay.split(pattern).map((part, i) => (i % 2 ? el('mark', {}, part) : part));
}

/**
 * The server's snippet_html is escaped text with <mark> around matches. Rather than trusting it
 * with innerHTML, parse it in an inert document and copy over only text and <mark>.
 */
export function snippetNodes(html) {
  const doc = new DOMParser().parseFromString(`<body>${String(html || '')}</body>`, 'text/html');
  const copy = (node) => {
    const out = [];
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) out.push(child.textContent);
      else if (child.nodeType === Node.ELEMENT_NODE) {
        const inner = copy(child);
        out.push(child.tagName.toLowerCase() === 'mark' ? el('mark', {}, inner) : inner);
      }
    }
    return out;
  };
  return copy(doc.body);
}

/** A short-lived message in a polite live region (screen readers announce it). */
export function announce(region, message) {
  region.textContent = '';
  // A fresh text node after a tick makes repeated identical messages announced again.
  window.setTimeout(() => { region.textContent = message; }, 30);
}

/** Only http(s) links become clickable (no javascript: or data: URLs from data). */
export function safeHref(url) {
  try {
    const parsed = new URL(url, window.location.href);
    return ['http:', 'https:'].includes(parsed.protocol) ? parsed.href : null;
  } catch { return null; }
}
