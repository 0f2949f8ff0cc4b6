// The agent's state: shown with the time in it (on acd's clock when known), Ready, Not
// ready with a reason, and Log out (after the call if one is on).
import { $, clock } from './dom.js';
import { t } from './strings.js';

const BUSY = ['ringing', 'on_call', 'wrap_up'];

export class StatePanel {
  /**
   * @param {object} desk  the console: `command(name, args)`, `leave(message)`, `wrapUp`,
   *   `call`, `serverOffset`
   */
  constructor(desk) {
    this.desk = desk;
    this.reset();
  }

  reset() {
    this.current = { state: 'unknown', reason: '', since: Date.now() };
    this.askedLogout = false;
  }

  show(state, reason, at) {
    const offset = this.desk.serverOffset;
    const since = at !== undefined && offset !== null ? (at - offset) * 1000 : Date.now();
    const was = this.current.state;
    this.current = { state, reason, since: Math.min(since, Date.now()) };
    this.draw();
    $('go-ready').disabled = !['not_ready', 'logged_out'].includes(state);
    $('go-not-ready').disabled = state === 'logged_out' || state === 'unknown';
    if (state === 'logged_out' && this.askedLogout) {
      this.desk.leave(t('loggedOutNotice'));
      return;
    }
    const { wrapUp, call } = this.desk;
    if (was === 'wrap_up' && state !== 'wrap_up') wrapUp.over();
    if (state === 'wrap_up' && call && !wrapUp.open) wrapUp.show(call.id);
    this.desk.tick();
  }

  /** The state as text, in the language chosen (the time in state goes on). */
  draw() {
    const { state, reason } = this.current;
    const el = $('agent-state');
    el.dataset.state = state;
    el.dataset.reason = reason;
    const reasonText = reason ? ` · ${t(`reason.${reason}`)}` : '';
    el.textContent = t(`state.${state}`) + reasonText;
  }

  async goReady() {
    if (this.current.state === 'logged_out') {
      const done = await this.desk.command('set_state', { state: 'logged_in' });
      if (!done.ok) return;
    }
    await this.desk.command('set_state', { state: 'ready' });
  }

  async goNotReady() {
    const reason = $('not-ready-reason').value;
    const done = await this.desk.command('set_state', { state: 'not_ready', reason });
    if (done.ok && BUSY.includes(this.current.state)) this.note(t('breakAfterCall'));
  }

  async logOut() {
    if (this.current.state === 'logged_out') {
      this.desk.leave(t('loggedOutNotice'));
      return;
    }
    this.askedLogout = true;
    const done = await this.desk.command('set_state', { state: 'logged_out' });
    if (!done.ok) {
      this.askedLogout = false;
    } else if (BUSY.includes(this.current.state)) {
      this.note(t('logOutAfterCall'));
    }
  }

  note(text) {
    const el = $('state-note');
    el.textContent = text;
    el.hidden = !text;
  }

  tick() {
    $('state-time').textContent = clock((Date.now() - this.current.since) / 1000);
  }
}
