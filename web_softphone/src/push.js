// The push socket (docs/push-protocol.md): hello with the token, events numbered per user,
// resume with the last number after a reconnect, commands, token renewal.

const V = 1;
const PING_EVERY_MS = 15000;
const PONG_WITHIN_MS = 10000;

export class PushSocket {
  /**
   * @param {object} o
   * @param {string} o.url             ws(s)://host/ws
   * @param {() => string} o.token     the current token
   * @param {(name: string, data: object, live: boolean) => void} o.onEvent
   * @param {(up: boolean) => void} o.onStatus
   * @param {(welcome: object, reset: boolean) => void} o.onWelcome
   * @param {() => void} o.onTokenRefused   close code 4401: renew the token, then reconnect()
   */
  constructor(o) {
    Object.assign(this, o);
    this.seq = null; // the number of the last event we have
    this.ws = null;
    this.up = false;
    this.stopped = true;
    this.pending = new Map();
    this.nextId = 1;
    this.backoff = 500;
    this.retry = null;
    this.pinger = null;
    this.replaying = 0; // events still to come that the server kept for us
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retry);
    this.closeSocket();
  }

  reconnect() {
    if (this.stopped) return;
    clearTimeout(this.retry);
    this.closeSocket();
    this.connect();
  }

  connect() {
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      const hello = { v: V, type: 'hello', token: this.token() };
      if (this.seq !== null) hello.resume = this.seq;
      ws.send(JSON.stringify(hello));
    };
    ws.onmessage = (message) => this.receive(ws, message.data);
    ws.onclose = (closed) => this.closed(ws, closed.code);
    ws.onerror = () => {}; // onclose follows
  }

  closeSocket() {
    const ws = this.ws;
    this.ws = null;
    clearInterval(this.pinger);
    if (ws) {
      ws.onclose = ws.onmessage = ws.onopen = null;
      try {
        ws.close(1000);
      } catch {
        // already closed
      }
    }
    this.setUp(false);
    this.failPending('not connected');
  }

  closed(ws, code) {
    if (ws !== this.ws) return;
    this.ws = null;
    clearInterval(this.pinger);
    this.setUp(false);
    this.failPending('connection lost');
    if (this.stopped) return;
    if (code === 4401) {
      this.onTokenRefused();
      return;
    }
    this.retry = setTimeout(() => this.connect(), this.backoff);
    this.backoff = Math.min(this.backoff * 2, 5000);
  }

  setUp(up) {
    if (up === this.up) return;
    this.up = up;
    this.onStatus(up);
  }

  receive(ws, text) {
    let msg;
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    switch (msg.type) {
      case 'welcome':
      case 'reset': {
        const reset = msg.type === 'reset' || this.seq === null;
        this.replaying = msg.type === 'welcome' ? msg.missed || 0 : 0;
        if (reset) this.seq = msg.seq;
        this.backoff = 500;
        this.setUp(true);
        this.startPinging(ws);
        this.onWelcome(msg, reset);
        break;
      }
      case 'event': {
        const live = this.replaying === 0;
        if (!live) this.replaying -= 1;
        if (this.seq !== null && msg.seq <= this.seq) return; // had it already
        this.seq = msg.seq;
        this.onEvent(msg.event, msg.data || {}, live);
        break;
      }
      case 'result': {
        const waiting = this.pending.get(msg.id);
        if (waiting) {
          this.pending.delete(msg.id);
          waiting.resolve(msg);
        }
        break;
      }
      case 'pong':
        this.lastPong = performance.now();
        break;
      default:
        break; // renewed, error, and whatever a later version adds
    }
  }

  startPinging(ws) {
    clearInterval(this.pinger);
    this.lastPong = performance.now();
    this.pinger = setInterval(() => {
      if (ws !== this.ws) return;
      if (performance.now() - this.lastPong > PING_EVERY_MS + PONG_WITHIN_MS) {
        // the link is dead without the browser noticing: start over (and resume)
        this.closed(ws, 1006);
        try {
          ws.close();
        } catch {
          // nothing to close
        }
        return;
      }
      ws.send(JSON.stringify({ v: V, type: 'ping', id: 'keepalive' }));
    }, PING_EVERY_MS);
  }

  /** Send a command; resolves with the server's result ({ok, error}). */
  command(command, args = {}) {
    if (!this.up || !this.ws) return Promise.resolve({ ok: false, error: 'not connected' });
    const id = `c${this.nextId++}`;
    this.ws.send(JSON.stringify({ v: V, type: 'command', id, command, args }));
    return new Promise((resolve) => {
      this.pending.set(id, { resolve });
      setTimeout(() => {
        if (this.pending.delete(id)) resolve({ ok: false, error: 'no answer from the server' });
      }, 10000);
    });
  }

  renew(token) {
    if (this.up && this.ws) this.ws.send(JSON.stringify({ v: V, type: 'renew', token }));
  }

  failPending(why) {
    for (const { resolve } of this.pending.values()) resolve({ ok: false, error: why });
    this.pending.clear();
  }
}
