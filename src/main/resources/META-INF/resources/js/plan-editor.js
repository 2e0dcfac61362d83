// @ts-check
/**
 * "Your call plan": the signed-in user edits their own call plan (`GET`/`PUT /api/me/call-plan`):
 * steps of their own phones and numbers ringing at once for a ring time, the four fallbacks and call
 * waiting. The page never words the plan itself: after a save the words come from the server (the
 * `me` frame, and `onSaved` for a fresh `GET /api/me`). Every name goes in as plain text.
 */
import { t } from './i18n.js';

const MAX_STEPS = 5;
const MAX_TARGETS = 5;
const MIN_RING = 5;
const MAX_RING = 120;
const DEFAULT_RING = 20;

/** The fallbacks in the order the form shows them, with the question each one answers. */
const FALLBACKS = Object.freeze([
  ['unreachable', 'planEditor.when.unreachable'],
  ['busy', 'planEditor.when.busy'],
  ['noAnswer', 'planEditor.when.noAnswer'],
  ['unavailable', 'planEditor.when.unavailable'],
]);

/**
 * @typedef {{ type: string, id?: string }} Ref a target or fallback as the API spells it
 * @typedef {{ targets: string[], ringSeconds: string }} DraftStep targets as `type:id` keys
 * @typedef {{ value: string, label: string }} Choice
 */

/** @param {Ref} ref */
const keyOf = (ref) => (ref.id ? `${ref.type}:${ref.id}` : ref.type);

/** @param {string} key @returns {Ref} */
function refOf(key) {
  const colon = key.indexOf(':');
  return colon < 0 ? { type: key } : { type: key.slice(0, colon), id: key.slice(colon + 1) };
}

/** @param {string} tag @param {string} [className] @param {string} [text] */
function element(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/**
 * An API field of the plan in the form's words: `steps[1].ringSeconds` → "Step 2, ring time".
 * @param {string} field
 */
function fieldWords(field) {
  const step = /^steps\[(\d+)\](?:\.(\w+))?/.exec(field);
  if (step) {
    const part = step[2] === 'ringSeconds' ? t('planEditor.field.ringTime') : step[2] === 'targets' ? t('planEditor.field.targets') : '';
    return t('planEditor.field.step', { n: Number(step[1]) + 1 }) + part;
  }
  const fallback = /^fallbacks\.(\w+)/.exec(field);
  if (fallback) {
    const found = FALLBACKS.find(([name]) => name === fallback[1]);
    if (found) return t(found[1]);
  }
  return { steps: t('planEditor.field.steps'), callWaiting: t('plan.callWaiting'), version: t('planEditor.field.version') }[field] ?? field;
}

/**
 * The editor. {@link start} loads the plan and what it may point at when the user opens the form;
 * {@link stop} forgets everything (sign-out).
 */
export class PlanEditor {
  /**
   * @param {{ onSaved?: () => void }} [options] called after a successful save, so the page can
   *   show the server's words for the new plan
   */
  constructor(options = {}) {
    /** @param {string} id */
    const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
    this.view = {
      toggle: /** @type {HTMLButtonElement} */ ($('plan-edit')),
      form: /** @type {HTMLFormElement} */ ($('plan-form')),
      notice: $('plan-notice'),
      steps: $('plan-steps'),
      noTargets: $('plan-no-targets'),
      addStep: /** @type {HTMLButtonElement} */ ($('plan-add-step')),
      addHint: $('plan-add-hint'),
      fallbacks: $('plan-fallbacks'),
      callWaiting: /** @type {HTMLInputElement} */ ($('plan-call-waiting')),
      error: $('plan-error'),
      save: /** @type {HTMLButtonElement} */ ($('plan-save')),
      cancel: /** @type {HTMLButtonElement} */ ($('plan-cancel')),
    };
    this.onSaved = options.onSaved ?? (() => {});
    /** @type {import('./presence-client.js').PresenceClient | null} */ this.client = null;
    /** @type {any} */ this.account = null;
    /** The version of the plan the form was filled from: sent back, so a change made elsewhere meanwhile is a 409. */
    /** @type {number | null} */ this.version = null;
    /** @type {Choice[]} */ this.targets = [];
    /** @type {{ fixed: Choice[], colleagues: Choice[], groups: Choice[] }} */ this.fallbackChoices = { fixed: [], colleagues: [], groups: [] };

    this.view.toggle.addEventListener('click', () => (this.view.form.hidden ? this.open() : this.close()));
    this.view.cancel.addEventListener('click', () => this.close());
    this.view.addStep.addEventListener('click', () => {
      const steps = this.readSteps();
      steps.push({ targets: [], ringSeconds: String(DEFAULT_RING) });
      this.renderSteps(steps);
      this.focusStep(steps.length - 1);
    });
    this.view.steps.addEventListener('click', (event) => {
      const button = /** @type {HTMLElement} */ (event.target).closest('button[data-action]');
      if (button instanceof HTMLButtonElement) this.stepAction(button);
    });
    this.view.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.save();
    });
  }

  /**
   * @param {import('./presence-client.js').PresenceClient} client
   * @param {any} account the `GET /api/me` answer
   */
  start(client, account) {
    this.stop();
    this.client = client;
    this.account = account;
  }

  stop() {
    this.client = null;
    this.account = null;
    this.close();
  }

  // --- open, close, load ----------------------------------------------------------------------

  async open() {
    const client = this.client;
    if (!client) return;
    this.view.toggle.setAttribute('aria-expanded', 'true');
    this.view.toggle.textContent = t('planEditor.close');
    this.view.form.hidden = false;
    this.message(null);
    this.notice(null);
    if (await this.load()) /** @type {HTMLElement} */ (this.view.steps.querySelector('input') ?? this.view.addStep).focus();
  }

  close() {
    this.view.form.hidden = true;
    this.view.toggle.setAttribute('aria-expanded', 'false');
    this.view.toggle.textContent = t('plan.edit');
    this.view.steps.replaceChildren();
    this.version = null;
  }

  /** Reads the plan and everything it may point at, and fills the form. Answers whether it worked. */
  async load() {
    const client = this.client;
    if (!client) return false;
    const me = this.account;
    const org = encodeURIComponent(me.organization.id);
    this.view.save.disabled = true;
    try {
      const [plan, voip, fixed, users, groups] = await Promise.all([
        client.request('GET', '/api/me/call-plan'),
        client.listVoipAccounts(me.organization.id),
        client.request('GET', `/api/orgs/${org}/users/${encodeURIComponent(me.user.id)}/fixed-destinations?size=200`),
        client.request('GET', `/api/orgs/${org}/users?size=200`),
        client.request('GET', `/api/orgs/${org}/ring-groups?size=200`),
      ]);
      if (client !== this.client) return false;
      const fixedChoices = fixed.items.map((/** @type {any} */ f) => ({
        value: `fixed_destination:${f.id}`, label: f.description ? `${f.number} — ${f.description}` : f.number,
      }));
      this.targets = [
        ...voip.filter((/** @type {any} */ a) => a.userId === me.user.id)
          .sort((/** @type {any} */ a, /** @type {any} */ b) => a.internalNumber.localeCompare(b.internalNumber, undefined, { numeric: true }))
          .map((/** @type {any} */ a) => {
            const kind = t(`kind.${a.kind}`);
            return { value: `voip_account:${a.id}`, label: `${kind} ${a.internalNumber}${a.description ? ' — ' + a.description : ''}` };
          }),
        ...fixedChoices,
      ];
      this.fallbackChoices = {
        fixed: fixedChoices,
        colleagues: users.items.filter((/** @type {any} */ u) => u.id !== me.user.id)
          .map((/** @type {any} */ u) => ({ value: `user:${u.id}`, label: `${u.name} (${u.internalNumber})` })),
        groups: groups.items.map((/** @type {any} */ g) => ({ value: `group:${g.id}`, label: `${g.name} (${g.internalNumber})` })),
      };
      this.fill(plan);
      this.view.save.disabled = false;
      return true;
    } catch (e) {
      if (client !== this.client) return false;
      this.message(t('planEditor.loadFailed', { message: /** @type {Error} */ (e).message }));
      return false;
    }
  }

  /** Puts a plan as the server answered it into the form. @param {any} plan */
  fill(plan) {
    this.version = plan.version;
    this.renderSteps(plan.steps.map((/** @type {any} */ s) => ({ targets: s.targets.map(keyOf), ringSeconds: String(s.ringSeconds) })));
    this.view.fallbacks.replaceChildren(...FALLBACKS.map(([name, question]) => this.fallbackField(name, question, plan.fallbacks[name])));
    this.view.callWaiting.checked = plan.callWaiting;
  }

  // --- steps ----------------------------------------------------------------------------------

  /** The steps as the form shows them now. @returns {DraftStep[]} */
  readSteps() {
    return Array.from(this.view.steps.children, (li) => ({
      targets: Array.from(/** @type {NodeListOf<HTMLInputElement>} */ (li.querySelectorAll('input[type=checkbox]:checked')), (c) => c.value),
      ringSeconds: /** @type {HTMLInputElement} */ (li.querySelector('input[type=number]')).value,
    }));
  }

  /** @param {DraftStep[]} steps */
  renderSteps(steps) {
    this.view.steps.replaceChildren(...steps.map((step, i) => this.stepItem(step, i, steps.length)));
    this.view.noTargets.hidden = this.targets.length > 0;
    this.view.addStep.disabled = steps.length >= MAX_STEPS || this.targets.length === 0;
    this.view.addHint.textContent = steps.length >= MAX_STEPS ? t('planEditor.maxSteps', { max: MAX_STEPS })
      : steps.length === 0 ? t('planEditor.noSteps') : '';
  }

  /**
   * One step: a fieldset with a checkbox per own phone or number, the ring time, and buttons to
   * move or remove it (named with the step's number, for screen readers).
   * @param {DraftStep} step @param {number} i @param {number} count
   */
  stepItem(step, i, count) {
    const li = element('li', 'plan-step');
    const fieldset = element('fieldset');
    fieldset.append(element('legend', undefined, i === 0 ? t('planEditor.step.first') : t('planEditor.step.then', { n: i + 1 })));
    const targets = element('div', 'plan-targets');
    const known = new Set(this.targets.map((t) => t.value));
    const choices = [...this.targets, ...step.targets.filter((t) => !known.has(t))
      .map((key) => ({ value: key, label: t('planEditor.gone') }))];
    for (const choice of choices) {
      const label = element('label', 'check');
      const box = /** @type {HTMLInputElement} */ (element('input'));
      box.type = 'checkbox';
      box.value = choice.value;
      box.checked = step.targets.includes(choice.value);
      label.append(box, element('span', undefined, choice.label));
      targets.append(label);
    }
    const hint = element('p', 'hint', t('planEditor.tick', { max: MAX_TARGETS }));
    hint.id = `plan-step-${i}-hint`;
    fieldset.setAttribute('aria-describedby', hint.id);

    const row = element('div', 'plan-step-row');
    const ring = /** @type {HTMLInputElement} */ (element('input'));
    ring.type = 'number';
    ring.id = `plan-ring-${i}`;
    ring.min = String(MIN_RING);
    ring.max = String(MAX_RING);
    ring.step = '1';
    ring.inputMode = 'numeric';
    ring.value = step.ringSeconds;
    const ringLabel = element('label', undefined, t('planEditor.ringFor'));
    ringLabel.setAttribute('for', ring.id);
    const unit = element('span', 'muted', t('planEditor.seconds', { min: MIN_RING, max: MAX_RING }));
    const buttons = element('div', 'plan-step-buttons');
    buttons.append(
      this.stepButton('up', '↑', t('planEditor.up', { n: i + 1 }), i === 0),
      this.stepButton('down', '↓', t('planEditor.down', { n: i + 1 }), i === count - 1),
      this.stepButton('remove', t('planEditor.remove'), t('planEditor.removeStep', { n: i + 1 }), false));
    row.append(ringLabel, ring, unit, buttons);
    fieldset.append(targets, hint, row);
    li.append(fieldset);
    return li;
  }

  /** @param {string} action @param {string} text @param {string} name @param {boolean} disabled */
  stepButton(action, text, name, disabled) {
    const button = /** @type {HTMLButtonElement} */ (element('button', 'btn btn-small btn-quiet', text));
    button.type = 'button';
    button.dataset.action = action;
    button.setAttribute('aria-label', name);
    button.disabled = disabled;
    return button;
  }

  /** @param {HTMLButtonElement} button */
  stepAction(button) {
    const li = /** @type {HTMLElement} */ (button.closest('li'));
    const i = Array.prototype.indexOf.call(this.view.steps.children, li);
    const steps = this.readSteps();
    const action = /** @type {string} */ (button.dataset.action);
    if (action === 'remove') {
      steps.splice(i, 1);
      this.renderSteps(steps);
      if (steps.length) this.focusStep(Math.min(i, steps.length - 1));
      else this.view.addStep.focus();
      this.notice(t('planEditor.removed', { n: i + 1 }));
      return;
    }
    const to = action === 'up' ? i - 1 : i + 1;
    if (to < 0 || to >= steps.length) return;
    [steps[i], steps[to]] = [steps[to], steps[i]];
    this.renderSteps(steps);
    // Keep the keyboard on the same button of the moved step, or its other move button at an end.
    const moved = this.view.steps.children[to];
    const same = /** @type {HTMLButtonElement} */ (moved.querySelector(`button[data-action=${action}]`));
    (same.disabled ? /** @type {HTMLButtonElement} */ (moved.querySelector(`button[data-action=${action === 'up' ? 'down' : 'up'}]`)) : same).focus();
    this.notice(t('planEditor.moved', { n: to + 1 }));
  }

  /** @param {number} i */
  focusStep(i) {
    /** @type {HTMLElement | null} */ (this.view.steps.children[i]?.querySelector('input'))?.focus();
  }

  // --- fallbacks ------------------------------------------------------------------------------

  /** @param {string} name @param {string} question @param {Ref} current */
  fallbackField(name, question, current) {
    const field = element('div', 'field');
    const select = /** @type {HTMLSelectElement} */ (element('select'));
    select.id = `plan-fallback-${name}`;
    select.name = name;
    const label = element('label', undefined, t(question));
    label.setAttribute('for', select.id);
    select.append(new Option(t('planEditor.reject'), 'reject'), new Option(t('planEditor.voicemail'), 'voicemail'));
    const { fixed, colleagues, groups } = this.fallbackChoices;
    for (const [title, choices] of /** @type {[string, Choice[]][]} */ ([
      [t('planEditor.forward'), fixed], [t('planEditor.colleague'), colleagues], [t('planEditor.group'), groups]])) {
      if (!choices.length) continue;
      const group = /** @type {HTMLOptGroupElement} */ (element('optgroup'));
      group.label = title;
      group.append(...choices.map((c) => new Option(c.label, c.value)));
      select.append(group);
    }
    const value = keyOf(current ?? { type: 'reject' });
    if (!Array.from(select.options).some((o) => o.value === value)) {
      select.append(new Option(current.type === 'group' ? 'A ring group not listed here' : 'A colleague not listed here', value));
    }
    select.value = value;
    field.append(label, select);
    return field;
  }

  // --- save -----------------------------------------------------------------------------------

  async save() {
    const client = this.client;
    if (!client || this.version === null) return;
    this.message(null);
    this.notice(null);
    const steps = this.readSteps();
    // A ring time that is not a whole number cannot even be sent as one; everything else is the server's to judge.
    const notNumber = steps.findIndex((s) => !/^\d{1,4}$/.test(s.ringSeconds.trim()));
    if (notNumber >= 0) {
      this.message(t('planEditor.notSaved'), [t('planEditor.wholeSeconds', { n: notNumber + 1, min: MIN_RING, max: MAX_RING })]);
      /** @type {HTMLElement} */ (this.view.steps.children[notNumber].querySelector('input[type=number]')).focus();
      return;
    }
    /** @type {Record<string, Ref>} */
    const fallbacks = {};
    for (const [name] of FALLBACKS) {
      fallbacks[name] = refOf(/** @type {HTMLSelectElement} */ (document.getElementById(`plan-fallback-${name}`)).value);
    }
    const body = {
      steps: steps.map((s) => ({ targets: s.targets.map(refOf), ringSeconds: Number(s.ringSeconds) })),
      fallbacks,
      callWaiting: this.view.callWaiting.checked,
      version: this.version,
    };
    this.view.save.disabled = true;
    this.view.save.textContent = t('planEditor.saving');
    try {
      const saved = await client.request('PUT', '/api/me/call-plan', body);
      if (client !== this.client) return;
      this.fill(saved);
      this.notice(t('planEditor.saved'));
      this.onSaved();
    } catch (e) {
      if (client !== this.client) return;
      const error = /** @type {import('./presence-client.js').SwitchboardError} */ (e);
      const problems = (error.problem?.errors ?? []).map((/** @type {{ field: string, message: string }} */ f) => `${fieldWords(f.field)}: ${f.message}`);
      if (error.status === 409 || error.status === 412) {
        // Changed elsewhere (another device, an administrator): show the plan as it is now, never overwrite it.
        if (await this.load()) {
          this.message(t('planEditor.conflict'));
        }
      } else if (error.status === 400) {
        this.message(t('planEditor.invalid'), problems);
      } else if (error.status === 422) {
        this.message(t('planEditor.unusable'), problems);
      } else {
        this.message(t('me.notSaved', { message: error.message }));
      }
    } finally {
      this.view.save.disabled = this.version === null;
      this.view.save.textContent = t('plan.save');
    }
  }

  // --- messages -------------------------------------------------------------------------------

  /** The error box (role=alert): a sentence and, for field errors, one line each. @param {string | null} text @param {string[]} [lines] */
  message(text, lines = []) {
    const box = this.view.error;
    box.replaceChildren();
    box.hidden = !text;
    if (!text) return;
    box.append(element('span', undefined, text));
    if (lines.length) {
      const list = element('ul', 'plan-error-list');
      list.append(...lines.map((line) => element('li', undefined, line)));
      box.append(list);
    }
  }

  /** A polite status line: saved, moved, removed. @param {string | null} text */
  notice(text) {
    this.view.notice.textContent = text ?? '';
    this.view.notice.hidden = !text;
  }
}
