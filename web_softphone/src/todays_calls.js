// Today's calls of the agent (since local midnight): time, caller, call type, outcome and
// disposition, from the call records (`GET /calls`), refreshed after each call.
import { t } from './strings.js';

const $ = (id) => document.getElementById(id);

export class TodaysCalls {
  /** @param {object} desk  the console: `me`, `get(path)`, `serverOffset` (acd's clock − ours) */
  constructor(desk) {
    this.desk = desk;
    this.calls = [];
  }

  async refresh() {
    if (!this.desk.me) return;
    const midnight = new Date(Date.now() + (this.desk.serverOffset || 0) * 1000); // acd's today
    midnight.setHours(0, 0, 0, 0);
    const query = new URLSearchParams({ agent: this.desk.me.id, from: midnight.toISOString(), limit: '50' });
    try {
      this.calls = (await this.desk.get(`/calls?${query}`)).calls;
    } catch {
      return; // kept as it was: the next call's end tries again
    }
    this.render();
  }

  render() {
    const rows = this.calls.map((c) => {
      const tr = document.createElement('tr');
      tr.dataset.call = c.id;
      const when = new Date(c.answered || c.arrived).toLocaleTimeString(document.documentElement.lang, {
        hour: '2-digit', minute: '2-digit' });
      for (const text of [when, c.number || '—', c.call_type || '—', c.outcome, c.disposition || '—']) {
        const td = document.createElement('td');
        td.textContent = text;
        tr.append(td);
      }
      return tr;
    });
    if (!rows.length) {
      const td = document.createElement('td');
      td.colSpan = 5;
      td.className = 'muted';
      td.textContent = t('noCallsToday');
      rows.push(document.createElement('tr'));
      rows[0].append(td);
    }
    $('todays-calls').replaceChildren(...rows);
  }
}
