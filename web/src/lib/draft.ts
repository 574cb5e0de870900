import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * What a person typed into a form, kept in this browser until the form is submitted: a reload, Back or
 * a closed tab loses nothing. Per user, unit and form, so a shared office computer never offers one
 * person's draft to another; a draft older than DRAFT_TTL_MS is dropped.
 */
export const DRAFT_TTL_MS = 14 * 24 * 3600 * 1000;
const PREFIX = 'ub.draft.';

export const draftKey = (form: string, unitId: string, userId: number) => `${PREFIX}${form}.${unitId}.${userId}`;

export function loadDraft<T>(key: string): T | null {
  try {
    const raw = localStorage.getItem(key);
    if (!raw) return null;
    const d = JSON.parse(raw) as { at: number; value: T };
    if (typeof d?.at !== 'number' || Date.now() - d.at > DRAFT_TTL_MS) {
      localStorage.removeItem(key);
      return null;
    }
    return d.value;
  } catch {
    return null;
  }
}

export function saveDraft<T>(key: string, value: T): void {
  try {
    localStorage.setItem(key, JSON.stringify({ at: Date.now(), value }));
  } catch {
    /* storage full or disabled: the form still works, only without a kept draft */
  }
}

export function clearDraft(key: string): void {
  try {
    localStorage.removeItem(key);
  } catch {
    /* as above */
  }
}

/**
 * Asks before the page is left while `dirty()` holds (the browser's own "leave site?" dialog; the
 * draft is kept either way). In-app navigation keeps the draft and needs no dialog.
 */
export class UnsavedGuard implements ReactiveController {
  private readonly onBeforeUnload = (e: BeforeUnloadEvent) => {
    if (!this.dirty()) return;
    e.preventDefault();
    e.returnValue = '';
  };

  constructor(host: ReactiveControllerHost, private readonly dirty: () => boolean) {
    host.addController(this);
  }

  hostConnected(): void {
    window.addEventListener('beforeunload', this.onBeforeUnload);
  }

  hostDisconnected(): void {
    window.removeEventListener('beforeunload', this.onBeforeUnload);
  }
}

/** Moves keyboard focus to a new step's heading (made focusable for it), so a screen reader announces where the user is. */
export function focusHeading(root: ParentNode, selector = 'h1, h2'): void {
  const h = root.querySelector<HTMLElement>(selector);
  if (!h) return;
  if (!h.hasAttribute('tabindex')) h.setAttribute('tabindex', '-1');
  h.focus();
}

/**
 * A form's fields kept as a draft (see loadDraft): saved after each change once `restore()` has run
 * (so an empty form never overwrites the stored draft before it is offered back), cleared on submit.
 */
export class FormDraft<T extends object> implements ReactiveController {
  /** The draft was put back into the form (the page says so and offers to discard it). */
  restored = false;
  private ready = false;
  private last = '';

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly key: () => string,
    private readonly read: () => T,
    private readonly write: (value: T) => void,
    /** An untouched form: nothing worth keeping. */
    private readonly empty: (value: T) => boolean,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  hostUpdated(): void {
    if (!this.ready) return;
    const value = this.read();
    const json = JSON.stringify(value);
    if (json === this.last) return;
    this.last = json;
    if (this.empty(value)) clearDraft(this.key());
    else saveDraft(this.key(), value);
  }

  /** Puts a kept draft back (once `accept` agrees it still fits, e.g. its indicator still exists); true when it did. */
  restore(accept: (value: T) => boolean = () => true): boolean {
    const saved = this.ready ? null : loadDraft<T>(this.key());
    this.ready = true;
    try {
      if (saved && !this.empty(saved) && accept(saved)) {
        this.write(saved);
        this.restored = true;
        this.last = JSON.stringify(saved);
        this.host.requestUpdate();
        return true;
      }
    } catch {
      // A draft of an older shape (the form changed since): dropped, never a broken page.
      clearDraft(this.key());
    }
    this.last = JSON.stringify(this.read());
    return false;
  }

  /** Something was typed that no submit has taken yet. */
  get dirty(): boolean {
    return this.ready && !this.empty(this.read());
  }

  clear(): void {
    clearDraft(this.key());
    this.restored = false;
    this.last = JSON.stringify(this.read());
  }
}
