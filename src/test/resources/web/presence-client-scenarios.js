// Runs inside the browser (WebDriver executeAsyncScript) on a Switchboard page: imports the real
// /js/presence-client.js and drives it against a scripted fake server (fake WebSocket and fetch),
// so that protocol situations a live server rarely produces on demand — a seq gap, a dead
// connection, each close code — are exercised exactly. Answers a JSON-able report.
const done = arguments[arguments.length - 1];
(async () => {
  const { PresenceClient } = await import('/js/presence-client.js');
  const report = {};
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const waitFor = async (what, predicate, ms = 5000) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const value = predicate();
      if (value) return value;
      await sleep(5);
    }
    throw new Error('timed out waiting for ' + what);
  };

  const me = {
    userId: 'u-me', name: 'Me', internalNumber: '100', availability: 'offline', userStatus: 'available',
    context: [], reach: 'unreachable', since: '2025-01-01T00:00:00Z', status: 'available', destination: null,
    until: null, reachability: { internal: false, external: false, reasons: [{ code: 'NO_DESTINATION', message: 'none' }] },
  };
  const bob = (availability) => ({
    userId: 'u-bob', name: 'Bob', internalNumber: '101', availability, userStatus: 'available', context: [],
    reach: 'rings', since: '2025-01-01T00:00:00Z',
  });
  const snapshot = (seq) => ({ type: 'snapshot', seq, me, colleagues: [me, bob('available')] });
  const query = (socket) => Object.fromEntries(new URL(socket.url).searchParams);

  /** A client wired to a fake server; `ticketStatus` lets a scenario refuse ticket requests. */
  function harness(options = {}, server = {}) {
    const sockets = [];
    const fetches = [];
    let tickets = 0;
    let logins = 0;
    class FakeSocket {
      constructor(url) {
        this.url = url;
        this.readyState = 1;
        this.sent = [];
        this.closedWith = null;
        sockets.push(this);
      }
      send(text) { this.sent.push(JSON.parse(text)); if (server.onSend) server.onSend(this, JSON.parse(text)); }
      close(code) { this.readyState = 3; this.closedWith = code ?? 1005; }
      frame(object) { this.onmessage({ data: JSON.stringify(object) }); }
      drop(code, reason = '') { this.readyState = 3; this.onclose({ code, reason }); }
    }
    const fetch = async (url, init) => {
      const path = new URL(url).pathname;
      fetches.push({ path, authorization: init.headers.Authorization ?? null });
      const json = (status, body) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
      if (path === '/api/ws-tickets') {
        if (server.ticketDelayMs) await sleep(server.ticketDelayMs);
        const status = server.ticketStatus ? server.ticketStatus() : 200;
        return status === 200 ? json(200, { ticket: 'ticket-' + (++tickets), expiresIn: 30 })
          : json(status, { title: 'refused', status, detail: 'refused by the fake server' });
      }
      if (path === '/api/auth/token') return json(200, { accessToken: 'relogin-' + (++logins), tokenType: 'Bearer', expiresIn: 3600 });
      return json(404, { title: 'Not Found', status: 404 });
    };
    const client = new PresenceClient({
      baseUrl: 'http://switchboard.test', token: 'token-0', fetch, WebSocket: FakeSocket,
      backoffInitialMs: 20, backoffMaxMs: 160, pingIntervalMs: 60_000, pingTimeoutMs: 100, commandTimeoutMs: 300,
      ...options,
    });
    const events = [];
    for (const type of ['connection', 'state', 'me', 'presence', 'error', 'auth']) {
      client.addEventListener(type, (event) => events.push({ type, detail: event.detail }));
    }
    const connections = () => events.filter((e) => e.type === 'connection').map((e) => e.detail);
    return { client, sockets, fetches, events, connections, last: () => sockets[sockets.length - 1] };
  }

  async function opened(h, count, seq) {
    await waitFor(`socket #${count}`, () => h.sockets.length === count);
    if (seq !== undefined) h.last().frame(snapshot(seq));
    return h.last();
  }

  // --- snapshot, ordered diffs, duplicate, gap → reconnect with since ---------------------------
  {
    const h = harness();
    h.client.connect();
    const first = await opened(h, 1);
    const gap = {};
    gap.firstQuery = query(first);
    gap.stateBeforeSnapshot = h.client.connection.state;
    first.frame(snapshot(10));
    gap.stateAfterSnapshot = h.client.connection.state;
    first.frame({ type: 'presence', seq: 11, colleague: bob('do_not_disturb') });
    gap.afterDiff = [h.client.seq, h.client.colleague('u-bob').availability];
    first.frame({ type: 'presence', seq: 11, colleague: bob('offline') });
    gap.afterDuplicate = [h.client.seq, h.client.colleague('u-bob').availability];
    first.frame({ type: 'presence', seq: 13, colleague: bob('busy') });
    gap.closedOnGap = first.closedWith;
    gap.afterGap = [h.client.seq, h.client.colleague('u-bob').availability];
    const second = await opened(h, 2);
    gap.resumeQuery = query(second);
    second.frame({ type: 'resumed', seq: 11 });
    second.frame({ type: 'presence', seq: 12, colleague: bob('available') });
    second.frame({ type: 'presence', seq: 13, colleague: bob('busy') });
    second.frame({ type: 'colleague_added', seq: 14, colleague: { ...bob('offline'), userId: 'u-cy', name: 'Cy' } });
    second.frame({ type: 'colleague_removed', seq: 15, userId: 'u-cy' });
    gap.afterResume = [h.client.seq, h.client.colleague('u-bob').availability, h.client.colleagues.length];
    gap.states = h.connections().map((c) => c.state);
    h.client.disconnect();
    gap.closedOnDisconnect = second.closedWith;
    gap.finalState = h.client.connection.state;
    report.gap = gap;
  }

  // --- setAvailability: ack / error matched by id; drops and silence reject ----------------------
  {
    const h = harness();
    const commands = {};
    commands.whileNotConnected = await h.client.setAvailability({ status: 'offline' }).then(() => 'resolved', (e) => e.code);
    h.client.connect();
    const socket = await opened(h, 1, 1);
    const first = h.client.setAvailability({ status: 'do_not_disturb', until: new Date('2030-01-01T14:00:00Z') });
    const second = h.client.setAvailability({ destination: null });
    const [c1, c2] = socket.sent.filter((f) => f.type === 'set_availability');
    commands.sent = [c1, c2];
    socket.frame({ type: 'error', id: c2.id, code: 'validation', message: 'destination is not yours' });
    socket.frame({ type: 'ack', id: c1.id });
    commands.first = await first.then(() => 'acked', (e) => e.code);
    commands.second = await second.then(() => 'acked', (e) => `${e.code}: ${e.message}`);
    commands.silent = await h.client.setAvailability({ status: 'offline' }).then(() => 'acked', (e) => e.code);
    const dropped = h.client.setAvailability({ status: 'offline' });
    socket.drop(1006);
    commands.dropped = await dropped.then(() => 'acked', (e) => e.code);
    h.client.disconnect();
    report.commands = commands;
  }

  // --- 1001 and other drops: jittered exponential backoff, resume; an open connection resets it --
  {
    const h = harness();
    h.client.connect();
    const socket = await opened(h, 1, 5);
    socket.drop(1001, 'server going away');
    const backoff = { delays: [], codes: [] };
    for (let n = 2; n <= 6; n++) {
      const retry = h.connections().at(-1);
      backoff.delays.push(retry.retryInMs);
      backoff.codes.push(retry.code);
      const next = await opened(h, n);
      backoff.since = query(next).since;
      next.drop(1006);
    }
    await opened(h, 7, 9);
    backoff.stateAfterRecovery = h.client.connection.state;
    h.last().drop(1011);
    backoff.delayAfterRecovery = h.connections().at(-1).retryInMs;
    h.client.disconnect();
    report.backoff = backoff;
  }

  // --- heartbeat: an unanswered ping replaces the connection ------------------------------------
  {
    const h = harness({ pingIntervalMs: 40, pingTimeoutMs: 60 }, {
      onSend: (socket, frame) => { if (frame.type === 'ping' && socket.answerPings) socket.frame({ type: 'pong' }); },
    });
    h.client.connect();
    const socket = await opened(h, 1, 3);
    socket.answerPings = true;
    await sleep(250);
    const heartbeat = { socketsWhileAnswered: h.sockets.length };
    socket.answerPings = false;
    const next = await opened(h, 2);
    heartbeat.pings = socket.sent.filter((f) => f.type === 'ping').length;
    heartbeat.closedWith = socket.closedWith;
    heartbeat.reason = h.connections().find((c) => c.state === 'reconnecting').reason;
    heartbeat.since = query(next).since;
    h.client.disconnect();
    report.heartbeat = heartbeat;
  }

  // --- switching device while a ticket is on its way opens one socket, not two ----------------
  {
    const h = harness({}, { ticketDelayMs: 60 });
    h.client.connect();
    await sleep(10);
    h.client.setDevice('webphone-9');
    await opened(h, 1);
    await sleep(250);
    report.superseded = { sockets: h.sockets.length, query: query(h.last()) };
    h.client.disconnect();
  }

  // --- close codes that stop, and token expiry --------------------------------------------------
  {
    const stops = {};
    let h = harness();
    h.client.connect();
    (await opened(h, 1, 1)).drop(4403, 'user deleted');
    await sleep(100);
    stops.deleted = { state: h.client.connection.state, sockets: h.sockets.length, error: h.events.find((e) => e.type === 'error')?.detail };

    h = harness({ device: 'webphone-1' });
    h.client.connect();
    const refused = await opened(h, 1);
    stops.deviceQuery = query(refused);
    refused.frame({ type: 'error', code: 'forbidden', message: 'device must be your own webphone or app account' });
    refused.drop(1008, 'not your webphone or app account');
    await sleep(100);
    stops.policy = { state: h.client.connection.state, sockets: h.sockets.length, errors: h.events.filter((e) => e.type === 'error').map((e) => e.detail) };

    let asked = 0;
    h = harness({ reauthenticate: async () => { asked++; return 'renewed-token'; } });
    h.client.connect();
    (await opened(h, 1, 20)).drop(4401, 'token expired');
    const renewed = await opened(h, 2);
    stops.renewed = { asked, since: query(renewed).since, lastTicketAuth: h.fetches.filter((f) => f.path === '/api/ws-tickets').at(-1).authorization };

    h = harness();
    await h.client.login('anna@example.test', 'secret', { remember: true });
    h.client.connect();
    (await opened(h, 1, 30)).drop(4401, 'token expired');
    const relogged = await opened(h, 2);
    stops.relogin = { since: query(relogged).since, logins: h.fetches.filter((f) => f.path === '/api/auth/token').length, token: h.client.token };

    h = harness();
    h.client.connect();
    (await opened(h, 1, 1)).drop(4401, 'token expired');
    await waitFor('auth event', () => h.events.some((e) => e.type === 'auth'));
    stops.expired = { state: h.client.connection.state, token: h.client.token, sockets: h.sockets.length };

    h = harness({}, { ticketStatus: () => 401 });
    h.client.connect();
    await waitFor('auth event', () => h.events.some((e) => e.type === 'auth'));
    stops.ticketRefused = { state: h.client.connection.state, sockets: h.sockets.length };
    report.stops = stops;
  }
  return report;
})().then((report) => done({ report }), (error) => done({ failure: String(error && error.stack || error) }));
