// The supervisor's wallboard: the floor per call type and per agent, live from the push
// socket (`floor` events, no polling); forcing an agent's state; listening to, whispering to
// or barging into a call from the supervisor's own phone (the browser's, if they have one).
import { HttpError, api, tokenLifetime } from './api.js';
import { Phone } from './phone.js';
import { PushSocket } from './push.js';
import { savedLanguage, tw, wallboardLanguage } from './wallboard_strings.js';

const $ = (id) => document.getElementById(id);
const KEPT = 'acd.wallboard.token';
const STAFF = new Set(['supervisor', 'admin']);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(h ? 2 : 1, '0');
  return `${h ? `${h}:` : ''}${mm}:${String(s % 60).padStart(2, '0')}`;
}

const percent = (x) => (x === null || x === undefined ? tw('none') : `${Math.round(x * 100)}%`);
const secs = (x) => (x === null || x === undefined ? tw('none') : `${x.toFixed(1)} s`);

async function post(path, token, body = {}) {
  const reply = await fetch(path, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!reply.ok) {
    let problem = null;
    try {
      problem = await reply.json();
    } catch {
      problem = null;
    }
    throw new HttpError(reply.status, problem);
  }
}

class Wallboard {
  constructor() {
    this.token = null;
    this.floor = null;
    this.skew = 0; // acd's clock minus ours, from the floor's `at`
    this.spying = null;
    this.lang = wallboardLanguage(savedLanguage());
    this.translate();
    $('lang').addEventListener('click', () => {
      this.lang = wallboardLanguage(this.lang === 'en' ? 'zh-CN' : 'en');
      this.translate();
      this.render();
    });
    $('login').addEventListener('submit', (e) => {
      e.preventDefault();
      this.signIn();
    });
    $('sign-out').addEventListener('click', () => this.leave());
    $('spy-stop').addEventListener('click', () => this.phone && this.phone.hangup());
    setInterval(() => this.tick(), 1000);
    const kept = sessionStorage.getItem(KEPT);
    if (kept) this.resume(kept);
  }

  translate() {
    for (const node of document.querySelectorAll('[data-w]')) node.textContent = tw(node.dataset.w);
    $('lang').textContent = tw('language');
    $('lang').setAttribute('aria-label', tw('language'));
    document.title = tw('title');
    this.showStatus();
  }

  async signIn() {
    $('login-error').textContent = '';
    try {
      const granted = await api.login($('login-user').value.trim(), $('login-pin').value);
      if (!STAFF.has(granted.role)) {
        $('login-error').textContent = tw('staffOnly');
        return;
      }
      this.start(granted.token);
    } catch (exc) {
      const why = exc instanceof HttpError ? exc.message : tw('serverUnreachable');
      $('login-error').textContent = tw('loginFailed', { why });
    }
  }

  async resume(kept) {
    try {
      const granted = await api.refresh(kept);
      if (STAFF.has(granted.role)) this.start(granted.token);
    } catch {
      sessionStorage.removeItem(KEPT);
    }
  }

  async start(token) {
    this.setToken(token);
    $('login').hidden = true;
    $('board').hidden = false;
    $('sign-out').hidden = false;
    this.show(await api.get('/floor', this.token));
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    this.push = new PushSocket({
      url: `${scheme}://${location.host}/ws`,
      token: () => this.token,
      onEvent: (name, data) => name === 'floor' && this.show(data),
      onStatus: (up) => this.pushChanged(up),
      onWelcome: () => {},
      onTokenRefused: () => this.renew().then(() => this.push.reconnect()),
    });
    this.push.start();
    this.startPhone();
  }

  async startPhone() {
    let sip = null;
    try {
      sip = await api.get('/console/sip', this.token);
    } catch {
      return; // a desk phone (or none): ChanSpy rings it
    }
    this.phone = new Phone(sip, {
      status: () => {},
      incoming: () => this.phone.answer(), // acd's ChanSpy call: answered at once
      call: (state) => this.spyChanged(state),
    }, $('spy-audio'));
    this.phone.start();
  }

  setToken(token) {
    this.token = token;
    sessionStorage.setItem(KEPT, token);
    clearTimeout(this.renewTimer);
    this.renewTimer = setTimeout(() => this.renew(), tokenLifetime(token) * 750);
  }

  async renew() {
    try {
      const granted = await api.refresh(this.token);
      this.setToken(granted.token);
      if (this.push) this.push.renew(granted.token);
    } catch (exc) {
      if (exc instanceof HttpError && exc.status === 401) this.leave();
      else this.renewTimer = setTimeout(() => this.renew(), 10000);
    }
  }

  leave() {
    if (this.push) this.push.stop();
    if (this.phone) this.phone.stop();
    sessionStorage.removeItem(KEPT);
    location.reload();
  }

  pushChanged(up) {
    const was = this.pushUp;
    this.pushUp = up;
    this.showStatus();
    if (!up && was) this.banner('push', 'warn', tw('pushDown'));
    if (up && was === false) this.banner('push', 'ok', tw('pushBack'), 4000);
  }

  showStatus() {
    const status = $('push-status');
    status.dataset.status = this.pushUp ? 'up' : 'down';
    status.textContent = this.pushUp ? tw('live') : tw('pushDown').split(':')[0];
  }

  banner(key, kind, text, hideAfter = 0) {
    for (const old of document.querySelectorAll(`[data-banner="${key}"]`)) old.remove();
    const node = el('div', { class: `banner ${kind}`, 'data-banner': key, 'data-testid': `banner-${key}` }, text);
    $('banners').append(node);
    if (hideAfter) setTimeout(() => node.remove(), hideAfter);
  }

  show(floor) {
    this.floor = floor;
    this.skew = floor.at - Date.now() / 1000;
    this.render();
  }

  now() {
    return Date.now() / 1000 + this.skew;
  }

  render() {
    if (!this.floor) return;
    const types = Object.entries(this.floor.call_types).map(([name, f]) => this.callTypeRow(name, f));
    $('call-types').tBodies[0].replaceChildren(...types);
    const agents = Object.entries(this.floor.agents).map(([id, a]) => this.agentRow(id, a));
    $('agents').tBodies[0].replaceChildren(...agents);
    this.tick();
  }

  callTypeRow(name, f) {
    const cell = (value, key, alert = false) =>
      el('td', { class: `num${alert ? ' alert' : ''}`, 'data-testid': `ct-${name}-${key}` }, String(value));
    const waitAlert = f.waiting > 0 && f.longest_wait_s > 20;
    return el('tr', { 'data-call-type': name },
      el('th', { scope: 'row' }, name),
      cell(f.waiting, 'waiting', f.waiting > 0),
      el('td', { class: `num wait${waitAlert ? ' alert' : ''}`, 'data-testid': `ct-${name}-longest`,
                 'data-since': f.oldest_waiting_since ?? '' }, tw('none')),
      cell(f.offered, 'offered'), cell(f.answered, 'answered'), cell(f.abandoned, 'abandoned'),
      cell(percent(f.answer_rate), 'answer-rate'),
      cell(percent(f.service_level['10s']), 'sl10'),
      cell(percent(f.service_level['20s']), 'sl20', f.service_level['20s'] !== null && f.service_level['20s'] < 0.8),
      cell(secs(f.asa_s), 'asa'));
  }

  agentRow(id, a) {
    const state = tw(`state.${a.state}`) + (a.reason ? ` (${a.reason})` : '');
    const actions = el('td', { class: 'actions' });
    const force = (label, action, body) => {
      const button = el('button', { type: 'button', 'data-testid': `force-${action}-${id}` }, tw(label));
      button.addEventListener('click', () => this.act(tw(label), `/agents/${id}/${action}`, body));
      return button;
    };
    if (a.state !== 'logged_out') {
      if (a.state !== 'ready') actions.append(force('ready', 'ready', {}));
      actions.append(force('notReady', 'not-ready', { reason: 'break' }), force('logOut', 'logout', {}));
    }
    if (a.state === 'on_call' && a.call && a.reason !== 'consult') {
      for (const mode of ['listen', 'whisper', 'barge']) {
        const button = el('button', { type: 'button', 'data-testid': `${mode}-${id}` }, tw(mode));
        button.addEventListener('click', () => this.spy(a.call, mode));
        actions.append(button);
      }
    }
    return el('tr', { 'data-agent': id, 'data-state': a.state, 'data-testid': `agent-${id}` },
      el('th', { scope: 'row' }, `${a.name || id} (${id})`),
      el('td', {}, a.team || tw('none')),
      el('td', { class: 'state', 'data-testid': `agent-${id}-state` }, state),
      el('td', { class: 'num since', 'data-since': a.since ?? '' }, ''),
      el('td', { 'data-testid': `agent-${id}-call` }, a.call || tw('none')),
      actions);
  }

  tick() {
    const now = this.now();
    for (const cell of document.querySelectorAll('td[data-since]')) {
      const since = parseFloat(cell.dataset.since);
      cell.textContent = Number.isFinite(since) ? clock(now - since) : tw('none');
    }
    $('clock').textContent = new Date(now * 1000).toLocaleTimeString(this.lang);
  }

  async act(what, path, body) {
    try {
      await post(path, this.token, body);
    } catch (exc) {
      this.banner('refused', 'error', tw('refused', { what, why: exc.message }), 8000);
    }
  }

  async spy(call, mode) {
    this.spying = { call, mode };
    this.showSpy(tw(this.phone ? 'ringing' : 'noPhone', { call }));
    try {
      await post(`/calls/${call}/listen`, this.token, { mode });
    } catch (exc) {
      this.spying = null;
      $('spy').hidden = true;
      this.banner('refused', 'error', tw('refused', { what: tw(mode), why: exc.message }), 8000);
    }
  }

  spyChanged(state) {
    if (state === 'answered' && this.spying) {
      this.showSpy(tw('listening', { call: this.spying.call, mode: tw(this.spying.mode) }));
      $('spy').dataset.state = 'listening';
    } else if (state === 'ended') {
      this.spying = null;
      $('spy').hidden = true;
      delete $('spy').dataset.state;
    }
  }

  showSpy(text) {
    $('spy-text').textContent = text;
    $('spy').hidden = false;
  }
}

window.acdWallboard = new Wallboard();
