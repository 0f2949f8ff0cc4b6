// The wallboard's tables, drawn from a `floor` (GET /floor or the pushed event): a row per
// call type and per agent; the clocks in them tick from `data-since` (acd's epoch seconds).
import { tw } from './wallboard_strings.js';

export const REASONS = ['break', 'meal', 'training'];

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

export function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(h ? 2 : 1, '0');
  return `${h ? `${h}:` : ''}${mm}:${String(s % 60).padStart(2, '0')}`;
}

const percent = (x) => (x === null || x === undefined ? tw('none') : `${Math.round(x * 100)}%`);
const secs = (x) => (x === null || x === undefined ? tw('none') : `${x.toFixed(1)} s`);

/** A not-ready reason as the board says it (an unknown one as acd sent it). */
export function reasonText(reason) {
  const key = `reason.${reason}`;
  const said = tw(key);
  return said === key ? reason : said;
}

export function stateText(agent) {
  const state = tw(`state.${agent.state}`);
  return agent.reason ? tw('withReason', { state, reason: reasonText(agent.reason) }) : state;
}

export function callTypeRow(name, f) {
  const cell = (value, key, alert = false) =>
    el('td', { class: `num${alert ? ' alert' : ''}`, 'data-testid': `ct-${name}-${key}` }, String(value));
  const waitAlert = f.waiting > 0 && f.longest_wait_s > 20;
  const sl20 = f.service_level['20s'];
  return el('tr', { 'data-call-type': name, 'data-testid': `ct-${name}` },
    el('th', { scope: 'row' }, name),
    cell(f.waiting, 'waiting', f.waiting > 0),
    el('td', { class: `num${waitAlert ? ' alert' : ''}`, 'data-testid': `ct-${name}-longest`,
               'data-since': f.oldest_waiting_since ?? '' }, tw('none')),
    cell(percent(f.service_level['10s']), 'sl10'),
    cell(percent(sl20), 'sl20', sl20 !== null && sl20 < 0.8),
    cell(secs(f.asa_s), 'asa'),
    cell(f.abandoned, 'abandoned'), cell(f.answered, 'answered'), cell(f.offered, 'offered'),
    cell(percent(f.answer_rate), 'answer-rate'));
}

/**
 * An agent's row with the lead's buttons: `on.force(id, action, body, label)` forces a state
 * (`label`: the button's string key), `on.spy(call, mode)` joins the agent's call.
 */
export function agentRow(id, a, on) {
  const who = a.name || id;
  const actions = el('td', { class: 'actions' });
  const button = (label, testid, click) => {
    const node = el('button', { type: 'button', 'data-testid': testid,
                                'aria-label': `${tw(label)}: ${who}` }, tw(label));
    node.addEventListener('click', click);
    return node;
  };
  const force = (label, action, body = () => ({})) =>
    button(label, `force-${action}-${id}`, () => on.force(id, action, body(), label));
  if (a.state !== 'logged_out') {
    if (a.state !== 'ready') actions.append(force('ready', 'ready'));
    const reason = el('select', { 'data-testid': `reason-${id}`,
                                  'aria-label': tw('reasonFor', { who }) },
      ...REASONS.map((r) => el('option', { value: r }, reasonText(r))));
    actions.append(reason, force('notReady', 'not-ready', () => ({ reason: reason.value })),
      force('logOut', 'logout'));
  }
  if (a.state === 'on_call' && a.call && a.reason !== 'consult') {
    for (const mode of ['listen', 'whisper', 'barge']) {
      actions.append(button(mode, `${mode}-${id}`, () => on.spy(a.call, mode)));
    }
  }
  return el('tr', { 'data-agent': id, 'data-state': a.state, 'data-testid': `agent-${id}` },
    el('th', { scope: 'row' }, `${who} (${id})`),
    el('td', {}, a.team || tw('none')),
    el('td', { class: 'state', 'data-testid': `agent-${id}-state` }, stateText(a)),
    el('td', { class: 'num', 'data-testid': `agent-${id}-since`, 'data-since': a.since ?? '' }, ''),
    el('td', { 'data-testid': `agent-${id}-call` }, a.call || tw('none')),
    actions);
}

/** Redraw `body`'s rows, keeping the focus and the reasons chosen (a push must not steal
 * the keyboard from the lead). */
export function replaceRows(body, rows) {
  const focused = document.activeElement && body.contains(document.activeElement)
    ? document.activeElement.dataset.testid : null;
  const chosen = new Map([...body.querySelectorAll('select')].map((s) => [s.dataset.testid, s.value]));
  body.replaceChildren(...rows);
  for (const select of body.querySelectorAll('select')) {
    if (chosen.has(select.dataset.testid)) select.value = chosen.get(select.dataset.testid);
  }
  if (focused) {
    const again = body.querySelector(`[data-testid="${focused}"]`);
    if (again) again.focus();
  }
}

/** Every clock on the board at `now` (acd's epoch seconds). */
export function tick(now) {
  for (const cell of document.querySelectorAll('td[data-since]')) {
    const since = parseFloat(cell.dataset.since);
    cell.textContent = Number.isFinite(since) ? clock(now - since) : tw('none');
  }
}
