// The console's push connection: opened with the token, its status (with banners when it
// goes down and comes back), where the agent stands after a (re)connection, and commands.
import { banners } from './banners.js';
import { $ } from './dom.js';
import { PushSocket } from './push.js';
import { t } from './strings.js';

export class PushLink {
  /**
   * @param {object} desk  the console: `token`, `me`, `get(path)`, `renewToken()`, `state`,
   *   `agentState`, `event(name, data, live)`, `notify(text)`
   */
  constructor(desk) {
    this.desk = desk;
    this.reset();
  }

  reset() {
    this.socket = null;
    this.wasUp = false;
    this.down = false;
    this.logInWhenWelcomed = true;
  }

  get up() {
    return !!(this.socket && this.socket.up);
  }

  start() {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const desk = this.desk;
    this.socket = new PushSocket({
      url: `${scheme}://${location.host}/ws`,
      token: () => desk.token,
      onStatus: (up) => this.setStatus(up),
      onWelcome: (welcome, reset) => this.welcomed(reset),
      onEvent: (name, data, live) => desk.event(name, data, live),
      onTokenRefused: async () => {
        if (await desk.renewToken()) this.socket.reconnect();
      },
    });
    this.socket.start();
  }

  stop() {
    if (this.socket) this.socket.stop();
  }

  renew(token) {
    if (this.socket) this.socket.renew(token);
  }

  async welcomed(reset) {
    if (!reset) return;
    // first connection, or too much missed: ask where we stand
    const desk = this.desk;
    try {
      const me = (await desk.get('/agents')).find((a) => a.id === desk.me.id);
      if (me && me.state) {
        const [state, ...reason] = me.state.split(' ');
        desk.state.show(state, reason.join(' '));
      }
    } catch {
      return;
    }
    if (this.logInWhenWelcomed && desk.agentState.state === 'logged_out') {
      this.logInWhenWelcomed = false;
      await this.command('set_state', { state: 'logged_in' });
    }
    this.logInWhenWelcomed = false;
  }

  setStatus(up) {
    const pill = $('push-status');
    pill.dataset.status = up ? 'up' : 'down';
    $('push-status-text').textContent = t(up ? 'server.up' : 'server.down');
    if (!up && this.wasUp && !this.down) {
      this.down = true;
      banners.show('push', 'down', t('bannerPushDown'));
    } else if (up && this.down) {
      this.down = false;
      banners.show('push', 'back', t('bannerPushBack'), { autoHide: 5000 });
    }
    if (up) this.wasUp = true;
  }

  /** A command over the socket, answered `{ok, error}`; a refusal is shown as a banner. */
  async command(name, args, { quiet = false } = {}) {
    const result = this.socket ? await this.socket.command(name, args) : { ok: false, error: 'offline' };
    if (!result.ok && !quiet) this.desk.notify(t('bannerRefused', { why: result.error }));
    return result;
  }
}
