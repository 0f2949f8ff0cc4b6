// The agent console: sign-in, the push socket and its events; the panels are modules of
// their own (state, call and phone, call controls, pop, wrap-up, today's calls).
import { api, HttpError, tokenLifetime } from './api.js';
import { banners } from './banners.js';
import { CallControls } from './call_controls.js';
import { CallPanel } from './call_panel.js';
import { $ } from './dom.js';
import { PopCard } from './pop_card.js';
import { PushLink } from './push_link.js';
import { Ringer } from './ringer.js';
import { StatePanel } from './state_panel.js';
import { language, savedLanguage, setLanguage, t, translate } from './strings.js';
import { TodaysCalls } from './todays_calls.js';
import { WrapUp } from './wrap_up.js';

const KEPT = 'acd.console.token'; // sessionStorage: a reload keeps the tab signed in

class Console {
  constructor() {
    this.ringer = new Ringer();
    this.pop = new PopCard(this);
    this.state = new StatePanel(this);
    this.panel = new CallPanel(this);
    this.wrapUp = new WrapUp(this);
    this.today = new TodaysCalls(this);
    this.link = new PushLink(this);
    this.reset();
  }

  reset() {
    this.token = null;
    this.me = null;
    this.callTypes = {};
    this.serverOffset = null; // acd's clock minus this one, in seconds
    this.phone = null;
    this.call = null; // the call rung or talked on: {id, type, data}
    this.link.reset();
    this.state.reset();
    this.panel.reset();
    this.wrapUp.close();
    clearTimeout(this.renewTimer);
  }

  get agentState() {
    return this.state.current;
  }

  /** The push socket (null before sign-in). */
  get push() {
    return this.link.socket;
  }

  command(name, args) {
    return this.link.command(name, args);
  }

  // ---- sign-in ----------------------------------------------------------------------

  async boot() {
    setLanguage(savedLanguage());
    translate();
    this.controls = new CallControls(this);
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
    this.state.show('unknown', '');
    this.panel.show('idle');
    this.link.setStatus(false);
    this.panel.setPhoneStatus('connecting');
    const [me, types] = await Promise.all([
      this.get('/agents').then((all) => all.find((a) => a.id === granted.user)),
      this.get('/call-types').catch(() => ({})),
    ]);
    this.me = me || { id: granted.user, name: '' };
    this.callTypes = types || {};
    $('who').textContent = this.me.name ? `${this.me.name} (${this.me.id})` : this.me.id;
    this.link.start();
    await this.panel.startPhone();
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
    if (!this.token) return;
    this.state.draw();
    this.panel.relabel();
    this.link.setStatus(this.link.up);
    this.controls.relabel();
    if (this.call && !$('pop').hidden) this.pop.show(this.call.data, { again: true });
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
      this.link.renew(granted.token);
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
    this.link.stop();
    if (this.phone) this.phone.stop();
    this.ringer.stop();
    sessionStorage.removeItem(KEPT);
    this.reset();
    banners.clear();
    this.pop.hide();
    this.showLogin(message);
  }

  /** The call is filed and over: forget it, the pop goes. */
  callDone() {
    this.call = null;
    this.pop.hide();
  }

  tick() {
    if (!this.token) return;
    this.state.tick();
    this.panel.tick();
    this.wrapUp.tick();
  }

  // ---- the push socket's events --------------------------------------------------------

  event(name, data, live) {
    if (this.me && data.agent && data.agent !== this.me.id) return;
    switch (name) {
      case 'agent_state':
        if (live && typeof data.at === 'number') this.serverOffset = data.at - Date.now() / 1000;
        this.state.show(data.state, data.reason || '', data.at);
        break;
      case 'call_offered':
        this.call = { id: data.call, type: data.call_type, data };
        this.pop.show(data);
        if (data.consult_by) this.notify(t('consultFrom', { agent: data.consult_by }));
        if (!this.phone) this.panel.show('ringing', data.caller && data.caller.number);
        break;
      case 'call_caller':
        if (this.call && this.call.id === data.call) {
          this.call.data = { ...this.call.data, caller: data.caller };
          this.pop.showCaller(data.caller);
        }
        break;
      case 'call_withdrawn':
        if (this.call && this.call.id === data.call) {
          this.callDone();
          if (!this.phone || !this.phone.ringing) this.panel.show('idle');
          const why = data.why === 'caller hung up' ? 'callerHungUp' : 'noAnswer';
          this.notify(t(why));
        }
        break;
      case 'call_answered':
        if (!this.phone) this.panel.show('talking');
        break;
      case 'call_ended':
      case 'call_transferred':
        if (!this.phone) this.panel.show('idle');
        this.wrapUp.show(data.call);
        setTimeout(() => this.today.refresh(), 500); // the call's record is written by then
        break;
      case 'consult_started':
      case 'consult_answered':
      case 'consult_ended':
        this.controls.consultEvent(name, data);
        break;
      case 'request_refused':
        if (!(data.request === 'WrapUpDone' && this.wrapUp.filedRecently)) {
          this.notify(t('bannerRefused', { why: data.why }));
        }
        break;
      default:
        break;
    }
  }

  // ---- controls --------------------------------------------------------------------------

  bindControls() {
    // audio may start only after a gesture: the first click or key (a reload skips sign-in)
    for (const gesture of ['pointerdown', 'keydown']) {
      document.addEventListener(gesture, () => this.ringer.unlock(), { once: true });
    }
    const on = (id, name, handler) => $(id).addEventListener(name, handler);
    on('login-form', 'submit', (e) => this.signIn(e));
    on('go-ready', 'click', () => this.state.goReady());
    on('go-not-ready', 'click', () => this.state.goNotReady());
    on('logout', 'click', () => this.state.logOut());
    on('answer', 'click', () => this.panel.answer());
    on('hangup', 'click', () => this.panel.hangup());
    on('wrap-up', 'submit', (e) => this.wrapUp.finish(e));
    on('wrap-up-extend', 'click', () => this.wrapUp.extend());
    for (const id of ['lang', 'login-lang']) on(id, 'click', () => this.switchLanguage());
  }

  // ---- for tests and for support: what the page knows --------------------------------------

  debug() {
    const marks = (name) => performance.getEntriesByName(name).map((m) => m.startTime);
    return {
      marks: () => ({ ring: marks('acd:ring'), pop: marks('acd:pop') }),
      rtpStats: () => (this.phone ? this.phone.stats() : Promise.resolve(null)),
      state: () => ({ agent: this.agentState, phone: this.phone && this.phone.status,
        push: this.link.up, call: this.call && this.call.id }),
    };
  }
}

const app = new Console();
window.acd = app.debug();
app.boot();
