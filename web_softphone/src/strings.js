// Every word the console shows, by language. Add a language (zh-CN) as one more object with
// the same keys; `{name}` marks a value filled in at run time.
export const STRINGS = {
  en: {
    title: 'Agent console',
    loginHeading: 'Sign in',
    agentId: 'Agent ID',
    pin: 'PIN',
    signIn: 'Sign in',
    signingIn: 'Signing in…',
    agentsOnly: 'This console is for agents who take calls ({role} accounts cannot use it).',
    loginFailed: 'Sign-in refused: {why}',
    serverUnreachable: 'The server cannot be reached. Check your network and try again.',
    sessionExpired: 'Your session has expired. Please sign in again.',
    loggedOutNotice: 'You are logged out.',

    state: 'State',
    timeInState: 'Time in state',
    ready: 'Ready',
    notReady: 'Not ready',
    reason: 'Reason',
    logOut: 'Log out',
    logOutAfterCall: 'You will be logged out after this call.',
    breakAfterCall: 'You go not ready after this call.',

    'state.logged_out': 'Logged out',
    'state.ready': 'Ready',
    'state.not_ready': 'Not ready',
    'state.ringing': 'Ringing',
    'state.on_call': 'On call',
    'state.wrap_up': 'Wrap-up',
    'state.unknown': '…',
    'reason.break': 'Break',
    'reason.meal': 'Meal',
    'reason.training': 'Training',
    'reason.missed': 'Missed call',
    'reason.phone offline': 'Phone offline',
    'reason.logged in': 'Just logged in',

    phone: 'Phone',
    'phone.connecting': 'Connecting…',
    'phone.registered': 'Online',
    'phone.unregistered': 'Offline',
    'phone.failed': 'Registration refused',
    'phone.disconnected': 'Disconnected',
    'phone.none': 'Desk phone',
    server: 'Server',
    'server.up': 'Connected',
    'server.down': 'Reconnecting…',

    bannerPhoneDown: 'Your phone is not connected: calls cannot reach you. Reconnecting…',
    bannerPhoneBack: 'Your phone is connected again.',
    bannerPhoneRefused: 'Your phone was refused by the telephone server ({cause}).',
    bannerPushDown: 'The connection to the server is lost: states and screen-pops are on hold. Reconnecting…',
    bannerPushBack: 'Connected to the server again.',
    bannerRefused: 'Not done: {why}',
    bannerNoSip: 'The browser phone is not available: {why}',
    dismiss: 'Dismiss',

    call: 'Call',
    noCall: 'No call',
    incomingCall: 'Incoming call',
    ringing: 'Ringing…',
    onCall: 'On call',
    callEnded: 'Call ended',
    answer: 'Answer',
    hangUp: 'Hang up',
    callerHungUp: 'The caller hung up before you answered.',
    noAnswer: 'The call was not answered and went back to the queue.',

    screenPop: 'Caller',
    unknownCaller: 'Unknown caller',
    number: 'Number',
    account: 'Account',
    tier: 'Tier',
    language: 'Language',
    notes: 'Notes',
    verified: 'Verified in IVR',
    notVerified: 'Not verified',
    crmPending: 'Looking up the CRM…',
    crmUnavailable: 'CRM unavailable: directory record shown',
    foundBy: 'Found by',
    'foundBy.ivr': 'IVR',
    'foundBy.directory': 'directory',
    'foundBy.none': 'not found',
    callType: 'Call type',
    waited: 'Waited',
    ivrPath: 'IVR path',
    ivrVars: 'Collected in IVR',
    tickets: 'Open tickets',
    noTickets: 'No open tickets',
    history: 'Recent calls',
    noHistory: 'No earlier calls',
    date: 'Date',
    agent: 'Agent',
    outcome: 'Outcome',
    disposition: 'Disposition',
    callId: 'Call ID',

    wrapUp: 'Wrap-up',
    note: 'Note',
    chooseDisposition: 'Choose…',
    finish: 'Finish',
    extend: '+30 s',
    timeLeft: '{time} left',
    wrapUpOver: 'Wrap-up time is over; you can still file this call.',
    filing: 'Saving…',
    notFiled: 'Not saved: {why}',
    dispositionRequired: 'Choose a disposition.',
  },
};

let strings = STRINGS.en;

export function setLanguage(lang) {
  strings = STRINGS[lang] || STRINGS.en;
  document.documentElement.lang = STRINGS[lang] ? lang : 'en';
}

/** The text for `key` (the key itself if unknown), with `{name}` filled from `vars`. */
export function t(key, vars = {}) {
  const text = strings[key] ?? STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

/** Fill every element marked `data-i18n` (text) or `data-i18n-label` (aria-label). */
export function translate(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-label]')) {
    el.setAttribute('aria-label', t(el.dataset.i18nLabel));
  }
  document.title = t('title');
}
