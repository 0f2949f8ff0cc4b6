// acd's HTTP API, as the console uses it: login, token refresh, GETs and a few POSTs.

export class HttpError extends Error {
  constructor(status, body) {
    super((body && (body.detail || body.title)) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

async function call(method, path, { token, body } = {}) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const reply = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
  });
  let data = null;
  try {
    data = await reply.json();
  } catch {
    data = null;
  }
  if (!reply.ok) throw new HttpError(reply.status, data);
  return data;
}

export const api = {
  login: (user, pin) => call('POST', '/auth/login', { body: { user, pin } }),
  refresh: (token) => call('POST', '/auth/refresh', { token }),
  get: (path, token) => call('GET', path, { token }),
  post: (path, token, body = {}) => call('POST', path, { token, body }),
};

/** Seconds a token lasts, from its own claims (acd's clock may differ from this one). */
export function tokenLifetime(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(atob(part));
    const ttl = claims.exp - claims.iat;
    return Number.isFinite(ttl) && ttl > 0 ? ttl : 300;
  } catch {
    return 300;
  }
}
