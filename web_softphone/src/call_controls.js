// The buttons of a call in progress: hold, mute, the keypad, and transfers, blind (the call
// goes at once) or attended (consult an agent, a call type's free agent or a supervisor
// first, then complete or go back to the caller). Hold, mute and digits are the browser
// phone's; transfers are acd's.
import { api } from './api.js';
import { $ } from './dom.js';
import { t } from './strings.js';

const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];
const KEY_ID = { '*': 'star', '#': 'hash' };

function button(id, key, onClick, attrs = {}) {
  const node = document.createElement('button');
  Object.assign(node, { type: 'button', id });
  node.dataset.testid = id;
  node.dataset.i18n = key;
  node.textContent = t(key);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.addEventListener('click', onClick);
  return node;
}

export class CallControls {
  /**
   * @param {object} desk  the console: `phone`, `token`, `me`, `call` ({id}),
   *   `command(name, args)`, `notify(text)`
   */
  constructor(desk) {
    this.desk = desk;
    this.consulting = null; // {to}
    const toggle = (id, key, onClick, attrs) => button(id, key, onClick, attrs);
    this.hold = toggle('hold', 'hold', () => this.toggleHold(), { 'aria-pressed': 'false' });
    this.mute = toggle('mute', 'mute', () => this.toggleMute(), { 'aria-pressed': 'false' });
    this.keypadButton = toggle('keypad-toggle', 'keypad', () => this.toggleKeypad(),
      { 'aria-expanded': 'false', 'aria-controls': 'keypad' });
    this.transferButton = toggle('transfer-toggle', 'transfer', () => this.toggleTransfer(),
      { 'aria-expanded': 'false', 'aria-controls': 'transfer-form' });
    $('call-controls').append(this.hold, this.mute, this.keypadButton, this.transferButton);
    $('keypad').append(...DIGITS.map((d) => {
      const key = button(`key-${KEY_ID[d] || d}`, d, () => this.press(d));
      key.textContent = d;
      delete key.dataset.i18n;
      return key;
    }));
    // with the keypad open, typed digits are sent too
    $('keypad').addEventListener('keydown', (e) => {
      if (DIGITS.includes(e.key) && e.target.tagName === 'BUTTON' && !e.repeat) {
        e.preventDefault();
        this.press(e.key);
        $(`key-${KEY_ID[e.key] || e.key}`).focus();
      }
    });
    $('transfer-kind').addEventListener('change', () => this.fillTargets());
    $('transfer-form').addEventListener('keydown', (e) => {
      if (e.key !== 'Escape') return;
      this.toggleTransfer(); // closes it
      this.transferButton.focus();
    });
    $('transfer-now').addEventListener('click', () => this.transfer());
    $('consult-start').addEventListener('click', () => this.consult());
    $('consult-complete').addEventListener('click', () => this.endConsult('complete'));
    $('consult-cancel').addEventListener('click', () => this.endConsult('cancel'));
    this.show(false);
  }

  /** Enabled while the agent talks on the browser phone; all reset when the call ends. */
  show(talking) {
    const phone = !!this.desk.phone;
    this.talking = talking;
    for (const node of [this.hold, this.mute, this.keypadButton]) node.disabled = !talking || !phone;
    this.transferButton.disabled = !talking;
    if (!talking) {
      this.consulting = null;
      this.showHeld(false);
      this.showMuted(false);
      $('keypad').hidden = true;
      $('keypad-sent').textContent = '';
      $('transfer-form').hidden = true;
      this.keypadButton.setAttribute('aria-expanded', 'false');
      this.transferButton.setAttribute('aria-expanded', 'false');
    }
    this.showConsult();
  }

  static pressed(node, on, offKey, onKey) {
    node.setAttribute('aria-pressed', String(on));
    node.dataset.i18n = on ? onKey : offKey;
    node.textContent = t(node.dataset.i18n);
  }

  /** The phone says the call is on hold (the re-INVITE was answered), or back. */
  showHeld(on) {
    CallControls.pressed(this.hold, on, 'hold', 'resume');
    $('call-panel').dataset.held = String(on);
    $('call-flags').textContent = [on && t('onHold'), this.mute.getAttribute('aria-pressed') === 'true'
      && t('isMuted')].filter(Boolean).join(' · ');
  }

  showMuted(on) {
    CallControls.pressed(this.mute, on, 'mute', 'unmute');
    $('call-panel').dataset.muted = String(on);
    this.showHeld(this.hold.getAttribute('aria-pressed') === 'true');
  }

  /** Texts again in the language just chosen. */
  relabel() {
    this.showMuted(this.mute.getAttribute('aria-pressed') === 'true');
    this.showConsult();
  }

  toggleHold() {
    const phone = this.desk.phone;
    if (phone) phone.hold(!phone.held); // the button follows the phone's hold/unhold events
  }

  toggleMute() {
    const phone = this.desk.phone;
    if (phone) phone.mute(!phone.muted);
  }

  toggleKeypad() {
    const open = $('keypad').hidden;
    $('keypad').hidden = !open;
    this.keypadButton.setAttribute('aria-expanded', String(open));
    if (open) $('key-1').focus();
  }

  press(digit) {
    this.desk.phone.dtmf(digit);
    $('keypad-sent').textContent += digit;
  }

  async toggleTransfer() {
    const open = $('transfer-form').hidden;
    $('transfer-form').hidden = !open;
    this.transferButton.setAttribute('aria-expanded', String(open));
    if (open) {
      await this.loadTargets();
      $('transfer-kind').focus();
    }
  }

  /** Whom the call may go to, as now (agents' states change): GET /transfer-targets. */
  async loadTargets() {
    const found = await api.get('/transfer-targets', this.desk.token);
    const me = this.desk.me && this.desk.me.id;
    const person = (p) => {
      const state = p.state ? ` · ${t(`state.${p.state.split(' ')[0]}`)}` : '';
      return [p.id, `${p.name || p.id} (${p.id})${state}`];
    };
    this.targets = {
      agent: found.agents.filter((a) => a.id !== me).map(person),
      supervisor: found.supervisors.map(person),
      call_type: Object.entries(found.call_types).map(([name, about]) => [name, about ? `${name} — ${about}` : name]),
    };
    this.fillTargets();
  }

  fillTargets() {
    const kind = $('transfer-kind').value;
    const options = ((this.targets && this.targets[kind]) || []).map(([value, label]) => new Option(label, value));
    $('transfer-target').replaceChildren(...options);
  }

  target() {
    return { [$('transfer-kind').value]: $('transfer-target').value };
  }

  async transfer() {
    const to = this.target();
    const result = await this.desk.command('request_transfer', { call: this.desk.call.id, ...to });
    if (result.ok) this.desk.notify(t('transferred', { to: Object.values(to)[0] }));
  }

  async consult() {
    try {
      await api.post(`/calls/${this.desk.call.id}/consult`, this.desk.token, this.target());
      $('transfer-form').hidden = true;
      this.transferButton.setAttribute('aria-expanded', 'false');
    } catch (exc) {
      this.desk.notify(t('bannerRefused', { why: exc.message }));
    }
  }

  async endConsult(step) {
    try {
      await api.post(`/calls/${this.desk.call.id}/consult/${step}`, this.desk.token);
    } catch (exc) {
      this.desk.notify(t('bannerRefused', { why: exc.message }));
    }
  }

  /** Push events about this agent's consult. */
  consultEvent(name, data) {
    const to = data.to.replace(/^(agent|phone):/, '');
    if (name === 'consult_started') {
      this.consulting = { to, answered: false };
    } else if (name === 'consult_answered') {
      if (this.consulting) this.consulting.answered = true;
    } else {
      this.consulting = null;
      this.desk.notify(t(`consult.${data.outcome}`, { to }));
    }
    this.showConsult();
    // the keyboard goes on from the consult's buttons, then from Hang up when back with the
    // caller (a completed call's wrap-up takes it)
    if (this.consulting) $(this.consulting.answered ? 'consult-complete' : 'consult-cancel').focus();
    else if (data.outcome !== 'completed' && this.talking) $('hangup').focus();
  }

  showConsult() {
    const on = !!this.consulting;
    $('consult').hidden = !on;
    $('consult').dataset.state = on ? 'consulting' : 'idle';
    $('consult').dataset.answered = String(on && this.consulting.answered);
    $('consult-complete').disabled = !on || !this.consulting.answered; // they must pick up first
    $('consult-text').textContent = on ? t('consulting', { to: this.consulting.to }) : '';
    // the phone's call is the consult's now: hold and transfers wait for its end
    this.hold.disabled = on || this.keypadButton.disabled;
    this.transferButton.disabled = on || !this.talking;
  }
}
