// The screen-pop: who calls (customer, verified or not, how found), the call type, the wait,
// the IVR path and what it collected, open tickets and the caller's last calls.
import { $, clock, h, when } from './dom.js';
import { t } from './strings.js';

export class PopCard {
  /** @param {object} desk  the console: `callTypes` ({name: {description}}) */
  constructor(desk) {
    this.desk = desk;
  }

  /** The pop of a call offered (`again`: the same one, redrawn: no new mark). */
  show(data, { again = false } = {}) {
    this.showCaller(data.caller || {});
    $('call-from').textContent = (data.caller && data.caller.number) || '';
    const type = this.desk.callTypes[data.call_type];
    $('pop-call-type').textContent = type && type.description
      ? `${data.call_type} — ${type.description}`
      : data.call_type || '';
    $('pop-waited').textContent = typeof data.waited === 'number' ? clock(data.waited) : '';
    $('pop-ivr-path').textContent = (data.ivr_path || []).join(' › ');
    const vars = Object.entries(data.ivr_vars || {}).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]);
    $('pop-ivr-vars').replaceChildren(...vars);
    $('pop-call-id').textContent = data.call || '';
    $('pop').dataset.call = data.call || '';
    const tickets = (data.tickets || []).map((ticket) => h('li', { 'data-testid': 'pop-ticket' },
      h('b', {}, ticket.number || ''), ` · ${ticket.status || ''} · ${ticket.category || ''} — `,
      ticket.summary || ''));
    $('pop-tickets').replaceChildren(...(tickets.length ? tickets : [h('li', { class: 'muted' }, t('noTickets'))]));
    const rows = (data.history || []).map((past) => h('tr', { 'data-testid': 'pop-history-row' },
      h('td', {}, when(past.at)), h('td', {}, past.agent || '—'), h('td', {}, past.outcome || ''),
      h('td', {}, past.disposition || ''), h('td', {}, past.note || '')));
    $('pop-history').replaceChildren(...(rows.length ? rows
      : [h('tr', {}, h('td', { colspan: '5', class: 'muted' }, t('noHistory')))]));
    $('no-pop').hidden = true;
    $('pop').hidden = false;
    if (!again) performance.mark('acd:pop'); // the pop is in the DOM and visible from here
  }

  showCaller(caller) {
    const customer = caller.customer || null;
    $('pop-name').textContent = customer && customer.name ? customer.name : t('unknownCaller');
    $('pop-number').textContent = caller.number || '';
    $('pop-account').textContent = (customer && customer.account) || '—';
    $('pop-language').textContent = (customer && customer.language) || '—';
    $('pop-notes').textContent = (customer && customer.notes) || '—';
    const tier = $('pop-tier');
    tier.textContent = (customer && customer.tier) || '';
    tier.hidden = !(customer && customer.tier);
    const verified = $('pop-verified');
    verified.dataset.verified = caller.verified ? 'true' : 'false';
    verified.textContent = t(caller.verified ? 'verified' : 'notVerified');
    $('pop-found-by').textContent = t(`foundBy.${caller.found_by || 'none'}`);
    const crm = $('pop-crm');
    const crmState = caller.crm || '';
    crm.hidden = !crmState || crmState === 'ok';
    crm.textContent = crmState === 'pending' ? t('crmPending')
      : crmState.startsWith('unavailable') ? t('crmUnavailable') : '';
  }

  hide() {
    $('pop').hidden = true;
    $('no-pop').hidden = false;
  }
}
