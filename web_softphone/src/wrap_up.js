// The wrap-up form: disposition (from the call type's codes, else free text), note, the
// time left (ticking), Finish (files them and ends the after-call work) and Extend.
import { $, clock, h } from './dom.js';
import { t } from './strings.js';

const EXTEND_S = 30;

export class WrapUp {
  /**
   * @param {object} desk  the console: `call` ({id, type}), `callTypes`, `push`, `agentState`,
   *   `command(name, args)`, `callDone()`, `today` (refresh)
   */
  constructor(desk) {
    this.desk = desk;
    this.wrap = null; // the form's call: {id, type, ends, codes}
    this.filedRecently = false; // a WrapUpDone refused just after filing is no news
  }

  get open() {
    return !!this.wrap;
  }

  show(callId) {
    if (this.wrap && this.wrap.id === callId) return;
    const { call, callTypes } = this.desk;
    const type = call && call.id === callId ? call.type : '';
    const spec = callTypes[type] || {};
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

  close() {
    this.wrap = null;
    $('wrap-up').hidden = true;
  }

  /** The router ended the wrap-up (its time ran out): the form stays for the note. */
  over() {
    if (this.wrap) $('wrap-up-left').textContent = t('wrapUpOver');
  }

  tick() {
    if (this.wrap && this.wrap.ends && this.desk.agentState.state === 'wrap_up') {
      const left = (this.wrap.ends - Date.now()) / 1000;
      $('wrap-up-left').textContent = t('timeLeft', { time: clock(left) });
    }
  }

  async finish(event) {
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
    const { push } = this.desk;
    const result = push ? await push.command('finish_wrap_up', args) : { ok: false, error: 'offline' };
    button.disabled = false;
    if (!result.ok) {
      error.textContent = t('notFiled', { why: result.error });
      error.hidden = false;
      return;
    }
    const { call } = this.desk;
    if (call && this.wrap && call.id === this.wrap.id) this.desk.callDone();
    this.close();
    this.desk.today.refresh(); // with the disposition just filed
    $('go-ready').focus();
  }

  async extend() {
    if (!this.wrap) return;
    const result = await this.desk.command('extend_wrap_up', { seconds: EXTEND_S });
    if (result.ok && this.wrap && this.wrap.ends) {
      this.wrap.ends += EXTEND_S * 1000;
      this.tick();
    }
  }
}
