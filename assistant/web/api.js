// Calls to the assistant's HTTP API, with every failure turned into a Vietnamese message
// the page can show inline.

export class ApiError extends Error {
  constructor(status, code, message, retryAfter = null) {
    super(message);
    this.status = status; // 0 when the server could not be reached
    this.code = code;
    this.retryAfter = retryAfter;
  }

  /** The error a failed response describes ({"error": {code, message_vi, ...}}). */
  static async fromResponse(res) {
    let body = null;
    try { body = await res.json(); } catch { /* not JSON: fall back on the status */ }
    const info = (body && body.error) || {};
    const retry = Number.parseInt(res.headers.get('Retry-After') || '', 10);
    return new ApiError(res.status, info.code || `http_${res.status}`, messageFor(res.status, info, retry),
      Number.isFinite(retry) ? retry : null);
  }

  static network() {
    return new ApiError(0, 'network', 'Không kết nối được tới máy chủ. Vui lòng kiểm tra mạng rồi thử lại.');
  }
}

function messageFor(status, info, retry) {
  if (status === 429) {
    const wait = Number.isFinite(retry) ? ` sau ${retry} giây` : ' sau ít phút';
    return `Bạn đang gửi yêu cầu quá nhanh. Vui lòng thử lại${wait}.`;
  }
  if (status >= 500) return `Máy chủ đang gặp sự cố (mã ${status}). Vui lòng thử lại sau ít phút.`;
  // 4xx: the server's own Vietnamese message says what was wrong with the request.
  return info.message_vi || (info.message || '').split(' / ')[0] || `Yêu cầu không thực hiện được (mã ${status}).`;
}

/** fetch() that throws ApiError for network failures and non-2xx answers; aborts pass through. */
export async function request(path, options = {}) {
  let res;
  try {
    res = await fetch(path, { credentials: 'same-origin', ...options });
  } catch (err) {
    if (err && err.name === 'AbortError') throw err;
    throw ApiError.network();
  }
  if (!res.ok) throw await ApiError.fromResponse(res);
  return res;
}

export async function getJSON(path, options = {}) {
  const res = await request(path, { ...options, headers: { Accept: 'application/json', ...(options.headers || {}) } });
  return res.json();
}

export async function postJSON(path, body, options = {}) {
  const res = await request(path, {
    ...options,
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...(options.headers || {}) },
    body: JSON.stringify(body),
  });
  return res.status === 204 ? null : res.json();
}

/** /api/units/{id}: unit ids may hold '/', ':' and '#', so each path segment is encoded on its own. */
export function unitPath(unitId) {
  return '/api/units/' + String(unitId).split('/').map(encodeURIComponent).join('/');
}

export function getUnit(unitId, options = {}) {
  return getJSON(unitPath(unitId), options);
}
