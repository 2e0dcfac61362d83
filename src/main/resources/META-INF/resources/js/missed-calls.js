// @ts-check
/**
 * "Calls that did not reach you": the signed-in user's recent `call` history items
 * (`GET /api/me/history?type=call`) whose outcome means the call did not reach them, each with the
 * caller, the time and the server's reasons in words. Every text goes in as plain text.
 */
import { locale, t } from './i18n.js';

/** Outcomes that mean the call did not reach the user, with the key of the words the list shows. */
const MISSED = Object.freeze({
  rejected: 'missed.rejected',
  no_answer: 'missed.no_answer',
  voicemail: 'missed.voicemail',
  skipped_in_group: 'missed.skipped_in_group',
});
/** How many calls the list shows; it reads a few more, as answered and rung calls are left out. */
const SHOWN = 10;
const REFRESH_MS = 30_000;

const timeFormat = new Intl.DateTimeFormat(locale(), { hour: '2-digit', minute: '2-digit' });
const dayTimeFormat = new Intl.DateTimeFormat(locale(), { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

/** @param {string} iso */
function when(iso) {
  const date = new Date(iso);
  return date.toDateString() === new Date().toDateString() ? timeFormat.format(date) : dayTimeFormat.format(date);
}

/**
 * The list of missed calls on the page: loads on {@link start}, again every 30 s, on "Refresh"
 * and when the page asks ({@link refresh}); forgets everything on {@link stop}.
 */
export class MissedCalls {
  /**
   * @param {{ list: HTMLElement, empty: HTMLElement, error: HTMLElement, refresh: HTMLButtonElement }} view
   */
  constructor(view) {
    this.view = view;
    /** @type {import('./presence-client.js').PresenceClient | null} */
    this.client = null;
    /** @type {any} */
    this.timer = null;
    this.loading = false;
    view.refresh.addEventListener('click', () => this.refresh());
  }

  /** @param {import('./presence-client.js').PresenceClient} client */
  start(client) {
    this.stop();
    this.client = client;
    this.timer = setInterval(() => this.refresh(), REFRESH_MS);
    return this.refresh();
  }

  stop() {
    clearInterval(this.timer);
    this.client = null;
    this.view.list.replaceChildren();
    this.view.empty.hidden = true;
    this.view.error.hidden = true;
  }

  async refresh() {
    const client = this.client;
    if (!client || this.loading) return;
    this.loading = true;
    this.view.refresh.disabled = true;
    try {
      const page = await client.request('GET', '/api/me/history?type=call&limit=50');
      if (client !== this.client) return;
      this.render(page.items.filter((/** @type {any} */ item) => item.details?.outcome in MISSED).slice(0, SHOWN));
      this.view.error.hidden = true;
    } catch (e) {
      if (client !== this.client) return;
      this.view.error.textContent = t('missed.failed', { message: /** @type {Error} */ (e).message });
      this.view.error.hidden = false;
    } finally {
      this.loading = false;
      this.view.refresh.disabled = false;
    }
  }

  /** @param {any[]} items */
  render(items) {
    const rows = items.map((item) => {
      const li = document.createElement('li');
      li.className = 'missed-call';
      li.dataset.outcome = item.details.outcome;
      const head = document.createElement('div');
      head.className = 'missed-head';
      const time = document.createElement('time');
      time.dateTime = item.at;
      time.textContent = when(item.at);
      const who = document.createElement('span');
      who.className = 'missed-from';
      who.textContent = item.details.from ? t('missed.from', { from: item.details.from }) : t('missed.unknownCaller');
      const outcome = document.createElement('span');
      outcome.className = 'missed-outcome';
      outcome.textContent = t(MISSED[/** @type {keyof typeof MISSED} */ (item.details.outcome)]);
      head.append(who, outcome, time);
      const why = document.createElement('p');
      why.className = 'missed-why';
      const reasons = (item.details.reasons ?? []).map((/** @type {any} */ r) => r.message).filter(Boolean);
      why.textContent = reasons.length ? reasons.join(' ') : item.summary;
      li.append(head, why);
      return li;
    });
    this.view.list.replaceChildren(...rows);
    this.view.empty.hidden = rows.length > 0;
  }
}
