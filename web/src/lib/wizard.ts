import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { setUrlParams, urlInt } from './url-state.js';
import { focusHeading } from './draft.js';

/** What a wizard page offers the step controller. */
export interface StepHost extends ReactiveControllerHost {
  step: number;
  readonly renderRoot: HTMLElement | DocumentFragment;
}

/**
 * A wizard's step in the address (`?step=2`): each step forward is a history entry, so Back returns
 * to the previous step (not to the previous page) and a reload opens the same step; `allowed` says
 * whether a step can be shown with what is filled in (else the last one that can). After each step
 * change keyboard focus moves to the new step's heading (`selector`), so a screen reader says where
 * the user now is.
 */
export class StepInUrl implements ReactiveController {
  private shown = 0;
  private fromHistory = false;
  private readonly onPop = () => {
    // A submitted request is done: Back never reopens its form to be sent twice.
    if (this.host.step > this.last) return;
    const wanted = this.clamp(urlInt('step', 1, 1, this.last));
    if (wanted !== this.host.step) {
      this.fromHistory = true;
      this.host.step = wanted;
      this.host.requestUpdate();
    }
  };

  constructor(
    private readonly host: StepHost,
    private readonly allowed: (step: number) => boolean,
    /** The last step that lives in the address (a "submitted" step after it does not). */
    private readonly last = 3,
    private readonly selector = '.step-heading',
  ) {
    host.addController(this);
  }

  private clamp(step: number): number {
    let s = step;
    while (s > 1 && !this.allowed(s)) s--;
    return s;
  }

  /** The step the address asks for, as far as the filled-in data allows (call once the data is loaded). */
  fromUrl(): number {
    return this.clamp(urlInt('step', 1, 1, this.last));
  }

  hostConnected(): void {
    window.addEventListener('popstate', this.onPop);
  }

  hostDisconnected(): void {
    window.removeEventListener('popstate', this.onPop);
  }

  hostUpdated(): void {
    const step = this.host.step;
    if (step === this.shown) return;
    const first = this.shown === 0;
    this.shown = step;
    // The first render shows step 1 before the data (and a kept draft) is loaded: the address keeps
    // the step it asks for until the page has decided (fromUrl).
    if (first) return;
    if (step <= this.last) {
      if (!this.fromHistory) setUrlParams({ step: step === 1 ? null : step }, { push: !first });
    } else {
      // Submitted: the address goes back to the wizard's start, so a reload begins a new request.
      setUrlParams({ step: null });
    }
    this.fromHistory = false;
    focusHeading(this.host.renderRoot, this.selector);
  }
}
