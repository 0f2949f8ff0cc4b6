// The agent console: sign-in, state, the softphone, the screen-pop and the wrap-up.
import { api, HttpError, tokenLifetime } from './api.js';
import { Phone } from './phone.js';
import { PushSocket } from './push.js';
import { Ringer } from './ringer.js';
import { CallControls } from './call_controls.js';
import { language, savedLanguage, setLanguage, t, translate } from './strings.js';
import { TodaysCalls } from './todays_calls.js';

const $ = (id) => document.getElementById(id);
const KEPT = 'acd.console.token'; // sessionStorage: a reload keeps the tab signed in
const EXTEND_S = 30;

/** An element with text children (never HTML: callers' data goes in as text). */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children) el.append(c instanceof Node ? c : String(c ?? ''));
  return el;
}

function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60));
  const ss = String(s % 60).padStart(2, '0');
  return hours ? `${hours}:${mm.padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

function when(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso || '';
  return date.toLocaleString(document.documentElement.lang, {
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  });
}

// ---- banners: one per subject (phone, push, info); "back" ones go away by themselves ----
const banners = {
  show(key, kind, text, { autoHide = 0 } = {}) {
    this.hide(key);
    const close = h('button', { type: 'button', 'aria-label': t('dismiss') }, '×');
    const el = h('div', { class: `banner ${kind}`, 'data-testid': `banner-${key}`,
      'data-kind': kind }, h('span', {}, text), close);
    close.addEventListener('click', () => el.remove());
    el.dataset.key = key;
    $('banners').append(el);
    if (autoHide) setTimeout(() => el.remove(), autoHide);
  },
  hide(key) {
    for (const el of $('banners').querySelectorAll(`[data-key="${key}"]`)) el.remove();
  },
  clear() {
    $('banners').replaceChildren();
  },
};

class Console {
  constructor() {
    this.ringer = new Ringer();
    this.reset();
  }

  reset() {
    this.token = null;
    this.me = null;
    this.callTypes = {};
    this.agentState = { state: 'unknown', reason: '', since: Date.now() };
    this.serverOffset = null; // acd's clock minus this one, in seconds
    this.push = null;
    this.phone = null;
    this.phoneWasUp = false;
    this.phoneDown = false;
    this.pushWasUp = false;
    this.pushDown = false;
    this.call = null; // the call rung or talked on: {id, type, data}
    this.wrap = null; // the wrap-up form's call: {id, type, ends}
    this.askedLogout = false;
    this.logInWhenWelcomed = true;
    clearTimeout(this.renewTimer);
  }

  // ---- sign-in ----------------------------------------------------------------------

  async boot() {
    setLanguage(savedLanguage());
    translate();
    this.controls = new CallControls(this);
    this.today = new TodaysCalls(this);
    this.bindControls();
    setInterval(() => this.tick(), 1000);
    const kept = sessionStorage.getItem(KEPT);
    if (kept) {
      try {
        const granted = await api.refresh(kept);
        if (granted.role === 'agent') {
          await this.enter(granted);
          return;
        }
      } catch {
        sessionStorage.removeItem(KEPT);
      }
    }
    this.showLogin();
  }

  showLogin(message = '') {
    $('desk-view').hidden = true;
    $('login-view').hidden = false;
    $('login-pin').value = '';
    const error = $('login-error');
    error.textContent = message;
    error.hidden = !message;
    $('login-user').focus();
  }

  async signIn(event) {
    event.preventDefault();
    const button = $('login-submit');
    const error = $('login-error');
    error.hidden = true;
    button.disabled = true;
    button.textContent = t('signingIn');
    this.ringer.unlock(); // a user gesture: the ringtone may play later
    try {
      const granted = await api.login($('login-user').value.trim(), $('login-pin').value);
      if (granted.role !== 'agent') {
        this.showLogin(t('agentsOnly', { role: granted.role }));
        return;
      }
      await this.enter(granted);
    } catch (exc) {
      const why = exc instanceof HttpError ? exc.message : null;
      this.showLogin(why ? t('loginFailed', { why }) : t('serverUnreachable'));
    } finally {
      button.disabled = false;
      button.textContent = t('signIn');
    }
  }

  async enter(granted) {
    this.reset();
    this.setToken(granted.token);
    $('login-view').hidden = true;
    $('desk-view').hidden = false;
    $('who').textContent = granted.user;
    this.showAgentState('unknown', '');
    this.showCall('idle');
    this.setPushStatus(false);
    this.setPhoneStatus('connecting');
    const [me, types] = await Promise.all([
      this.get('/agents').then((all) => all.find((a) => a.id === granted.user)),
      this.get('/call-types').catch(() => ({})),
    ]);
    this.me = me || { id: granted.user, name: '' };
    this.callTypes = types || {};
    $('who').textContent = this.me.name ? `${this.me.name} (${this.me.id})` : this.me.id;
    this.startPush();
    await this.startPhone();
    this.controls.show(false);
    this.today.refresh();
    $('go-ready').focus();
  }

  /** A passing message (a refusal, how a consult went). */
  notify(text) {
    banners.show('info', 'info', text, { autoHide: 8000 });
  }

  switchLanguage() {
    setLanguage(language() === 'en' ? 'zh-CN' : 'en');
    translate();
    this.showAgentState(this.agentState.state, this.agentState.reason);
    if (this.phone) this.setPhoneStatus(this.phone.status);
    this.setPushStatus(!!(this.push && this.push.up));
    this.showCall($('call-panel').dataset.call);
    if (this.call && !$('pop').hidden) this.showPop(this.call.data);
    this.today.render();
  }

  get(path) {
    return api.get(path, this.token);
  }

  setToken(token) {
    this.token = token;
    sessionStorage.setItem(KEPT, token);
    clearTimeout(this.renewTimer);
    // renew at three quarters of the token's life (its own claims: acd's clock may differ)
    this.renewTimer = setTimeout(() => this.renewToken(), tokenLifetime(token) * 750);
  }

  async renewToken() {
    try {
      const granted = await api.refresh(this.token);
      this.setToken(granted.token);
      if (this.push) this.push.renew(granted.token);
      return true;
    } catch (exc) {
      if (exc instanceof HttpError && exc.status === 401) {
        this.leave(t('sessionExpired'));
        return false;
      }
      this.renewTimer = setTimeout(() => this.renewToken(), 10000); // the network: try again
      return false;
    }
  }

  leave(message = '') {
    if (this.push) this.push.stop();
    if (this.phone) this.phone.stop();
    this.ringer.stop();
    sessionStorage.removeItem(KEPT);
    this.reset();
    banners.clear();
    this.hidePop();
    this.closeWrapUp();
    this.showLogin(message);
  }

  // ---- the push socket ----------------------------------------------------------------

  startPush() {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    this.push = new PushSocket({
      url: `${scheme}://${location.host}/ws`,
      token: () => this.token,
      onStatus: (up) => this.setPushStatus(up),
      onWelcome: (welcome, reset) => this.welcomed(reset),
      onEvent: (name, data, live) => this.event(name, data, live),
      onTokenRefused: async () => {
        if (await this.renewToken()) this.push.reconnect();
      },
    });
    this.push.start();
  }

  async welcomed(reset) {
    if (!reset) return;
    // first connection, or too much missed: ask where we stand
    try {
      const me = (await this.get('/agents')).find((a) => a.id === this.me.id);
      if (me && me.state) {
        const [state, ...reason] = me.state.split(' ');
        this.showAgentState(state, reason.join(' '));
      }
    } catch {
      return;
    }
    if (this.logInWhenWelcomed && this.agentState.state === 'logged_out') {
      this.logInWhenWelcomed = false;
      await this.command('set_state', { state: 'logged_in' });
    }
    this.logInWhenWelcomed = false;
  }

  setPushStatus(up) {
    const pill = $('push-status');
    pill.dataset.status = up ? 'up' : 'down';
    $('push-status-text').textContent = t(up ? 'server.up' : 'server.down');
    if (!up && this.pushWasUp && !this.pushDown) {
      this.pushDown = true;
      banners.show('push', 'down', t('bannerPushDown'));
    } else if (up && this.pushDown) {
      this.pushDown = false;
      banners.show('push', 'back', t('bannerPushBack'), { autoHide: 5000 });
    }
    if (up) this.pushWasUp = true;
  }

  async command(name, args) {
    const result = this.push ? await this.push.command(name, args) : { ok: false, error: 'offline' };
    if (!result.ok) banners.show('info', 'info', t('bannerRefused', { why: result.error }), { autoHide: 8000 });
    return result;
  }

  event(name, data, live) {
    if (this.me && data.agent && data.agent !== this.me.id) return;
    switch (name) {
      case 'agent_state':
        if (live && typeof data.at === 'number') this.serverOffset = data.at - Date.now() / 1000;
        this.showAgentState(data.state, data.reason || '', data.at);
        break;
      case 'call_offered':
        this.call = { id: data.call, type: data.call_type, data };
        this.showPop(data);
        if (data.consult_by) this.notify(t('consultFrom', { agent: data.consult_by }));
        if (!this.phone) this.showCall('ringing', data.caller && data.caller.number);
        break;
      case 'call_caller':
        if (this.call && this.call.id === data.call) {
          this.call.data = { ...this.call.data, caller: data.caller };
          this.showCaller(data.caller);
        }
        break;
      case 'call_withdrawn':
        if (this.call && this.call.id === data.call) {
          this.call = null;
          this.hidePop();
          if (!this.phone || !this.phone.ringing) this.showCall('idle');
          const why = data.why === 'caller hung up' ? 'callerHungUp' : 'noAnswer';
          banners.show('info', 'info', t(why), { autoHide: 8000 });
        }
        break;
      case 'call_answered':
        if (!this.phone) this.showCall('talking');
        break;
      case 'call_ended':
      case 'call_transferred':
        if (!this.phone) this.showCall('idle');
        this.openWrapUp(data.call);
        setTimeout(() => this.today.refresh(), 500);
        break;
      case 'consult_started':
      case 'consult_ended':
        this.controls.consultEvent(name, data);
        break;
      case 'request_refused':
        if (!(data.request === 'WrapUpDone' && this.filedRecently)) {
          banners.show('info', 'info', t('bannerRefused', { why: data.why }), { autoHide: 8000 });
        }
        break;
      default:
        break;
    }
  }

  // ---- agent state --------------------------------------------------------------------

  showAgentState(state, reason, at) {
    const since = at !== undefined && this.serverOffset !== null
      ? (at - this.serverOffset) * 1000
      : Date.now();
    const was = this.agentState.state;
    this.agentState = { state, reason, since: Math.min(since, Date.now()) };
    const el = $('agent-state');
    el.dataset.state = state;
    el.dataset.reason = reason;
    const reasonText = reason ? ` · ${t(`reason.${reason}`)}` : '';
    el.textContent = t(`state.${state}`) + reasonText;
    $('go-ready').disabled = !['not_ready', 'logged_out'].includes(state);
    $('go-not-ready').disabled = state === 'logged_out' || state === 'unknown';
    if (state === 'logged_out' && this.askedLogout) {
      this.leave(t('loggedOutNotice'));
      return;
    }
    if (was === 'wrap_up' && state !== 'wrap_up' && this.wrap) {
      $('wrap-up-left').textContent = t('wrapUpOver');
    }
    if (state === 'wrap_up' && this.call && !this.wrap) this.openWrapUp(this.call.id);
    this.tick();
  }

  async goReady() {
    if (this.agentState.state === 'logged_out') {
      const done = await this.command('set_state', { state: 'logged_in' });
      if (!done.ok) return;
    }
    await this.command('set_state', { state: 'ready' });
  }

  async goNotReady() {
    const reason = $('not-ready-reason').value;
    const done = await this.command('set_state', { state: 'not_ready', reason });
    if (done.ok && ['ringing', 'on_call', 'wrap_up'].includes(this.agentState.state)) {
      this.note(t('breakAfterCall'));
    }
  }

  async logOut() {
    if (this.agentState.state === 'logged_out') {
      this.leave(t('loggedOutNotice'));
      return;
    }
    this.askedLogout = true;
    const done = await this.command('set_state', { state: 'logged_out' });
    if (!done.ok) {
      this.askedLogout = false;
    } else if (['ringing', 'on_call', 'wrap_up'].includes(this.agentState.state)) {
      this.note(t('logOutAfterCall'));
    }
  }

  note(text) {
    const el = $('state-note');
    el.textContent = text;
    el.hidden = !text;
  }

  tick() {
    if (!this.token) return;
    $('state-time').textContent = clock((Date.now() - this.agentState.since) / 1000);
    if (this.talkingSince) $('call-timer').textContent = clock((Date.now() - this.talkingSince) / 1000);
    if (this.wrap && this.wrap.ends && this.agentState.state === 'wrap_up') {
      const left = (this.wrap.ends - Date.now()) / 1000;
      $('wrap-up-left').textContent = t('timeLeft', { time: clock(left) });
    }
  }

  // ---- the softphone -------------------------------------------------------------------

  async startPhone() {
    let sip;
    try {
      sip = await this.get('/console/sip');
    } catch (exc) {
      this.setPhoneStatus('none');
      banners.show('phone', 'info', t('bannerNoSip', { why: exc.message }));
      return;
    }
    this.phone = new Phone(sip, {
      status: (status, cause) => this.setPhoneStatus(status, cause),
      incoming: () => this.ringing(),
      call: (state, cause) => this.callChanged(state, cause),
    }, $('remote-audio'));
    this.phone.start();
  }

  setPhoneStatus(status, cause) {
    const pill = $('phone-status');
    pill.dataset.status = status;
    $('phone-status-text').textContent = t(`phone.${status}`);
    if (status === 'registered') {
      if (this.phoneDown) {
        banners.show('phone', 'back', t('bannerPhoneBack'), { autoHide: 5000 });
      }
      this.phoneDown = false;
      this.phoneWasUp = true;
    } else if (['disconnected', 'unregistered', 'failed'].includes(status) && !this.phoneDown) {
      this.phoneDown = true;
      const text = status === 'failed' ? t('bannerPhoneRefused', { cause }) : t('bannerPhoneDown');
      banners.show('phone', 'down', text);
    }
  }

  ringing() {
    // the SIP caller ID is acd's (the call's id); the caller's number comes with the pop
    this.showCall('ringing');
    this.ringer.start();
    $('answer').focus();
  }

  callChanged(state) {
    this.ringer.stop();
    if (state === 'answered') {
      this.showCall('talking');
    } else {
      this.showCall('idle');
    }
  }

  showCall(state, from) {
    $('call-panel').dataset.call = state;
    $('ring').hidden = state !== 'ringing';
    $('answer').disabled = state !== 'ringing' || !this.phone;
    $('hangup').disabled = state === 'idle' || !this.phone;
    $('call-status').textContent = { idle: t('noCall'), ringing: t('ringing'), talking: t('onCall') }[state];
    if (from !== undefined) $('call-from').textContent = from || '';
    if (state === 'idle') $('call-from').textContent = '';
    this.talkingSince = state === 'talking' ? Date.now() : null;
    $('call-timer').textContent = state === 'talking' ? '0:00' : '';
    if (state === 'talking') $('hangup').focus();
    this.controls.show(state === 'talking');
  }

  answer() {
    this.ringer.stop();
    if (this.phone) this.phone.answer();
  }

  hangup() {
    this.ringer.stop();
    if (this.phone) this.phone.hangup();
  }

  // ---- the screen-pop -----------------------------------------------------------------

  showPop(data) {
    this.showCaller(data.caller || {});
    $('call-from').textContent = (data.caller && data.caller.number) || '';
    const type = this.callTypes[data.call_type];
    $('pop-call-type').textContent = type && type.description
      ? `${data.call_type} — ${type.description}`
      : data.call_type || '';
    $('pop-waited').textContent = typeof data.waited === 'number' ? clock(data.waited) : '';
    $('pop-ivr-path').textContent = (data.ivr_path || []).join(' › ');
    const vars = Object.entries(data.ivr_vars || {}).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]);
    $('pop-ivr-vars').replaceChildren(...vars);
    $('pop-call-id').textContent = data.call || '';
    $('pop').dataset.call = data.call || '';
    const tickets = (data.tickets || []).map((ticket) => h('li', { 'data-testid': 'pop-ticket' },
      h('b', {}, ticket.number || ''), ` · ${ticket.status || ''} · ${ticket.category || ''} — `,
      ticket.summary || ''));
    $('pop-tickets').replaceChildren(...(tickets.length ? tickets : [h('li', { class: 'muted' }, t('noTickets'))]));
    const rows = (data.history || []).map((past) => h('tr', { 'data-testid': 'pop-history-row' },
      h('td', {}, when(past.at)), h('td', {}, past.agent || '—'), h('td', {}, past.outcome || ''),
      h('td', {}, past.disposition || ''), h('td', {}, past.note || '')));
    $('pop-history').replaceChildren(...(rows.length ? rows
      : [h('tr', {}, h('td', { colspan: '5', class: 'muted' }, t('noHistory')))]));
    $('no-pop').hidden = true;
    $('pop').hidden = false;
    performance.mark('acd:pop'); // the pop is in the DOM and visible from here
  }

  showCaller(caller) {
    const customer = caller.customer || null;
    $('pop-name').textContent = customer && customer.name ? customer.name : t('unknownCaller');
    $('pop-number').textContent = caller.number || '';
    $('pop-account').textContent = (customer && customer.account) || '—';
    $('pop-language').textContent = (customer && customer.language) || '—';
    $('pop-notes').textContent = (customer && customer.notes) || '—';
    const tier = $('pop-tier');
    tier.textContent = (customer && customer.tier) || '';
    tier.hidden = !(customer && customer.tier);
    const verified = $('pop-verified');
    verified.dataset.verified = caller.verified ? 'true' : 'false';
    verified.textContent = t(caller.verified ? 'verified' : 'notVerified');
    $('pop-found-by').textContent = t(`foundBy.${caller.found_by || 'none'}`);
    const crm = $('pop-crm');
    const crmState = caller.crm || '';
    crm.hidden = !crmState || crmState === 'ok';
    crm.textContent = crmState === 'pending' ? t('crmPending')
      : crmState.startsWith('unavailable') ? t('crmUnavailable') : '';
  }

  hidePop() {
    $('pop').hidden = true;
    $('no-pop').hidden = false;
  }

  // ---- wrap-up -------------------------------------------------------------------------

  openWrapUp(callId) {
    if (this.wrap && this.wrap.id === callId) return;
    const type = this.call && this.call.id === callId ? this.call.type : '';
    const spec = this.callTypes[type] || {};
    const codes = spec.dispositions || [];
    const select = $('disposition');
    select.replaceChildren(h('option', { value: '' }, t('chooseDisposition')),
      ...codes.map((code) => h('option', { value: code }, code)));
    select.hidden = codes.length === 0;
    $('disposition-text').hidden = codes.length !== 0;
    $('disposition-text').value = '';
    $('wrap-up-note').value = '';
    $('wrap-up-error').hidden = true;
    $('wrap-up-left').textContent = '';
    const seconds = Number(spec.wrap_up_s) || 0;
    this.wrap = { id: callId, type, ends: seconds ? Date.now() + seconds * 1000 : null, codes };
    $('wrap-up-extend').hidden = !seconds;
    $('wrap-up').hidden = false;
    (codes.length ? select : $('disposition-text')).focus();
    this.tick();
  }

  closeWrapUp() {
    this.wrap = null;
    $('wrap-up').hidden = true;
  }

  async finishWrapUp(event) {
    event.preventDefault();
    if (!this.wrap) return;
    const disposition = this.wrap.codes.length ? $('disposition').value : $('disposition-text').value.trim();
    const error = $('wrap-up-error');
    if (this.wrap.codes.length && !disposition) {
      error.textContent = t('dispositionRequired');
      error.hidden = false;
      $('disposition').focus();
      return;
    }
    const button = $('wrap-up-finish');
    button.disabled = true;
    const args = { call: this.wrap.id, note: $('wrap-up-note').value };
    if (disposition) args.disposition = disposition;
    this.filedRecently = true;
    setTimeout(() => { this.filedRecently = false; }, 5000);
    const result = this.push ? await this.push.command('finish_wrap_up', args) : { ok: false, error: 'offline' };
    button.disabled = false;
    if (!result.ok) {
      error.textContent = t('notFiled', { why: result.error });
      error.hidden = false;
      return;
    }
    if (this.call && this.call.id === this.wrap.id) {
      this.call = null;
      this.hidePop();
    }
    this.closeWrapUp();
    $('go-ready').focus();
  }

  async extendWrapUp() {
    if (!this.wrap) return;
    const result = await this.command('extend_wrap_up', { seconds: EXTEND_S });
    if (result.ok && this.wrap && this.wrap.ends) this.wrap.ends += EXTEND_S * 1000;
  }

  // ---- controls --------------------------------------------------------------------------

  bindControls() {
    // audio may start only after a gesture: the first click or key (a reload skips sign-in)
    for (const gesture of ['pointerdown', 'keydown']) {
      document.addEventListener(gesture, () => this.ringer.unlock(), { once: true });
    }
    $('login-form').addEventListener('submit', (e) => this.signIn(e));
    $('go-ready').addEventListener('click', () => this.goReady());
    $('go-not-ready').addEventListener('click', () => this.goNotReady());
    $('logout').addEventListener('click', () => this.logOut());
    $('answer').addEventListener('click', () => this.answer());
    $('hangup').addEventListener('click', () => this.hangup());
    $('wrap-up').addEventListener('submit', (e) => this.finishWrapUp(e));
    $('wrap-up-extend').addEventListener('click', () => this.extendWrapUp());
    for (const id of ['lang', 'login-lang']) $(id).addEventListener('click', () => this.switchLanguage());
  }

  // ---- for tests and for support: what the page knows --------------------------------------

  debug() {
    const marks = (name) => performance.getEntriesByName(name).map((m) => m.startTime);
    return {
      marks: () => ({ ring: marks('acd:ring'), pop: marks('acd:pop') }),
      rtpStats: () => (this.phone ? this.phone.stats() : Promise.resolve(null)),
      state: () => ({ agent: this.agentState, phone: this.phone && this.phone.status,
        push: !!(this.push && this.push.up), call: this.call && this.call.id }),
    };
  }
}

const app = new Console();
window.acd = app.debug();
app.boot();
