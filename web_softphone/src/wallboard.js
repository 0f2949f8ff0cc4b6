// The supervisor's wallboard: the floor per call type and per agent, live from the push
// socket (`floor` events, no polling); forcing an agent's state; listening to, whispering to
// or barging into a call from the supervisor's own phone (the browser's, if they have one).
import { HttpError, api, tokenLifetime } from './api.js';
import { Phone } from './phone.js';
import { PushSocket } from './push.js';
import { agentRow, callTypeRow, el, replaceRows, tick } from './wallboard_view.js';
import { savedLanguage } from './strings.js';
import { tw, wallboardLanguage } from './wallboard_strings.js';

const $ = (id) => document.getElementById(id);
const KEPT = 'acd.wallboard.token';
const STAFF = new Set(['supervisor', 'admin']);

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
    this.spying = null; // {call, mode} asked for; the phone answers acd's call into it
    this.phoneStatus = 'none';
    this.said = new Map(); // each banner shown: how to say it (again, in another language)
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
    $('spy-stop').addEventListener('click', () => this.stopSpying());
    setInterval(() => this.tick(), 1000);
    const kept = sessionStorage.getItem(KEPT);
    if (kept) this.resume(kept);
  }

  translate() {
    for (const node of document.querySelectorAll('[data-w]')) node.textContent = tw(node.dataset.w);
    $('lang').textContent = tw('language');
    $('lang').setAttribute('aria-label', tw('languageLabel'));
    document.title = tw('title');
    this.showStatus();
    this.showPhone();
    if (this.spying) this.showSpy();
    for (const [key, say] of this.said) {
      const node = document.querySelector(`[data-banner="${key}"]`);
      if (node) node.textContent = say();
    }
  }

  async signIn() {
    $('login-error').textContent = '';
    try {
      const granted = await api.login($('login-user').value.trim(), $('login-pin').value);
      if (!STAFF.has(granted.role)) {
        $('login-error').textContent = tw('staffOnly');
        return;
      }
      await this.start(granted.token);
    } catch (exc) {
      const why = exc instanceof HttpError ? exc.message : tw('serverUnreachable');
      $('login-error').textContent = tw('loginFailed', { why });
    }
  }

  async resume(kept) {
    try {
      const granted = await api.refresh(kept);
      if (STAFF.has(granted.role)) await this.start(granted.token);
    } catch {
      sessionStorage.removeItem(KEPT);
    }
  }

  async start(token) {
    this.setToken(token);
    this.show(await api.get('/floor', this.token));
    $('login').hidden = true;
    $('board').hidden = false;
    $('sign-out').hidden = false;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    this.push = new PushSocket({
      url: `${scheme}://${location.host}/ws`,
      token: () => this.token,
      onEvent: (name, data) => name === 'floor' && this.show(data),
      onStatus: (up) => this.pushChanged(up),
      onWelcome: (_, reset) => this.welcomed(reset),
      onTokenRefused: () => this.renew().then(() => this.push.reconnect()),
    });
    this.push.start();
    this.startPhone();
  }

  /** The push socket is (back) up; after a `reset` the events missed are gone: ask once. */
  async welcomed(reset) {
    const first = !this.seenWelcome;
    this.seenWelcome = true;
    if (reset && !first) this.show(await api.get('/floor', this.token));
  }

  async startPhone() {
    let sip = null;
    try {
      sip = await api.get('/console/sip', this.token);
    } catch {
      return; // a desk phone (or none): ChanSpy rings it
    }
    this.phone = new Phone(sip, {
      status: (status) => this.showPhone(status),
      incoming: (call) => this.incoming(call),
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
    if (!up && was) this.banner('push', 'warn', () => tw('pushDown'));
    if (up && was === false) this.banner('push', 'ok', () => tw('pushBack'), 5000);
  }

  showStatus() {
    const status = $('push-status');
    status.dataset.status = this.pushUp ? 'up' : 'down';
    status.textContent = this.pushUp ? tw('live') : tw('offline');
  }

  showPhone(status = this.phoneStatus) {
    this.phoneStatus = status;
    const node = $('phone-status');
    node.hidden = status === 'none';
    node.dataset.status = status;
    node.textContent = tw('phone', { status: tw(`phone.${status}`) });
  }

  /** A banner, one per `key`; `say()` gives its text in the language of the moment. */
  banner(key, kind, say, hideAfter = 0) {
    for (const old of document.querySelectorAll(`[data-banner="${key}"]`)) old.remove();
    const node = el('div', { class: `banner ${kind}`, 'data-banner': key, 'data-testid': `banner-${key}`,
                             role: kind === 'error' ? 'alert' : 'status' }, say());
    this.said.set(key, say);
    $('banners').append(node);
    if (hideAfter) setTimeout(() => node.remove(), hideAfter);
  }

  show(floor) {
    this.floor = floor;
    this.skew = floor.at - Date.now() / 1000;
    this.render();
  }

  render() {
    if (!this.floor) return;
    const { call_types: types, agents } = this.floor;
    replaceRows($('call-types').tBodies[0],
      Object.entries(types).map(([name, figures]) => callTypeRow(name, figures)));
    const on = { force: (...a) => this.force(...a), spy: (call, mode) => this.spy(call, mode) };
    replaceRows($('agents').tBodies[0],
      Object.entries(agents).map(([id, agent]) => agentRow(id, agent, on)));
    this.showComplaints(this.floor.complaints);
    this.tick();
  }

  /** Complaint tickets of these teams: overdue ones named, in the alert colour. */
  showComplaints(c) {
    const line = $('complaints');
    line.hidden = !c;
    if (!c) return;
    const late = c.overdue_tickets.length ? ` (${c.overdue_tickets.join(', ')})` : '';
    line.textContent = tw('complaints', { open: c.open, escalated: c.escalated,
      awaiting: c.awaiting_follow_up, overdue: c.overdue }) + late;
    line.classList.toggle('alert', c.overdue > 0);
  }

  tick() {
    const now = Date.now() / 1000 + this.skew;
    tick(now);
    const zone = this.floor && this.floor.zone ? { timeZone: this.floor.zone } : {}; // the center's
    $('clock').textContent = new Date(now * 1000).toLocaleTimeString(this.lang, zone);
  }

  async force(agent, action, body, label) {
    try {
      await post(`/agents/${agent}/${action}`, this.token, body);
    } catch (exc) {
      this.refused(() => `${tw(label)} (${agent})`, exc);
    }
  }

  /** acd said no (its reason shown as it gave it), or could not be reached. */
  refused(what, exc) {
    const why = () => (exc instanceof HttpError ? exc.message : tw('serverUnreachable'));
    this.banner('refused', 'error', () => tw('refused', { what: what(), why: why() }), 10000);
  }

  async spy(call, mode) {
    if (this.phone && this.phone.session) this.phone.hangup(); // one call at a time
    this.spying = { call, mode, rang: false, answered: false };
    this.showSpy();
    try {
      await post(`/calls/${call}/listen`, this.token, { mode });
    } catch (exc) {
      this.endSpy();
      this.refused(() => tw(mode), exc);
    }
  }

  /** acd's call into the agent's call rings the lead's browser phone: answered at once.
   * acd names it `mode <call>` (Asterisk keeps the call's digits only). Any other call to
   * this phone is turned away: the wallboard is no phone. */
  incoming(call) {
    const digits = (text) => String(text).replace(/\D/g, '');
    const wanted = this.spying && !this.spying.answered
      && (digits(call.from) === digits(this.spying.call) || call.name === this.spying.mode);
    if (!wanted) {
      this.phone.hangup();
      return;
    }
    this.spying.rang = true; // from now on, this call's end is the listening's
    this.phone.answer();
  }

  spyChanged(state) {
    if (state === 'answered' && this.spying) {
      this.spying.answered = true;
      this.showSpy();
    } else if (state === 'ended' && this.spying && this.spying.rang) {
      this.endSpy(); // hung up (Stop, or the agent's call is over), or it failed
    }
  }

  stopSpying() {
    if (this.phone && this.phone.session) this.phone.hangup();
    this.endSpy();
  }

  endSpy() {
    this.spying = null;
    $('spy').hidden = true;
    delete $('spy').dataset.state;
  }

  showSpy() {
    const { call, mode, answered } = this.spying;
    const text = !this.phone ? 'noPhone' : answered ? 'listening' : 'ringing';
    $('spy-text').textContent = tw(text, { call, mode: tw(mode) });
    $('spy').dataset.state = answered ? 'listening' : 'asked';
    $('spy').hidden = false;
  }
}

window.acdWallboard = new Wallboard();
