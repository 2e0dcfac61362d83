// @ts-check
/**
 * Switchboard presence client: a small, dependency-free ES module for browsers (and anything with
 * `fetch`, `WebSocket` and `EventTarget`). It signs in, opens the presence socket with a
 * single-use ticket, keeps an up-to-date picture of the organization (snapshot + ordered diffs),
 * resumes after drops without losing events, and lets the user change their availability.
 *
 * Served by Switchboard at `/js/presence-client.js`; see docs/webphone-page.md for the guide.
 *
 * @example
 *   import { PresenceClient } from '/js/presence-client.js';
 *   const client = new PresenceClient();
 *   await client.login('anna@acme.test', 'switchboard');
 *   client.addEventListener('state', () => render(client.colleagues));
 *   client.addEventListener('connection', (e) => showConnection(e.detail.state));
 *   client.connect();
 *   await client.setAvailability({ status: 'do_not_disturb', until: new Date(Date.now() + 3600e3) });
 *
 * @module presence-client
 */

/**
 * @typedef {'available' | 'available_for_colleagues' | 'do_not_disturb' | 'offline'} UserStatus
 *   What a user chose.
 * @typedef {'available' | 'available_for_colleagues' | 'do_not_disturb' | 'busy' | 'offline'} Availability
 *   What colleagues see (derived: green only when a call would ring now).
 * @typedef {{ type: 'voip_account' | 'fixed_destination', id: string }} Destination
 * @typedef {{ code: string, message: string }} Reason
 * @typedef {{ scheduleId: string, status: UserStatus, note: string | null, from: string, until: string,
 *   active: boolean }} Scheduled
 *   The scheduled window that holds now (`active`) or starts next; `from`/`until` are instants.
 * @typedef {{ internal: boolean, external: boolean, reasons: Reason[], plan?: { words: string }[],
 *   scheduled?: Scheduled | null }} Reachability
 * @typedef {{
 *   userId: string, name: string, internalNumber: string, availability: Availability,
 *   userStatus: UserStatus, context: Array<'ringing' | 'in_call'>, reach: 'rings' | 'forwarded' | 'unreachable',
 *   since: string, note: string | null
 * }} Presence
 *   What colleagues see of a user.
 * @typedef {Presence & {
 *   status: UserStatus, destination: Destination | null, until: string | null, noteUntil: string | null,
 *   reachability: Reachability
 * }} Self
 *   What the signed-in user sees of themselves.
 * @typedef {'idle' | 'connecting' | 'open' | 'reconnecting' | 'offline'} ConnectionState
 *   `connecting`: first attempt; `open`: live (snapshot or resume received); `reconnecting`: the
 *   connection dropped and the client is retrying; `offline`: stopped (signed out, disconnected,
 *   token expired without a way to renew it, user deleted, refused by policy).
 * @typedef {{
 *   state: ConnectionState, attempt: number, retryInMs: number | null, code: number | null,
 *   reason: string | null
 * }} ConnectionDetail
 * @typedef {{ status?: UserStatus, destination?: Destination | null, until?: Date | string | null,
 *   note?: string | null, noteUntil?: Date | string | null }} AvailabilityChange
 *   Absent fields stay as they are; `destination: null` clears the destination, `note: null` the note.
 */

/**
 * @typedef {object} PresenceClientOptions
 * @property {string} [baseUrl] where Switchboard runs, e.g. `https://switchboard.example.com`;
 *   default: the page's own origin.
 * @property {string | null} [token] an access token (JWT) obtained elsewhere; or call {@link PresenceClient#login}.
 * @property {string | null} [device] a webphone or app VoIP account id of the user: while connected,
 *   this client counts as that device being registered (the page *is* the user's webphone).
 * @property {() => Promise<string | null>} [reauthenticate] called when the token expired (close
 *   code 4401, or a 401 on the ticket request); answer a fresh token to carry on, or null to stop.
 *   Without it, credentials remembered by `login(…, { remember: true })` are used; failing that the
 *   client goes `offline` and fires `auth`.
 * @property {string | null} [language] `en` or `nl`: the language of the service's sentences (reasons,
 *   plan words, history), sent as Accept-Language and as the socket's `lang`; default: the browser's.
 * @property {number} [pingIntervalMs] heartbeat period (default 20 000).
 * @property {number} [pingTimeoutMs] a ping not answered within this forces a reconnect (default 8 000).
 * @property {number} [commandTimeoutMs] `setAvailability` rejects if not acknowledged in time (default 10 000).
 * @property {number} [backoffInitialMs] first retry delay before jitter (default 500).
 * @property {number} [backoffMaxMs] retry delay cap before jitter (default 30 000).
 * @property {typeof fetch} [fetch] for tests or non-browser runtimes.
 * @property {typeof WebSocket} [WebSocket] for tests or non-browser runtimes.
 */

/** Close codes of the presence protocol (docs/api.md, "Presence WebSocket"; docs/presence-protocol.md). */
export const CloseCodes = Object.freeze({
  NORMAL: 1000,
  GOING_AWAY: 1001,
  POLICY: 1008,
  TOO_LARGE: 1009,
  TOKEN_EXPIRED: 4401,
  FORBIDDEN: 4403,
  /** Used by this client when it drops a connection itself (gap, heartbeat, device change). */
  CLIENT_RESYNC: 4000,
});

/** An error answered by the server: an HTTP problem (RFC 9457) or a socket `error` frame. */
export class SwitchboardError extends Error {
  /**
   * @param {string} message
   * @param {{ code?: string, status?: number, problem?: any }} [info]
   */
  constructor(message, info = {}) {
    super(message);
    this.name = 'SwitchboardError';
    /** Socket error code (`validation`, `forbidden`, `not_found`, `rate_limited`, …) or a client code
     * (`not_connected`, `disconnected`, `timeout`, `unauthorized`, `network`). */
    this.code = info.code ?? null;
    /** HTTP status, for REST errors. */
    this.status = info.status ?? null;
    /** The problem+json body, for REST errors. */
    this.problem = info.problem ?? null;
  }
}

// Every org event carries the next seq; an org event type this client does not know yet still
// counts (a frame with a seq other than the two first frames), so an addition is never a "gap".
const SEQ_FRAMES = new Set(['presence', 'colleague_added', 'colleague_removed', 'group', 'group_removed']);

/** @param {any} frame */
function isOrgEvent(frame) {
  return SEQ_FRAMES.has(frame.type) || (typeof frame.seq === 'number' && frame.type !== 'snapshot' && frame.type !== 'resumed');
}

/**
 * The client. Fires (all `CustomEvent`s, read `event.detail`):
 * - `connection` — {@link ConnectionDetail}, whenever the connection state changes (and on each retry);
 * - `state` — `{ reason: 'snapshot' | 'resumed' | 'presence' | 'colleague_added' | 'colleague_removed' | 'me', seq }`
 *   after the picture changed; read {@link PresenceClient#colleagues} / {@link PresenceClient#me};
 * - `presence` — `{ colleague: Presence, previous: Presence | null }` for one colleague's change (live diffs only);
 * - `colleague_added` — `{ colleague }`, `colleague_removed` — `{ userId, previous }`;
 * - `me` — `{ me: Self, previous: Self | null }` when the user's own view changed (from any device);
 * - `watch_fired` — `{ userId }`;
 * - `auth` — `{ reason }`: the token expired or was refused and could not be renewed: sign in again;
 * - `error` — `{ code, message, closeCode? }`: a problem worth telling the user (a refused device,
 *   too many connections, the account was deleted, an unmatched error frame).
 */
export class PresenceClient extends EventTarget {
  /** @param {PresenceClientOptions} [options] */
  constructor(options = {}) {
    super();
    const origin = typeof location !== 'undefined' ? location.origin : '';
    /** @private */ this._base = (options.baseUrl ?? origin).replace(/\/+$/, '');
    /** @private */ this._token = options.token ?? null;
    /** @private */ this._device = options.device ?? null;
    /** @private The language of the service's sentences (Accept-Language, the socket's `lang`); null: the browser's. */
    this._language = options.language ?? null;
    /** @private */ this._reauthenticate = options.reauthenticate ?? null;
    /** @private */ this._pingIntervalMs = options.pingIntervalMs ?? 20_000;
    /** @private */ this._pingTimeoutMs = options.pingTimeoutMs ?? 8_000;
    /** @private */ this._commandTimeoutMs = options.commandTimeoutMs ?? 10_000;
    /** @private */ this._backoffInitialMs = options.backoffInitialMs ?? 500;
    /** @private */ this._backoffMaxMs = options.backoffMaxMs ?? 30_000;
    /** @private */ this._fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    /** @private */ this._WebSocket = options.WebSocket ?? globalThis.WebSocket;

    /** @private @type {{ email: string, password: string } | null} */ this._credentials = null;
    /** @private @type {WebSocket | null} */ this._socket = null;
    /** @private */ this._wanted = false;
    /** @private */ this._attempt = 0;
    /** @private Bumped whenever the current attempt is abandoned, so a stale attempt stops at its next step. */
    this._generation = 0;
    /** @private @type {any} */ this._retryTimer = null;
    /** @private @type {any} */ this._pingTimer = null;
    /** @private @type {any} */ this._pongTimer = null;
    /** @private */ this._commandCounter = 0;
    /** @private @type {Map<string, { resolve: (v: void) => void, reject: (e: Error) => void, timer: any }>} */
    this._pending = new Map();
    /** @private @type {ConnectionDetail} */
    this._connection = { state: 'idle', attempt: 0, retryInMs: null, code: null, reason: null };

    /** @private @type {number | null} */ this._seq = null;
    /** @private @type {Map<string, Presence>} */ this._colleagues = new Map();
    /** @private @type {Map<string, any>} ring groups: {groupId, name, internalNumber, available, members} */ this._groups = new Map();
    /** @private @type {Self | null} */ this._me = null;

    /** @private */
    this._onOnline = () => {
      if (this._wanted && this._connection.state === 'reconnecting' && this._retryTimer) {
        clearTimeout(this._retryTimer);
        this._retryTimer = null;
        this._open();
      }
    };
    if (typeof window !== 'undefined' && window.addEventListener) {
      window.addEventListener('online', this._onOnline);
    }
  }

  // --- authentication -------------------------------------------------------------------------

  /**
   * Signs in with email and password (`POST /api/auth/token`) and keeps the token.
   * With `remember: true` the credentials stay in this object's memory (never in storage) so an
   * expired token is renewed without asking the user.
   * @param {string} email
   * @param {string} password
   * @param {{ remember?: boolean }} [options]
   * @returns {Promise<{ accessToken: string, expiresIn: number }>}
   */
  async login(email, password, options = {}) {
    const answer = await this.request('POST', '/api/auth/token', { email, password }, { auth: false });
    this._token = answer.accessToken;
    this._credentials = options.remember ? { email, password } : null;
    return answer;
  }

  /** The current access token, or null. */
  get token() {
    return this._token;
  }

  /** Replaces the access token (e.g. one your app renewed); the open socket is left as it is. */
  setToken(/** @type {string | null} */ token) {
    this._token = token;
  }

  /**
   * The claims of the current token (decoded, not verified — for display only).
   * @returns {{ sub?: string, org?: string, upn?: string, exp?: number, groups?: string[] } | null}
   */
  get claims() {
    if (!this._token) return null;
    try {
      const part = this._token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      const json = decodeURIComponent(Array.from(atob(part), (c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0')).join(''));
      return JSON.parse(json);
    } catch {
      return null;
    }
  }

  // --- REST -----------------------------------------------------------------------------------

  /**
   * Calls the REST API with the bearer token. Answers the parsed JSON (or null for an empty body);
   * rejects with a {@link SwitchboardError} carrying the problem+json of a failed call.
   * @param {'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'} method
   * @param {string} path e.g. `/api/me`
   * @param {any} [body]
   * @param {{ auth?: boolean }} [options]
   * @returns {Promise<any>}
   */
  async request(method, path, body, options = {}) {
    /** @type {Record<string, string>} */
    /** @type {Record<string, string>} */
    const headers = { Accept: 'application/json' };
    if (this._language) headers['Accept-Language'] = this._language;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (options.auth !== false) {
      if (!this._token) throw new SwitchboardError('Not signed in.', { code: 'unauthorized', status: 401 });
      headers.Authorization = 'Bearer ' + this._token;
    }
    let response;
    try {
      response = await this._fetch(this._base + path, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store',
      });
    } catch (e) {
      throw new SwitchboardError('Switchboard cannot be reached.', { code: 'network' });
    }
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (!response.ok) {
      const detail = json?.errors?.length ? json.errors.map((/** @type {any} */ e) => `${e.field} ${e.message}`).join('; ')
        : json?.detail || json?.title || `HTTP ${response.status}`;
      const code = response.status === 401 ? 'unauthorized' : response.status === 429 ? 'rate_limited' : 'http';
      throw new SwitchboardError(detail, { code, status: response.status, problem: json });
    }
    return json;
  }

  /** `GET /api/me`: own user, organization, role, availability, reachability and presence. */
  getMe() {
    return this.request('GET', '/api/me');
  }

  /**
   * The user's own VoIP accounts (a plain user sees only their own).
   * @param {string} orgId
   * @returns {Promise<any[]>}
   */
  async listVoipAccounts(orgId) {
    const page = await this.request('GET', `/api/orgs/${encodeURIComponent(orgId)}/voip-accounts?size=200`);
    return page.items;
  }

  /**
   * A user's fixed destinations (external numbers).
   * @param {string} orgId
   * @param {string} userId
   * @returns {Promise<any[]>}
   */
  async listFixedDestinations(orgId, userId) {
    const page = await this.request('GET',
      `/api/orgs/${encodeURIComponent(orgId)}/users/${encodeURIComponent(userId)}/fixed-destinations`);
    return page.items;
  }

  // --- the picture ----------------------------------------------------------------------------

  /** Everyone in the organization (the signed-in user included), as colleagues see them. */
  get colleagues() {
    return Array.from(this._colleagues.values());
  }

  /** The organization's ring groups with how many members can take a call now. */
  get groups() {
    return Array.from(this._groups.values());
  }

  /** @param {string} userId */
  colleague(userId) {
    return this._colleagues.get(userId) ?? null;
  }

  /** The signed-in user's own view (status, destination, until, reachability), or null before the first snapshot. */
  get me() {
    return this._me;
  }

  /** The last organization event seq applied (what a resume asks for). */
  get seq() {
    return this._seq;
  }

  /** @returns {ConnectionDetail} */
  get connection() {
    return { ...this._connection };
  }

  /** The webphone/app account this client stands for, or null. */
  get device() {
    return this._device;
  }

  // --- connecting -----------------------------------------------------------------------------

  /** Opens the presence socket and keeps it open (reconnecting as needed) until {@link disconnect}. */
  connect() {
    if (this._wanted) return;
    this._wanted = true;
    this._attempt = 0;
    this._setConnection({ state: 'connecting', attempt: 0, retryInMs: null, code: null, reason: null });
    this._open();
  }

  /**
   * Closes the socket and stops reconnecting. The picture stays readable. A webphone `device`
   * stops counting as registered after the server's grace period.
   */
  disconnect() {
    this._stop('disconnected', CloseCodes.NORMAL);
  }

  /**
   * Switches which webphone/app account this client stands for (null: none). When connected, the
   * socket is reopened at once with `device=…` and resumes where it was.
   * @param {string | null} device
   */
  setDevice(device) {
    if ((device ?? null) === this._device) return;
    this._device = device ?? null;
    if (this._wanted) this._drop('device changed', 0);
  }

  /**
   * Changes the user's availability over the socket. Resolves once the server committed it
   * (`ack`), rejects with a {@link SwitchboardError} on an `error` frame, when not connected,
   * when the connection drops before the answer, or after `commandTimeoutMs`.
   * @param {AvailabilityChange} change
   * @returns {Promise<void>}
   */
  setAvailability(change) {
    /** @type {Record<string, any>} */
    const frame = { type: 'set_availability', id: 'c' + (++this._commandCounter) + '-' + Date.now().toString(36) };
    if (change.status !== undefined) frame.status = change.status;
    if ('destination' in change && change.destination !== undefined) frame.destination = change.destination;
    for (const key of /** @type {const} */ (['until', 'noteUntil'])) {
      const time = change[key];
      if (time !== undefined) frame[key] = time instanceof Date ? time.toISOString() : time;
    }
    if (change.note !== undefined) frame.note = change.note;
    return new Promise((resolve, reject) => {
      const socket = this._socket;
      if (!socket || socket.readyState !== 1 || this._connection.state !== 'open') {
        reject(new SwitchboardError('Not connected: the change was not sent.', { code: 'not_connected' }));
        return;
      }
      const timer = setTimeout(() => {
        this._pending.delete(frame.id);
        reject(new SwitchboardError('No answer from Switchboard in time.', { code: 'timeout' }));
      }, this._commandTimeoutMs);
      this._pending.set(frame.id, { resolve, reject, timer });
      socket.send(JSON.stringify(frame));
    });
  }

  /** @private */
  async _open() {
    this._retryTimer = null;
    if (!this._wanted) return;
    const generation = this._generation;
    let ticket;
    try {
      ticket = await this._ticket();
    } catch (e) {
      if (!this._wanted || generation !== this._generation) return;
      const error = /** @type {SwitchboardError} */ (e);
      if (error.status === 401) {
        await this._renewToken('token refused');
      } else if (error.status === 403) {
        this._report('forbidden', error.message);
        this._stop('forbidden', null);
      } else {
        this._scheduleRetry(null, error.message);
      }
      return;
    }
    // Dropped, stopped or superseded (e.g. setDevice) while the ticket was on its way: a second
    // socket would leak, holding a connection slot and perhaps a device lease.
    if (!this._wanted || generation !== this._generation) return;
    const params = new URLSearchParams({ ticket });
    if (this._device) params.set('device', this._device);
    if (this._language) params.set('lang', this._language);
    if (this._seq !== null) params.set('since', String(this._seq));
    const url = this._base.replace(/^http/, 'ws') + '/ws/presence?' + params;
    const wsBase = url.startsWith('ws') ? url : (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + url;
    let socket;
    try {
      socket = new this._WebSocket(wsBase);
    } catch (e) {
      this._scheduleRetry(null, 'could not open the socket');
      return;
    }
    this._socket = socket;
    /** @type {{ code: string, message: string } | null} */
    let lastError = null;
    socket.onmessage = (event) => {
      if (this._socket !== socket) return;
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      if (frame.type === 'error' && !frame.id) lastError = frame;
      this._onFrame(frame);
    };
    socket.onclose = (event) => {
      if (this._socket !== socket) return; // a socket this client already let go of
      this._socket = null;
      this._onClose(event.code, event.reason, lastError);
    };
    socket.onerror = () => { /* a close event follows */ };
  }

  /** @private */
  async _ticket() {
    const answer = await this.request('POST', '/api/ws-tickets');
    return answer.ticket;
  }

  /**
   * @private
   * @param {number} code
   * @param {string} reason
   * @param {{ code: string, message: string } | null} lastError
   */
  _onClose(code, reason, lastError) {
    this._stopHeartbeat();
    this._failPending('disconnected', 'The connection dropped before Switchboard answered; the change may or may not have been saved.');
    if (!this._wanted) return;
    switch (code) {
      case CloseCodes.TOKEN_EXPIRED:
        this._renewToken('token expired');
        return;
      case CloseCodes.FORBIDDEN:
        this._report('account_removed', reason || 'Your account or organization no longer exists.', code);
        this._stop('forbidden', null);
        return;
      case CloseCodes.POLICY:
        this._report(lastError?.code ?? 'policy', lastError?.message ?? (reason || 'Switchboard refused the connection.'), code);
        this._stop('policy', null);
        return;
      default:
        // 1001 (server going away), 1006 (network, refused upgrade), 1011, 1009, …: try again.
        this._scheduleRetry(code, reason || null);
    }
  }

  /** @private @param {string} why */
  async _renewToken(why) {
    let token = null;
    try {
      if (this._reauthenticate) {
        token = await this._reauthenticate();
      } else if (this._credentials) {
        token = (await this.request('POST', '/api/auth/token', this._credentials, { auth: false })).accessToken;
      }
    } catch (e) {
      const error = /** @type {SwitchboardError} */ (e);
      if (error.code === 'network' || error.code === 'rate_limited' || (error.status ?? 0) >= 500) {
        // The server is not answering (yet): keep trying; the credentials may still be good.
        this._scheduleRetry(CloseCodes.TOKEN_EXPIRED, why);
        return;
      }
      token = null;
    }
    if (!this._wanted) return;
    if (token) {
      this._token = token;
      this._scheduleRetry(CloseCodes.TOKEN_EXPIRED, why, 0);
      return;
    }
    this._token = null;
    this._credentials = null;
    this._stop('auth', null);
    this._emit('auth', { reason: why });
  }

  /**
   * @private
   * @param {number | null} code
   * @param {string | null} reason
   * @param {number} [delayMs] default: jittered exponential backoff
   */
  _scheduleRetry(code, reason, delayMs) {
    if (!this._wanted) return;
    this._generation++;
    const attempt = ++this._attempt;
    const cap = Math.min(this._backoffMaxMs, this._backoffInitialMs * 2 ** Math.min(attempt - 1, 16));
    // "Equal jitter": half fixed, half random, so clients of a restarting server spread out.
    const delay = delayMs ?? Math.round(cap / 2 + Math.random() * (cap / 2));
    clearTimeout(this._retryTimer);
    this._retryTimer = setTimeout(() => this._open(), delay);
    this._setConnection({ state: 'reconnecting', attempt, retryInMs: delay, code, reason });
  }

  /**
   * Lets go of the current socket at once (without waiting for a closing handshake that may never
   * come) and reconnects with a resume.
   * @private
   * @param {string} why
   * @param {number} [delayMs]
   */
  _drop(why, delayMs) {
    const socket = this._socket;
    this._socket = null;
    this._stopHeartbeat();
    this._failPending('disconnected', 'The connection was reset before Switchboard answered; the change may or may not have been saved.');
    if (socket) {
      try {
        socket.close(CloseCodes.CLIENT_RESYNC, why.slice(0, 100));
      } catch { /* already closed */ }
    }
    this._scheduleRetry(null, why, delayMs);
  }

  /**
   * @private
   * @param {string} reason
   * @param {number | null} closeCode
   */
  _stop(reason, closeCode) {
    this._wanted = false;
    this._generation++;
    clearTimeout(this._retryTimer);
    this._retryTimer = null;
    this._stopHeartbeat();
    const socket = this._socket;
    this._socket = null;
    if (socket && closeCode) {
      try {
        socket.close(closeCode, reason);
      } catch { /* already closed */ }
    }
    this._failPending('disconnected', 'Disconnected before Switchboard answered.');
    this._setConnection({ state: 'offline', attempt: this._attempt, retryInMs: null, code: null, reason });
  }

  // --- frames ---------------------------------------------------------------------------------

  /** @private @param {any} frame */
  _onFrame(frame) {
    this._heard();
    if (isOrgEvent(frame)) {
      if (this._seq !== null && frame.seq <= this._seq) return; // already applied
      if (this._seq === null || frame.seq !== this._seq + 1) {
        // Something was missed: reconnect and let the server replay from the last seq applied.
        this._drop(`gap: expected seq ${this._seq === null ? '?' : this._seq + 1}, got ${frame.seq}`, 0);
        return;
      }
      this._seq = frame.seq;
    }
    switch (frame.type) {
      case 'snapshot': {
        this._seq = frame.seq;
        this._colleagues = new Map(frame.colleagues.map((/** @type {Presence} */ c) => [c.userId, c]));
        this._groups = new Map((frame.groups ?? []).map((/** @type {any} */ g) => [g.groupId, g]));
        const previous = this._me;
        this._me = frame.me;
        this._live();
        this._emit('state', { reason: 'snapshot', seq: this._seq });
        this._emit('me', { me: this._me, previous });
        break;
      }
      case 'resumed':
        this._seq = frame.seq;
        this._live();
        this._emit('state', { reason: 'resumed', seq: this._seq });
        break;
      case 'presence': {
        const previous = this._colleagues.get(frame.colleague.userId) ?? null;
        this._colleagues.set(frame.colleague.userId, frame.colleague);
        this._emit('presence', { colleague: frame.colleague, previous });
        this._emit('state', { reason: 'presence', seq: this._seq });
        break;
      }
      case 'colleague_added':
        this._colleagues.set(frame.colleague.userId, frame.colleague);
        this._emit('colleague_added', { colleague: frame.colleague });
        this._emit('state', { reason: 'colleague_added', seq: this._seq });
        break;
      case 'colleague_removed': {
        const previous = this._colleagues.get(frame.userId) ?? null;
        this._colleagues.delete(frame.userId);
        this._emit('colleague_removed', { userId: frame.userId, previous });
        this._emit('state', { reason: 'colleague_removed', seq: this._seq });
        break;
      }
      case 'group':
        this._groups.set(frame.group.groupId, frame.group);
        this._emit('group', { group: frame.group });
        this._emit('state', { reason: 'group', seq: this._seq });
        break;
      case 'group_removed':
        this._groups.delete(frame.groupId);
        this._emit('group_removed', { groupId: frame.groupId });
        this._emit('state', { reason: 'group_removed', seq: this._seq });
        break;
      case 'me': {
        const previous = this._me;
        this._me = frame.me;
        this._emit('me', { me: this._me, previous });
        this._emit('state', { reason: 'me', seq: this._seq });
        break;
      }
      case 'watch_fired':
        this._emit('watch_fired', { userId: frame.userId });
        break;
      case 'ack': {
        const pending = this._pending.get(frame.id);
        if (pending) {
          this._pending.delete(frame.id);
          clearTimeout(pending.timer);
          pending.resolve();
        }
        break;
      }
      case 'error': {
        const pending = frame.id ? this._pending.get(frame.id) : null;
        if (pending) {
          this._pending.delete(frame.id);
          clearTimeout(pending.timer);
          pending.reject(new SwitchboardError(frame.message, { code: frame.code }));
        } else {
          this._report(frame.code, frame.message);
        }
        break;
      }
      case 'pong':
      default:
        break; // unknown frame types are additions: ignore them
    }
  }

  /** @private The first frame arrived: the connection is live. */
  _live() {
    this._attempt = 0;
    this._startHeartbeat();
    if (this._connection.state !== 'open') {
      this._setConnection({ state: 'open', attempt: 0, retryInMs: null, code: null, reason: null });
    }
  }

  // --- heartbeat ------------------------------------------------------------------------------

  /** @private */
  _startHeartbeat() {
    this._stopHeartbeat();
    this._pingTimer = setInterval(() => {
      const socket = this._socket;
      if (!socket || socket.readyState !== 1) return;
      // Armed before sending: any frame that arrives from now on (the pong included) disarms it.
      if (!this._pongTimer) {
        this._pongTimer = setTimeout(() => {
          this._pongTimer = null;
          this._drop('no answer to ping');
        }, this._pingTimeoutMs);
      }
      try {
        socket.send('{"type":"ping"}');
      } catch {
        // a socket that cannot send is dead: the armed timer replaces it
      }
    }, this._pingIntervalMs);
  }

  /** @private Any frame proves the connection is alive. */
  _heard() {
    if (this._pongTimer) {
      clearTimeout(this._pongTimer);
      this._pongTimer = null;
    }
  }

  /** @private */
  _stopHeartbeat() {
    clearInterval(this._pingTimer);
    clearTimeout(this._pongTimer);
    this._pingTimer = null;
    this._pongTimer = null;
  }

  // --- helpers --------------------------------------------------------------------------------

  /**
   * @private
   * @param {string} code
   * @param {string} message
   */
  _failPending(code, message) {
    for (const [id, pending] of this._pending) {
      clearTimeout(pending.timer);
      pending.reject(new SwitchboardError(message, { code }));
      this._pending.delete(id);
    }
  }

  /**
   * @private
   * @param {string} code
   * @param {string} message
   * @param {number} [closeCode]
   */
  _report(code, message, closeCode) {
    this._emit('error', { code, message, closeCode: closeCode ?? null });
  }

  /** @private @param {ConnectionDetail} detail */
  _setConnection(detail) {
    this._connection = detail;
    this._emit('connection', { ...detail });
  }

  /**
   * @private
   * @param {string} type
   * @param {any} detail
   */
  _emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

/** Human labels for the wire values, for UIs that want the same words as Switchboard's page. */
export const Labels = Object.freeze({
  status: Object.freeze({
    available: 'Available',
    available_for_colleagues: 'Colleagues only',
    do_not_disturb: 'Do not disturb',
    offline: 'Offline',
  }),
  availability: Object.freeze({
    available: 'Available',
    available_for_colleagues: 'Colleagues only',
    do_not_disturb: 'Do not disturb',
    busy: 'Busy',
    offline: 'Offline',
  }),
  context: Object.freeze({ ringing: 'ringing', in_call: 'in a call' }),
  kind: Object.freeze({ desk_phone: 'Desk phone', webphone: 'Webphone', app: 'App', softphone: 'Softphone' }),
});
