// The browser softphone: a JsSIP user agent registered to Asterisk over WebSocket, one call
// at a time (a second one is refused busy while there is a call).
import JsSIP from 'jssip';

JsSIP.debug.disable('JsSIP:*');

const MEDIA = { audio: true, video: false };

export class Phone {
  /**
   * @param {{ws_url: string, uri: string, password: string, display_name: string}} sip
   * @param {object} on
   * @param {(status: string, cause?: string) => void} on.status  connecting | registered |
   *   unregistered | failed | disconnected
   * @param {(call: object) => void} on.incoming   a call rings: {from, name}
   * @param {(state: string, cause?: string) => void} on.call  answered | ended
   * @param {(held: boolean) => void} [on.held]    this side put the call on hold, or took it back
   * @param {(muted: boolean) => void} [on.muted]  the microphone was muted, or unmuted
   * @param {HTMLAudioElement} audio  where the caller is heard
   */
  constructor(sip, on, audio) {
    this.sip = sip;
    this.on = on;
    this.audio = audio;
    this.session = null;
    this.ua = null;
    this.status = 'connecting';
  }

  start() {
    const socket = new JsSIP.WebSocketInterface(this.sip.ws_url);
    this.ua = new JsSIP.UA({
      sockets: [socket],
      uri: this.sip.uri,
      password: this.sip.password,
      display_name: this.sip.display_name,
      register: true,
      session_timers: false,
      user_agent: 'acd-console',
      connection_recovery_min_interval: 1,
      connection_recovery_max_interval: 10,
    });
    const status = (s, cause) => {
      this.status = s;
      this.on.status(s, cause);
    };
    this.ua.on('connecting', () => {
      if (this.status !== 'registered') status('connecting');
    });
    this.ua.on('disconnected', () => status('disconnected'));
    this.ua.on('registered', () => status('registered'));
    this.ua.on('unregistered', () => status('unregistered'));
    this.ua.on('registrationFailed', (e) => status('failed', e.cause));
    this.ua.on('newRTCSession', (e) => this.newSession(e));
    status('connecting');
    this.ua.start();
  }

  stop() {
    if (this.session) this.hangup();
    if (this.ua) {
      this.ua.removeAllListeners();
      this.ua.stop(); // unregisters, then closes the socket
      this.ua = null;
    }
  }

  newSession({ session, originator, request }) {
    if (originator !== 'remote') return;
    if (this.session) {
      session.terminate({ status_code: 486, reason_phrase: 'Busy Here' });
      return;
    }
    performance.mark('acd:ring'); // the phone rings from here (the test measures ring→pop)
    this.session = session;
    session.on('peerconnection', ({ peerconnection }) => this.hear(peerconnection));
    session.on('accepted', () => this.on.call('answered'));
    // JsSIP tells as it sends the re-INVITE (a refused one ends the call); the far end's
    // hold is not ours to show
    for (const [name, held] of [['hold', true], ['unhold', false]]) {
      session.on(name, (e) => {
        if (e.originator === 'local' && this.on.held) this.on.held(held);
      });
    }
    session.on('muted', () => this.on.muted && this.on.muted(true));
    session.on('unmuted', () => this.on.muted && this.on.muted(false));
    const over = (e) => {
      if (this.session !== session) return;
      this.session = null;
      this.audio.srcObject = null;
      this.on.call('ended', e && e.cause);
    };
    session.on('ended', over);
    session.on('failed', over);
    const identity = session.remote_identity;
    this.on.incoming({
      from: identity.uri.user,
      name: identity.display_name || '',
      callId: request && request.call_id,
    });
  }

  hear(pc) {
    pc.addEventListener('track', (e) => {
      this.audio.srcObject = e.streams[0] || new MediaStream([e.track]);
    });
  }

  answer() {
    if (!this.session || !this.session.isInProgress()) return;
    this.session.answer({ mediaConstraints: MEDIA, pcConfig: { iceServers: [] } });
  }

  hangup() {
    if (!this.session) return;
    try {
      this.session.terminate();
    } catch {
      // already over
    }
  }

  /** Hold (the caller hears the server's music) or take the call back; false if it cannot
   * be asked now (no call, or a re-INVITE under way). */
  hold(on) {
    if (!this.talking) return false;
    return on ? this.session.hold() : this.session.unhold();
  }

  get held() {
    return !!this.session && this.session.isOnHold().local;
  }

  /** Stop or start sending the microphone. */
  mute(on) {
    if (!this.session) return;
    if (on) this.session.mute({ audio: true });
    else this.session.unmute({ audio: true });
  }

  get muted() {
    return !!this.session && this.session.isMuted().audio;
  }

  /** A keypad digit to the far end, in the RTP stream (RFC 4733, Asterisk's default). */
  dtmf(digit) {
    if (this.talking) this.session.sendDTMF(digit, { transportType: 'RFC2833' });
  }

  get ringing() {
    return !!this.session && this.session.isInProgress();
  }

  get talking() {
    return !!this.session && this.session.isEstablished();
  }

  /** RTP counters of the call now (null without one). */
  async stats() {
    const pc = this.session && this.session.connection;
    if (!pc) return null;
    const out = { packetsReceived: 0, packetsSent: 0, bytesReceived: 0, bytesSent: 0 };
    (await pc.getStats()).forEach((r) => {
      if (r.type === 'inbound-rtp' && r.kind === 'audio') {
        out.packetsReceived += r.packetsReceived || 0;
        out.bytesReceived += r.bytesReceived || 0;
        out.packetsLost = r.packetsLost;
        out.jitter = r.jitter;
      } else if (r.type === 'outbound-rtp' && r.kind === 'audio') {
        out.packetsSent += r.packetsSent || 0;
        out.bytesSent += r.bytesSent || 0;
      } else if (r.type === 'transport') {
        out.dtlsState = r.dtlsState;
        out.iceState = r.iceState;
      } else if (r.type === 'codec') {
        out.codecs = (out.codecs || []).concat(r.mimeType);
      }
    });
    return out;
  }
}
