// Every word the wallboard shows, in English and Simplified Chinese. The language chosen is
// kept in localStorage `acd.lang`, the key the agent console uses too.
export const WALLBOARD_STRINGS = {
  en: {
    title: 'Wallboard',
    signInHeading: 'Supervisor sign-in',
    userId: 'ID',
    pin: 'PIN',
    signIn: 'Sign in',
    staffOnly: 'The wallboard is for supervisors and admins.',
    loginFailed: 'Sign-in refused: {why}',
    serverUnreachable: 'The server cannot be reached.',
    signOut: 'Sign out',
    language: '中文',
    languageLabel: 'Language: 中文 (Chinese)',
    live: 'Live',
    offline: 'Not live',
    pushDown: 'The live feed is down: the figures shown may be old. Reconnecting…',
    pushBack: 'The live feed is back.',
    callTypes: 'Call types today',
    callType: 'Call type',
    waiting: 'Waiting',
    longestWait: 'Longest wait',
    offered: 'Offered',
    answered: 'Answered',
    abandoned: 'Abandoned',
    answerRate: 'Answer rate',
    sl10: 'SL 10 s',
    sl20: 'SL 20 s',
    asa: 'ASA',
    agents: 'Agents',
    agent: 'Agent',
    team: 'Team',
    state: 'State',
    timeInState: 'Time in state',
    call: 'Call',
    actions: 'Actions',
    ready: 'Ready',
    notReady: 'Not ready',
    reasonFor: 'Not-ready reason for {who}',
    withReason: '{state} ({reason})',
    'reason.break': 'Break',
    'reason.meal': 'Meal',
    'reason.training': 'Training',
    'reason.missed': 'Missed call',
    'reason.phone offline': 'Phone offline',
    'reason.logged in': 'logged in',
    'reason.consult': 'consulting',
    phone: 'Your phone: {status}',
    'phone.connecting': 'connecting…',
    'phone.registered': 'ready to listen in',
    'phone.unregistered': 'not registered',
    'phone.failed': 'registration refused',
    'phone.disconnected': 'disconnected',
    'phone.none': 'none',
    logOut: 'Log out',
    listen: 'Listen',
    whisper: 'Whisper',
    barge: 'Barge',
    stop: 'Stop',
    listening: 'Listening to call {call} ({mode})',
    ringing: 'Your phone rings into call {call}…',
    noPhone: 'Your phone answers on your desk: pick it up when it rings.',
    refused: '{what} refused: {why}',
    none: '—',
    'state.logged_out': 'Logged out',
    'state.ready': 'Ready',
    'state.not_ready': 'Not ready',
    'state.ringing': 'Ringing',
    'state.on_call': 'On call',
    'state.wrap_up': 'Wrap-up',
  },
  'zh-CN': {
    title: '监控大屏',
    signInHeading: '班长登录',
    userId: '工号',
    pin: '密码',
    signIn: '登录',
    staffOnly: '监控大屏仅供班长和管理员使用。',
    loginFailed: '登录被拒绝：{why}',
    serverUnreachable: '无法连接服务器。',
    signOut: '退出',
    language: 'English',
    languageLabel: '语言：English（英文）',
    live: '实时',
    offline: '已断开',
    pushDown: '实时数据已断开，所示数据可能已过时，正在重连…',
    pushBack: '实时数据已恢复。',
    callTypes: '今日各业务线',
    callType: '业务线',
    waiting: '排队',
    longestWait: '最长等待',
    offered: '呼入量',
    answered: '接通',
    abandoned: '放弃',
    answerRate: '接通率',
    sl10: '10秒服务水平',
    sl20: '20秒服务水平',
    asa: '平均应答时长',
    agents: '坐席',
    agent: '坐席',
    team: '班组',
    state: '状态',
    timeInState: '状态时长',
    call: '通话',
    actions: '操作',
    ready: '置闲',
    notReady: '示忙',
    reasonFor: '{who}的示忙原因',
    withReason: '{state}（{reason}）',
    'reason.break': '小休',
    'reason.meal': '用餐',
    'reason.training': '培训',
    'reason.missed': '未接来电',
    'reason.phone offline': '话机离线',
    'reason.logged in': '刚登录',
    'reason.consult': '咨询中',
    phone: '您的话机：{status}',
    'phone.connecting': '连接中…',
    'phone.registered': '可监听',
    'phone.unregistered': '未注册',
    'phone.failed': '注册被拒绝',
    'phone.disconnected': '已断开',
    'phone.none': '无',
    logOut: '签出',
    listen: '监听',
    whisper: '密语',
    barge: '强插',
    stop: '停止',
    listening: '正在{mode}通话 {call}',
    ringing: '您的话机正在呼入通话 {call}…',
    noPhone: '请接起您桌上的话机。',
    refused: '{what}被拒绝：{why}',
    none: '—',
    'state.logged_out': '签出',
    'state.ready': '空闲',
    'state.not_ready': '示忙',
    'state.ringing': '振铃',
    'state.on_call': '通话中',
    'state.wrap_up': '话后处理',
  },
};

export const LANG_KEY = 'acd.lang';
let current = 'en';

export function wallboardLanguage(lang) {
  current = WALLBOARD_STRINGS[lang] ? lang : 'en';
  document.documentElement.lang = current;
  try {
    localStorage.setItem(LANG_KEY, current);
  } catch {
    // private mode: the choice lasts this page only
  }
  return current;
}

export function savedLanguage() {
  try {
    return localStorage.getItem(LANG_KEY) || (navigator.language.startsWith('zh') ? 'zh-CN' : 'en');
  } catch {
    return 'en';
  }
}

export function tw(key, vars = {}) {
  const text = WALLBOARD_STRINGS[current][key] ?? WALLBOARD_STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}
