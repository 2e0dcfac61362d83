// @ts-check
/**
 * The webphone presence page at `/`: sign-in, colleagues' presence, your own status, destination,
 * "until", reachability and what is scheduled next, and the option to count as your webphone.
 * Built on presence-client.js.
 */
import { PresenceClient, SwitchboardError } from './presence-client.js';
import { language, locale, choose, t, translate } from './i18n.js';
import { MissedCalls } from './missed-calls.js';
import { PlanEditor } from './plan-editor.js';

const TOKEN_KEY = 'switchboard.token';
const EMAIL_KEY = 'switchboard.email';
const WEBPHONE_KEY = 'switchboard.useWebphone';
const STATUS_ORDER = { available: 0, available_for_colleagues: 1, busy: 2, do_not_disturb: 3, offline: 4 };

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

const view = {
  signIn: $('sign-in-view'),
  signInForm: /** @type {HTMLFormElement} */ ($('sign-in-form')),
  email: /** @type {HTMLInputElement} */ ($('email')),
  password: /** @type {HTMLInputElement} */ ($('password')),
  signInButton: /** @type {HTMLButtonElement} */ ($('sign-in-button')),
  signInError: $('sign-in-error'),
  signInNotice: $('sign-in-notice'),
  app: $('app-view'),
  sessionBar: $('session-bar'),
  orgName: $('org-name'),
  connection: $('connection'),
  connectionText: $('connection-text'),
  reconnect: /** @type {HTMLButtonElement} */ ($('reconnect')),
  signOut: /** @type {HTMLButtonElement} */ ($('sign-out')),
  meAvatar: $('me-avatar'),
  meName: $('me-name'),
  meNumber: $('me-number'),
  mePresence: $('me-presence'),
  meUntilText: $('me-until-text'),
  meScheduled: $('me-scheduled'),
  statusChoice: /** @type {HTMLFieldSetElement} */ ($('status-choice')),
  until: /** @type {HTMLInputElement} */ ($('until')),
  untilClear: /** @type {HTMLButtonElement} */ ($('until-clear')),
  meNote: $('me-note'),
  note: /** @type {HTMLInputElement} */ ($('note')),
  noteUntil: /** @type {HTMLInputElement} */ ($('note-until')),
  noteSave: /** @type {HTMLButtonElement} */ ($('note-save')),
  noteClear: /** @type {HTMLButtonElement} */ ($('note-clear')),
  destination: /** @type {HTMLSelectElement} */ ($('destination')),
  reachability: $('reachability'),
  reachabilityTitle: $('reachability-title'),
  reachabilityReasons: $('reachability-reasons'),
  planWords: $('plan-words'),
  groupsCard: $('groups-card'),
  groupList: $('group-list'),
  useWebphone: /** @type {HTMLInputElement} */ ($('use-webphone')),
  webphoneHint: $('webphone-hint'),
  meError: $('me-error'),
  meCard: /** @type {HTMLElement} */ (document.querySelector('.me-card')),
  meToggle: /** @type {HTMLButtonElement} */ ($('me-toggle')),
  colleaguesCard: $('colleagues-card'),
  staleBanner: $('stale-banner'),
  count: $('colleague-count'),
  search: /** @type {HTMLInputElement} */ ($('search')),
  onlineOnly: /** @type {HTMLInputElement} */ ($('online-only')),
  rows: $('colleague-rows'),
  empty: $('colleagues-empty'),
  announcer: $('announcer'),
};

const missedCalls = new MissedCalls({
  list: $('missed-calls'), empty: $('missed-empty'), error: $('missed-error'),
  refresh: /** @type {HTMLButtonElement} */ ($('missed-refresh')),
});

// After a save, the plan's words come from the server: the `me` frame, and here a fresh read for
// when the socket is not live.
const planEditor = new PlanEditor({
  onSaved: () => {
    const client = page.client;
    client?.getMe().then((me) => { if (client === page.client) renderReachability(me.reachability); }, () => {});
  },
});

/** Page state that is not the server's: who we are, our devices, and the list's view options. */
const page = {
  /** @type {PresenceClient | null} */ client: null,
  /** @type {any} */ account: null,
  /** @type {any[]} */ voipAccounts: [],
  /** @type {any[]} */ fixedDestinations: [],
  sort: { key: 'name', direction: 1 },
  /** @type {Map<string, { tr: HTMLTableRowElement, signature: string }>} */ rows: new Map(),
  /** @type {any} */ refreshTimer: null,
};

// --- presentation helpers -------------------------------------------------------------------------

/**
 * The tone (colour) and words for a presence. Ringing counts as red like busy; the context is
 * always spelled out.
 * @param {{ availability: string, context?: string[] }} p
 */
function describe(p) {
  const context = p.context ?? [];
  const contextWords = context.map((c) => t(`context.${c}`));
  const base = t(`status.${p.availability}`);
  switch (p.availability) {
    case 'busy':
      return { tone: 'busy', label: contextWords.length ? `${base} · ${contextWords.join(', ')}` : base };
    case 'available':
    case 'available_for_colleagues':
      if (context.includes('ringing')) return { tone: 'busy', label: `${t('presence.ringing')} · ${base.toLowerCase()}` };
      return { tone: p.availability === 'available' ? 'available' : 'colleagues', label: base };
    case 'do_not_disturb':
      return { tone: 'dnd', label: contextWords.length ? `${base} · ${contextWords.join(', ')}` : base };
    default:
      return { tone: 'offline', label: base };
  }
}

/** @param {{ availability: string, context?: string[] }} p */
function presencePill(p) {
  const { tone, label } = describe(p);
  const pill = document.createElement('span');
  pill.className = 'presence';
  pill.dataset.tone = tone;
  pill.dataset.availability = p.availability;
  const dot = document.createElement('span');
  dot.className = 'presence-dot';
  dot.setAttribute('aria-hidden', 'true');
  const text = document.createElement('span');
  text.className = 'presence-label';
  text.textContent = label;
  pill.append(dot, text);
  return pill;
}

/** @param {string} name */
function initials(name) {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '') + (parts.length > 1 ? parts[parts.length - 1][0] : '')).toUpperCase();
}

const timeFormat = new Intl.DateTimeFormat(locale(), { hour: '2-digit', minute: '2-digit' });
const dayTimeFormat = new Intl.DateTimeFormat(locale(), { weekday: 'short', hour: '2-digit', minute: '2-digit' });
const dateTimeFormat = new Intl.DateTimeFormat(locale(), { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

/** @param {string | null | undefined} iso */
function when(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  const today = new Date();
  return date.toDateString() === today.toDateString() ? timeFormat.format(date) : dayTimeFormat.format(date);
}

/**
 * A moment ahead, as briefly as it is unambiguous: "12:00" today, "Fri 12:00" within the coming
 * six days, else with its date, "Fri 11 Dec, 12:00".
 * @param {Date} date
 */
function ahead(date) {
  const today = new Date();
  if (date.toDateString() === today.toDateString()) return timeFormat.format(date);
  const inSixDays = new Date(today);
  inSixDays.setHours(0, 0, 0, 0);
  inSixDays.setDate(inSixDays.getDate() + 6);
  return date > today && date < inSixDays ? dayTimeFormat.format(date) : dateTimeFormat.format(date);
}

/** The next moment the wall clock shows `hh:mm` (today if still ahead, else tomorrow). @param {string} hhmm */
function nextOccurrence(hhmm) {
  const [h, m] = hhmm.split(':').map(Number);
  const at = new Date();
  at.setHours(h, m, 0, 0);
  if (at.getTime() <= Date.now()) at.setDate(at.getDate() + 1);
  return at;
}

/** @param {Date} date */
function hhmm(date) {
  return String(date.getHours()).padStart(2, '0') + ':' + String(date.getMinutes()).padStart(2, '0');
}

/** @param {string} message */
function announce(message) {
  // Re-setting the text makes screen readers read it even when it repeats.
  view.announcer.textContent = '';
  window.setTimeout(() => { view.announcer.textContent = message; }, 50);
}

/** @param {HTMLElement} element @param {string | null} message */
function showMessage(element, message) {
  element.textContent = message ?? '';
  element.hidden = !message;
}

// --- sign-in --------------------------------------------------------------------------------------

/** @param {string | null} notice */
function showSignIn(notice) {
  view.app.hidden = true;
  view.sessionBar.hidden = true;
  view.signIn.hidden = false;
  view.orgName.textContent = '';
  showMessage(view.signInNotice, notice);
  showMessage(view.signInError, null);
  view.email.value = view.email.value || sessionStorage.getItem(EMAIL_KEY) || '';
  (view.email.value ? view.password : view.email).focus();
}

view.signInForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const email = view.email.value.trim();
  const password = view.password.value;
  if (!email || !password) {
    showMessage(view.signInError, t('signIn.missing'));
    (email ? view.password : view.email).focus();
    return;
  }
  view.signInButton.disabled = true;
  view.signInButton.textContent = t('signIn.busy');
  showMessage(view.signInError, null);
  const client = newClient(null);
  try {
    // Remembered in this tab's memory only, so an expired token is renewed without asking again.
    await client.login(email, password, { remember: true });
    sessionStorage.setItem(TOKEN_KEY, /** @type {string} */ (client.token));
    sessionStorage.setItem(EMAIL_KEY, email);
    view.password.value = '';
    await start(client);
  } catch (e) {
    const error = /** @type {SwitchboardError} */ (e);
    showMessage(view.signInError, error.status === 401 ? t('signIn.wrong')
      : error.status === 429 ? t('signIn.tooMany')
        : error.message || t('signIn.failed'));
    view.password.focus();
  } finally {
    view.signInButton.disabled = false;
    view.signInButton.textContent = t('signIn.button');
  }
});

view.signOut.addEventListener('click', () => {
  stop();
  sessionStorage.removeItem(TOKEN_KEY);
  view.password.value = '';
  showSignIn(t('signIn.signedOut'));
});

view.reconnect.addEventListener('click', () => page.client?.connect());

/** @param {string | null} token */
function newClient(token) {
  return new PresenceClient({ token, device: null, language: language() });
}

function stop() {
  page.rows.clear();
  view.rows.replaceChildren();
  if (page.client) {
    page.client.disconnect();
    page.client = null;
  }
  clearTimeout(page.refreshTimer);
  missedCalls.stop();
  planEditor.stop();
}

// --- signed in ------------------------------------------------------------------------------------

/** @param {PresenceClient} client */
async function start(client) {
  stop();
  page.client = client;
  const me = await client.getMe();
  page.account = me;
  view.orgName.textContent = me.organization?.name ?? '';
  view.meName.textContent = me.user.name;
  view.meNumber.textContent = me.user.internalNumber;
  view.meAvatar.textContent = initials(me.user.name);
  await loadDestinations();
  wire(client);
  applyWebphonePreference(false);

  view.signIn.hidden = true;
  view.app.hidden = false;
  view.sessionBar.hidden = false;
  renderMe(me.presence);
  renderColleagues();
  missedCalls.start(client);
  planEditor.start(client, me);
  client.connect();
  $('main').focus({ preventScroll: true });
}

async function loadDestinations() {
  const client = /** @type {PresenceClient} */ (page.client);
  const me = page.account;
  const [voip, fixed] = await Promise.all([
    client.listVoipAccounts(me.organization.id).catch(() => []),
    client.listFixedDestinations(me.organization.id, me.user.id).catch(() => []),
  ]);
  page.voipAccounts = voip.filter((/** @type {any} */ a) => a.userId === me.user.id)
    .sort((/** @type {any} */ a, /** @type {any} */ b) => a.internalNumber.localeCompare(b.internalNumber, undefined, { numeric: true }));
  page.fixedDestinations = fixed;
}

/** Device registrations change behind the page's back; refresh the list when our own view changes. */
function refreshDestinationsSoon() {
  clearTimeout(page.refreshTimer);
  page.refreshTimer = setTimeout(async () => {
    if (!page.client) return;
    await loadDestinations();
    renderDestinationOptions(page.client.me);
    renderWebphone();
  }, 300);
}

/** @param {PresenceClient} client */
function wire(client) {
  client.addEventListener('connection', (event) => {
    if (client !== page.client) return;
    renderConnection(/** @type {CustomEvent} */ (event).detail);
  });
  client.addEventListener('state', () => {
    if (client !== page.client) return;
    renderColleagues();
    renderGroups(client.groups);
  });
  client.addEventListener('me', (event) => {
    if (client !== page.client) return;
    const { me, previous } = /** @type {CustomEvent} */ (event).detail;
    renderMe(me);
    if (previous) refreshDestinationsSoon();
  });
  client.addEventListener('presence', (event) => {
    if (client !== page.client) return;
    const { colleague, previous } = /** @type {CustomEvent} */ (event).detail;
    if (colleague.userId === page.account?.user.id || !previous) return;
    const before = describe(previous).label;
    const after = describe(colleague).label;
    if (before !== after) announce(t('colleague.nowIs', { name: colleague.name, status: after }));
  });
  client.addEventListener('colleague_added', (event) => {
    if (client !== page.client) return;
    announce(t('colleague.joined', { name: /** @type {CustomEvent} */ (event).detail.colleague.name }));
  });
  client.addEventListener('auth', () => {
    if (client !== page.client) return;
    if (page.account?.user.email) sessionStorage.setItem(EMAIL_KEY, page.account.user.email);
    stop();
    sessionStorage.removeItem(TOKEN_KEY);
    showSignIn(t('signIn.expired'));
  });
  client.addEventListener('error', (event) => {
    if (client !== page.client) return;
    const { code, message, closeCode } = /** @type {CustomEvent} */ (event).detail;
    if (closeCode === 4403) {
      stop();
      sessionStorage.removeItem(TOKEN_KEY);
      showSignIn(t('signIn.removed'));
      return;
    }
    if (code === 'forbidden' && client.device) {
      // The webphone account was refused (e.g. it was unlinked): carry on without it.
      localStorage.removeItem(WEBPHONE_KEY);
      view.useWebphone.checked = false;
      client.setDevice(null);
      client.connect();
      showMessage(view.meError, t('me.webphoneLost', { message }));
      return;
    }
    showMessage(view.meError, message);
  });
}

// --- rendering ------------------------------------------------------------------------------------

/** @param {{ state: string, attempt: number, retryInMs: number | null, reason: string | null }} detail */
function renderConnection(detail) {
  view.connection.dataset.state = detail.state;
  const text = t(`connection.${detail.state}`);
  if (view.connectionText.textContent !== text) view.connectionText.textContent = text;
  view.connection.title = detail.state === 'reconnecting'
    ? t('connection.lost', { reason: detail.reason ? ' (' + detail.reason + ')' : '', attempt: detail.attempt,
      seconds: Math.ceil((detail.retryInMs ?? 0) / 1000) })
    : detail.state === 'open' ? t('connection.live') : '';
  view.reconnect.hidden = detail.state !== 'offline';
  const stale = detail.state === 'reconnecting' || detail.state === 'offline';
  view.colleaguesCard.dataset.stale = String(stale);
  view.staleBanner.hidden = !stale;
  view.staleBanner.textContent = detail.state === 'offline'
    ? t('colleagues.staleOffline')
    : t('colleagues.stale');
  const controlsEnabled = detail.state === 'open';
  view.statusChoice.disabled = !controlsEnabled;
  view.until.disabled = !controlsEnabled || currentStatus() === 'available';
  view.untilClear.disabled = view.until.disabled;
  view.destination.disabled = !controlsEnabled;
  for (const control of [view.note, view.noteUntil, view.noteSave, view.noteClear]) control.disabled = !controlsEnabled;
  if (detail.state === 'open') showMessage(view.meError, null);
}

function currentStatus() {
  const me = page.client?.me;
  if (!me) return page.account?.presence?.userStatus ?? 'available';
  return me.userStatus ?? me.status;
}

/** @param {any} me */
function renderMe(me) {
  if (!me) return;
  view.mePresence.replaceChildren(presencePill(me));
  const status = me.userStatus ?? me.status;
  const until = me.until && new Date(me.until).getTime() > Date.now() ? me.until : null;
  view.meUntilText.textContent = until ? t('me.until', { time: when(until) }) : '';

  for (const input of /** @type {NodeListOf<HTMLInputElement>} */ (view.statusChoice.querySelectorAll('input[name=status]'))) {
    input.checked = input.value === status;
  }
  if (document.activeElement !== view.until) view.until.value = until ? hhmm(new Date(until)) : '';
  view.until.disabled = view.statusChoice.disabled || status === 'available';
  view.untilClear.disabled = view.until.disabled;

  renderMyNote(me);
  renderDestinationOptions(me);
  renderReachability(me.reachability);
  renderWebphone();
}

/** @param {any} me */
function renderDestinationOptions(me) {
  const select = view.destination;
  const selected = me?.destination ? `${me.destination.type}:${me.destination.id}` : '';
  select.replaceChildren();
  select.append(new Option(t('destination.nowhere'), ''));
  if (page.voipAccounts.length) {
    const group = document.createElement('optgroup');
    group.label = t('destination.devices');
    for (const account of page.voipAccounts) {
      const kind = t(`kind.${account.kind}`);
      const connected = account.state?.registered ? '' : t('destination.notConnected');
      const description = account.description ? ` — ${account.description}` : '';
      group.append(new Option(`${kind} ${account.internalNumber}${description}${connected}`, `voip_account:${account.id}`));
    }
    select.append(group);
  }
  if (page.fixedDestinations.length) {
    const group = document.createElement('optgroup');
    group.label = t('destination.forward');
    for (const fixed of page.fixedDestinations) {
      const description = fixed.description ? ` — ${fixed.description}` : '';
      group.append(new Option(`${fixed.number}${description}`, `fixed_destination:${fixed.id}`));
    }
    select.append(group);
  }
  if (selected && !Array.from(select.options).some((o) => o.value === selected)) {
    select.append(new Option(t('destination.gone'), selected));
  }
  select.value = selected;
}

/** @param {import('./presence-client.js').Reachability | null} reachability */
function renderReachability(reachability) {
  if (!reachability) return;
  renderScheduled(reachability.scheduled ?? null);
  // A live region: touch it only when the words change, or screen readers repeat them.
  const signature = JSON.stringify(reachability);
  if (view.reachability.dataset.signature === signature) return;
  view.reachability.dataset.signature = signature;
  const problems = reachability.reasons.filter((r) => r.code !== 'OK');
  let level;
  let title;
  if (!reachability.internal) {
    level = 'blocked';
    title = t('reach.blocked');
  } else if (!reachability.external) {
    level = 'partial';
    title = t('reach.partial');
  } else {
    level = 'ok';
    title = reachability.reasons.some((r) => r.code === 'IN_CALL') ? t('reach.inCall') : t('reach.ok');
  }
  view.reachability.dataset.level = level;
  view.reachabilityTitle.textContent = title;
  const items = (problems.length ? problems : reachability.reasons).map((reason) => {
    const li = document.createElement('li');
    li.textContent = reason.message;
    li.dataset.code = reason.code;
    return li;
  });
  view.reachabilityReasons.replaceChildren(...items);
  // The whole call plan in words: each step, then each fallback that is set.
  view.planWords.replaceChildren(...(reachability.plan ?? []).map((part) => {
    const li = document.createElement('li');
    li.textContent = part.words;
    return li;
  }));
}

/**
 * What is scheduled next, under how colleagues see you: the window ahead ("Scheduled: Do not
 * disturb, Fri 12:00–13:00") or the one that holds now ("Do not disturb until 13:00 (scheduled)");
 * nothing when nothing is scheduled. Plain text: a schedule's note is never markup.
 * @param {{ status: string, note: string | null, from: string, until: string, active: boolean } | null} scheduled
 */
function renderScheduled(scheduled) {
  let text = '';
  const until = scheduled ? new Date(scheduled.until) : null;
  // A window whose end has passed is over, even before the `me` frame saying so arrives.
  if (scheduled && until && until.getTime() > Date.now()) {
    const status = t(`status.${scheduled.status}`);
    if (scheduled.active) {
      text = t('scheduled.active', { status, time: ahead(until) });
    } else {
      const from = new Date(scheduled.from);
      const end = from.toDateString() === until.toDateString() ? timeFormat.format(until) : ahead(until);
      const when = `${ahead(from)}–${end}`;
      text = scheduled.note ? t('scheduled.nextNote', { status, note: scheduled.note, when }) : t('scheduled.next', { status, when });
    }
  }
  // A live region: touch it only when the words change.
  if (view.meScheduled.textContent !== text) view.meScheduled.textContent = text;
  view.meScheduled.hidden = !text;
  view.meScheduled.dataset.active = String(!!text && !!scheduled?.active);
}

/** The org's ring groups: "2 of 5 can take a call". @param {{groupId: string, name: string, internalNumber: string, available: number, members: number}[]} groups */
function renderGroups(groups) {
  view.groupsCard.hidden = groups.length === 0;
  const sorted = [...groups].sort((a, b) => a.name.localeCompare(b.name));
  const signature = JSON.stringify(sorted);
  if (view.groupList.dataset.signature === signature) return;
  view.groupList.dataset.signature = signature;
  view.groupList.replaceChildren(...sorted.map((group) => {
    const li = document.createElement('li');
    li.dataset.groupId = group.groupId;
    li.dataset.available = String(group.available);
    li.textContent = t('group.line', { name: group.name, number: group.internalNumber, available: group.available, members: group.members });
    return li;
  }));
}

function webphoneAccount() {
  return page.voipAccounts.find((a) => a.kind === 'webphone') ?? null;
}

function renderWebphone() {
  const webphone = webphoneAccount();
  view.useWebphone.disabled = !webphone;
  if (!webphone) {
    view.useWebphone.checked = false;
    view.webphoneHint.textContent = t('webphone.none');
    return;
  }
  const client = page.client;
  const active = !!client && client.device === webphone.id;
  view.useWebphone.checked = active;
  const selected = client?.me?.destination?.id === webphone.id;
  view.webphoneHint.textContent = active
    ? t(selected ? 'webphone.connectedRings' : 'webphone.connected', { number: webphone.internalNumber })
    : t('webphone.counts', { number: webphone.internalNumber });
}

/** @param {boolean} fromUser */
function applyWebphonePreference(fromUser) {
  const webphone = webphoneAccount();
  const wanted = fromUser ? view.useWebphone.checked : localStorage.getItem(WEBPHONE_KEY) === 'on';
  if (fromUser) localStorage.setItem(WEBPHONE_KEY, wanted ? 'on' : 'off');
  page.client?.setDevice(wanted && webphone ? webphone.id : null);
  renderWebphone();
}

/** "since 09:12", or that calls are forwarded (colleagues may know that much). @param {any} colleague */
function metaText(colleague) {
  const since = colleague.since ? t('colleague.since', { time: when(colleague.since) }) : '';
  return colleague.reach === 'forwarded' && colleague.availability !== 'offline'
    ? `${t('colleague.forwarded')}${since ? ' · ' + since : ''}` : since;
}

/**
 * @param {HTMLTableRowElement} tr
 * @param {any} colleague
 * @param {string} metaWords
 */
function fillRow(tr, colleague, metaWords) {
  const name = document.createElement('td');
  const person = document.createElement('div');
  person.className = 'person';
  const avatar = document.createElement('span');
  avatar.className = 'avatar';
  avatar.setAttribute('aria-hidden', 'true');
  avatar.textContent = initials(colleague.name);
  const personName = document.createElement('span');
  personName.className = 'person-name';
  personName.textContent = colleague.name;
  person.append(avatar, personName);
  name.append(person);
  const number = document.createElement('td');
  number.className = 'number';
  number.textContent = colleague.internalNumber;
  const status = document.createElement('td');
  const cell = document.createElement('div');
  cell.className = 'status-cell';
  const meta = document.createElement('span');
  meta.className = 'presence-meta';
  meta.textContent = metaWords;
  cell.append(presencePill(colleague), meta, noteElement(colleague.note));
  status.append(cell);
  tr.replaceChildren(name, number, status);
}

function renderColleagues() {
  const client = page.client;
  if (!client) return;
  const self = page.account?.user.id;
  const everyone = client.colleagues.filter((c) => c.userId !== self);
  const query = view.search.value.trim().toLowerCase();
  const onlineOnly = view.onlineOnly.checked;
  const shown = everyone.filter((c) => (!onlineOnly || c.availability !== 'offline')
    && (!query || c.name.toLowerCase().includes(query) || c.internalNumber.includes(query)));
  const { key, direction } = page.sort;
  shown.sort((a, b) => {
    let order = 0;
    if (key === 'number') order = a.internalNumber.localeCompare(b.internalNumber, undefined, { numeric: true });
    if (key === 'status') {
      order = (STATUS_ORDER[/** @type {keyof typeof STATUS_ORDER} */ (a.availability)] ?? 9)
        - (STATUS_ORDER[/** @type {keyof typeof STATUS_ORDER} */ (b.availability)] ?? 9);
    }
    if (order === 0) order = a.name.localeCompare(b.name);
    return order * direction;
  });

  // Rows are kept per colleague and rebuilt only when what they show changed, so a screen
  // reader's place in the table survives a colleague's update.
  const rows = shown.map((colleague) => {
    const meta = metaText(colleague);
    const signature = JSON.stringify([colleague.name, colleague.internalNumber, describe(colleague), meta, colleague.note]);
    let entry = page.rows.get(colleague.userId);
    if (!entry) {
      const tr = document.createElement('tr');
      tr.dataset.userId = colleague.userId;
      entry = { tr, signature: '' };
      page.rows.set(colleague.userId, entry);
    }
    if (entry.signature !== signature) {
      fillRow(entry.tr, colleague, meta);
      entry.signature = signature;
    }
    return entry.tr;
  });
  for (const id of page.rows.keys()) {
    if (!client.colleague(id)) page.rows.delete(id);
  }
  view.rows.replaceChildren(...rows);

  const online = everyone.filter((c) => c.availability !== 'offline').length;
  view.count.textContent = t('colleagues.count', { online, total: everyone.length });
  view.empty.hidden = shown.length > 0;
  view.empty.textContent = everyone.length === 0 ? t('colleagues.none')
    : onlineOnly && !query ? t('colleagues.nobodyOnline') : t('colleagues.noMatch');
}

// --- controls -------------------------------------------------------------------------------------

/**
 * Sends a change; the page shows what the server confirms (the `me` frame), so on failure it
 * re-renders the server's state and says why.
 * @param {import('./presence-client.js').AvailabilityChange} change
 * @param {string} [success] announced once saved
 */
async function change(change, success) {
  const client = page.client;
  if (!client) return;
  showMessage(view.meError, null);
  try {
    await client.setAvailability(change);
    if (success) announce(success);
  } catch (e) {
    const error = /** @type {SwitchboardError} */ (e);
    showMessage(view.meError, t('me.notSaved', { message: error.message }));
    renderMe(client.me);
  }
}

view.statusChoice.addEventListener('change', (event) => {
  const input = /** @type {HTMLInputElement} */ (event.target);
  if (input.name !== 'status') return;
  const status = /** @type {any} */ (input.value);
  const label = t(`status.${status}`);
  if (status === 'available') {
    view.until.value = '';
    change({ status }, t('change.status', { status: label }));
  } else {
    const until = view.until.value ? nextOccurrence(view.until.value) : null;
    change({ status, until }, until ? t('change.statusUntil', { status: label, time: timeFormat.format(until) })
      : t('change.status', { status: label }));
  }
  view.until.disabled = status === 'available';
  view.untilClear.disabled = view.until.disabled;
});

view.until.addEventListener('change', () => {
  const status = currentStatus();
  if (status === 'available') return;
  const until = view.until.value ? nextOccurrence(view.until.value) : null;
  change({ status, until }, until ? t('change.until', { time: timeFormat.format(until) }) : t('change.noUntil'));
});

view.untilClear.addEventListener('click', () => {
  view.until.value = '';
  const status = currentStatus();
  if (status !== 'available') change({ status, until: null }, t('change.noUntil'));
});

view.destination.addEventListener('change', () => {
  const value = view.destination.value;
  const [type, id] = value.split(':');
  const destination = value ? { type: /** @type {any} */ (type), id } : null;
  const label = view.destination.selectedOptions[0]?.textContent ?? '';
  change({ destination }, value ? t('change.destination', { label }) : t('change.noDestination'));
});

// --- status note: a line of plain text beside the status, always rendered as text ----------------

/** A colleague's note as an element (textContent only: a note is never markup). @param {string | null} note */
function noteElement(note) {
  const element = document.createElement('span');
  element.className = 'presence-note';
  element.textContent = note ?? '';
  return element;
}

/** Your own note, beside how colleagues see you, and in the note field unless you are typing. @param {any} me */
function renderMyNote(me) {
  const until = me.noteUntil ? t('note.until', { time: when(me.noteUntil) }) : '';
  view.meNote.textContent = me.note ? `“${me.note}”${until}` : '';
  if (document.activeElement !== view.note) view.note.value = me.note ?? '';
  if (document.activeElement !== view.noteUntil) view.noteUntil.value = me.noteUntil ? hhmm(new Date(me.noteUntil)) : '';
}

function saveNote() {
  const note = view.note.value.trim();
  if (!note) {
    clearNote();
    return;
  }
  const noteUntil = view.noteUntil.value ? nextOccurrence(view.noteUntil.value) : null;
  change({ note, noteUntil }, noteUntil ? t('change.noteUntil', { note, time: timeFormat.format(noteUntil) }) : t('change.note', { note }));
}

function clearNote() {
  view.note.value = '';
  view.noteUntil.value = '';
  change({ note: null }, t('change.noteCleared'));
}

view.noteSave.addEventListener('click', saveNote);
view.noteClear.addEventListener('click', clearNote);
view.note.addEventListener('keydown', (event) => {
  if (event.key === 'Enter') saveNote();
});

// At phone width the controls fold away behind a button; on wider screens they are always shown.
view.meToggle.addEventListener('click', () => {
  const open = view.meToggle.getAttribute('aria-expanded') !== 'true';
  view.meToggle.setAttribute('aria-expanded', String(open));
  view.meCard.dataset.open = String(open);
  view.meToggle.textContent = open ? t('me.done') : t('me.toggle');
  if (open) /** @type {HTMLInputElement} */ (view.statusChoice.querySelector('input:checked') ?? view.statusChoice.querySelector('input'))?.focus();
});

view.useWebphone.addEventListener('change', () => applyWebphonePreference(true));

view.search.addEventListener('input', renderColleagues);
view.onlineOnly.addEventListener('change', renderColleagues);

for (const button of /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll('button.sort'))) {
  button.addEventListener('click', () => {
    const key = /** @type {string} */ (button.dataset.sort);
    page.sort = page.sort.key === key ? { key, direction: -page.sort.direction } : { key, direction: 1 };
    for (const th of document.querySelectorAll('th[aria-sort]')) {
      const isKey = th.querySelector('button')?.dataset.sort === key;
      th.setAttribute('aria-sort', isKey ? (page.sort.direction === 1 ? 'ascending' : 'descending') : 'none');
    }
    renderColleagues();
  });
}

// "since 09:12" and timed statuses age: re-render once a minute.
setInterval(() => {
  if (!page.client) return;
  renderColleagues();
  renderMe(page.client.me);
}, 60_000);

// --- boot -----------------------------------------------------------------------------------------

(async function boot() {
  translate();
  const languages = /** @type {HTMLSelectElement} */ ($('language'));
  languages.value = language();
  languages.addEventListener('change', () => choose(languages.value));
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) {
    const client = newClient(token);
    const exp = client.claims?.exp ?? 0;
    if (exp * 1000 > Date.now() + 5_000) {
      try {
        await start(client);
        return;
      } catch (e) {
        stop();
        sessionStorage.removeItem(TOKEN_KEY);
      }
    } else {
      sessionStorage.removeItem(TOKEN_KEY);
    }
  }
  showSignIn(null);
})();
