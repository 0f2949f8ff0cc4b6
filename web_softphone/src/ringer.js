// A ringtone made in the browser (no sound file to fetch): 440 + 480 Hz, 2 s on, 4 s off.
export class Ringer {
  constructor() {
    this.context = null;
    this.timer = null;
    this.nodes = [];
  }

  /** Browsers let audio start only after a user gesture: call this from one (sign-in). */
  unlock() {
    try {
      this.context = this.context || new AudioContext();
      if (this.context.state === 'suspended') this.context.resume();
    } catch {
      this.context = null; // no Web Audio: the ring is visual only
    }
  }

  start() {
    if (!this.context || this.timer) return;
    const burst = () => {
      const ctx = this.context;
      const gain = ctx.createGain();
      gain.gain.value = 0.08;
      gain.connect(ctx.destination);
      for (const hz of [440, 480]) {
        const osc = ctx.createOscillator();
        osc.frequency.value = hz;
        osc.connect(gain);
        osc.start();
        osc.stop(ctx.currentTime + 2);
        this.nodes.push(osc);
      }
    };
    burst();
    this.timer = setInterval(burst, 6000);
  }

  stop() {
    clearInterval(this.timer);
    this.timer = null;
    for (const osc of this.nodes) {
      try {
        osc.stop();
      } catch {
        // already stopped
      }
    }
    this.nodes = [];
  }
}
