// The call panel and its browser phone: registration status (with banners when it goes
// down and comes back), the ring, Answer, Hang up and the talk timer.
import { banners } from './banners.js';
import { $, clock } from './dom.js';
import { Phone } from './phone.js';
import { t } from './strings.js';

export class CallPanel {
  /**
   * @param {object} desk  the console: `get(path)`, `ringer`, `controls`; the phone is
   *   kept as `desk.phone`
   */
  constructor(desk) {
    this.desk = desk;
    this.reset();
  }

  reset() {
    this.phoneWasUp = false;
    this.phoneDown = false;
    this.talkingSince = null;
  }

  async startPhone() {
    let sip;
    try {
      sip = await this.desk.get('/console/sip');
    } catch (exc) {
      this.setPhoneStatus('none');
      banners.show('phone', 'info', t('bannerNoSip', { why: exc.message }));
      return;
    }
    const { controls } = this.desk;
    this.desk.phone = new Phone(sip, {
      status: (status, cause) => this.setPhoneStatus(status, cause),
      incoming: () => this.ringing(),
      call: (state, cause) => this.callChanged(state, cause),
      held: (on) => controls.showHeld(on),
      muted: (on) => controls.showMuted(on),
    }, $('remote-audio'));
    this.desk.phone.start();
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
    this.show('ringing');
    this.desk.ringer.start();
    $('answer').focus();
  }

  callChanged(state) {
    this.desk.ringer.stop();
    this.show(state === 'answered' ? 'talking' : 'idle');
  }

  show(state, from) {
    const { phone } = this.desk;
    $('call-panel').dataset.call = state;
    $('ring').hidden = state !== 'ringing';
    $('answer').disabled = state !== 'ringing' || !phone;
    $('hangup').disabled = state === 'idle' || !phone;
    $('call-status').textContent = { idle: t('noCall'), ringing: t('ringing'), talking: t('onCall') }[state];
    if (from !== undefined) $('call-from').textContent = from || '';
    if (state === 'idle') $('call-from').textContent = '';
    this.talkingSince = state === 'talking' ? Date.now() : null;
    $('call-timer').textContent = state === 'talking' ? '0:00' : '';
    if (state === 'talking') $('hangup').focus();
    this.desk.controls.show(state === 'talking');
  }

  /** The texts again, in the language just chosen (the timer goes on). */
  relabel() {
    const state = $('call-panel').dataset.call;
    $('call-status').textContent = { idle: t('noCall'), ringing: t('ringing'), talking: t('onCall') }[state];
    if (this.desk.phone) this.setPhoneStatus(this.desk.phone.status);
  }

  answer() {
    this.desk.ringer.stop();
    if (this.desk.phone) this.desk.phone.answer();
  }

  hangup() {
    this.desk.ringer.stop();
    if (this.desk.phone) this.desk.phone.hangup();
  }

  tick() {
    if (this.talkingSince) $('call-timer').textContent = clock((Date.now() - this.talkingSince) / 1000);
  }
}
