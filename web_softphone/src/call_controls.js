// The buttons of a call in progress: hold, mute, the keypad, and transfers, blind (the call
// goes at once) or attended (consult an agent, a call type's free agent or a supervisor
// first, then complete or go back to the caller). Hold, mute and digits are the browser
// phone's; transfers are acd's.
import { HttpError, api } from './api.js';
import { t } from './strings.js';

const $ = (id) => document.getElementById(id);
const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

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

async function post(path, token, body) {
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

export class CallControls {
  /**
   * @param {object} desk  the console: `phone`, `token`, `me`, `call` ({id}), `notify(text)`
   */
  constructor(desk) {
    this.desk = desk;
    this.consulting = null; // {to, answered}
    const box = $('call-controls');
    this.hold = button('hold', 'hold', () => this.toggleHold(), { 'aria-pressed': 'false' });
    this.mute = button('mute', 'mute', () => this.toggleMute(), { 'aria-pressed': 'false' });
    this.keypadButton = button('keypad-toggle', 'keypad', () => this.toggleKeypad(),
      { 'aria-expanded': 'false', 'aria-controls': 'keypad' });
    this.transferButton = button('transfer-toggle', 'transfer', () => this.toggleTransfer(),
      { 'aria-expanded': 'false', 'aria-controls': 'transfer-form' });
    box.append(this.hold, this.mute, this.keypadButton, this.transferButton);
    $('keypad').append(...DIGITS.map((d) => {
      const key = button(`key-${d === '*' ? 'star' : d === '#' ? 'hash' : d}`, d, () => this.press(d));
      key.textContent = d;
      delete key.dataset.i18n;
      return key;
    }));
    $('transfer-kind').addEventListener('change', () => this.fillTargets());
    $('transfer-now').addEventListener('click', () => this.transfer());
    $('consult-start').addEventListener('click', () => this.consult());
    $('consult-complete').addEventListener('click', () => this.endConsult('complete'));
    $('consult-cancel').addEventListener('click', () => this.endConsult('cancel'));
    this.show(false);
  }

  /** Enabled while the agent talks on the browser phone. */
  show(talking) {
    this.talking = talking;
    for (const node of [this.hold, this.mute, this.keypadButton, this.transferButton]) {
      node.disabled = !talking || !this.desk.phone;
    }
    this.transferButton.disabled = !talking;
    if (!talking) {
      this.consulting = null;
      this.pressed(this.hold, false, 'hold', 'resume');
      this.pressed(this.mute, false, 'mute', 'unmute');
      $('keypad').hidden = true;
      $('transfer-form').hidden = true;
      this.keypadButton.setAttribute('aria-expanded', 'false');
      this.transferButton.setAttribute('aria-expanded', 'false');
    }
    this.showConsult();
  }

  pressed(node, on, off, onKey) {
    node.setAttribute('aria-pressed', String(on));
    node.dataset.i18n = on ? onKey : off;
    node.textContent = t(node.dataset.i18n);
  }

  toggleHold() {
    const phone = this.desk.phone;
    phone.hold(!phone.held);
    // JsSIP reports the hold once the re-INVITE is answered
    setTimeout(() => this.pressed(this.hold, phone.held, 'hold', 'resume'), 300);
  }

  toggleMute() {
    const phone = this.desk.phone;
    phone.mute(!phone.muted);
    this.pressed(this.mute, phone.muted, 'mute', 'unmute');
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
    const to = this.target();
    try {
      await post(`/calls/${this.desk.call.id}/consult`, this.desk.token, to);
      $('transfer-form').hidden = true;
    } catch (exc) {
      this.desk.notify(t('bannerRefused', { why: exc.message }));
    }
  }

  async endConsult(step) {
    try {
      await post(`/calls/${this.desk.call.id}/consult/${step}`, this.desk.token, {});
    } catch (exc) {
      this.desk.notify(t('bannerRefused', { why: exc.message }));
    }
  }

  /** Push events about this agent's consult. */
  consultEvent(name, data) {
    const to = data.to.replace(/^(agent|phone):/, '');
    if (name === 'consult_started') {
      this.consulting = { to };
    } else {
      this.consulting = null;
      this.desk.notify(t(`consult.${data.outcome}`, { to }));
    }
    this.showConsult();
  }

  showConsult() {
    const on = !!this.consulting;
    $('consult').hidden = !on;
    $('consult').dataset.state = on ? 'consulting' : 'idle';
    if (on) $('consult-text').textContent = t('consulting', { to: this.consulting.to });
  }
}
