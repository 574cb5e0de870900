import { html, css } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { UbElement, shared } from '../lib/base.js';
import { t } from '../lib/i18n.js';
import type { Step, TrailEntry } from '../lib/types.js';
import { when } from '../lib/time.js';
import { nextStepText, stepLabel, trailAction } from '../lib/approvals.js';

/** Times on screen are China time (lib/time.ts); kept here for the pages that import it from the trail. */
export { when };

/** An approval trail: each step with who decided and when, then the comments. */
@customElement('ub-step-trail')
export class UbStepTrail extends UbElement {
  static override styles = [shared, css`
    ol { list-style: none; padding: 0; margin: 4px 0; }
    li { display: flex; gap: 8px; align-items: baseline; padding: 3px 0; flex-wrap: wrap; }
  `];
  @property({ attribute: false }) steps: Step[] = [];
  @property({ attribute: false }) comments: TrailEntry[] = [];

  override render() {
    return html`<ol aria-label=${t('approvalTrail')}>
        ${this.steps.map(
          (s) => html`<li>
            <span class="badge ${s.status === 'pending' ? 'pending' : s.status}">${t(`step_${s.status}` as 'step_pending')}</span>
            <strong>${s.seq}. ${stepLabel(s.label)}</strong>
            ${s.decidedByName ? html`<span>${s.decidedByName}</span>` : ''}
            <span class="muted">${when(s.decidedAt)}</span>
            ${s.comment ? html`<span>${t('quote', { x: s.comment })}</span>` : ''}
            ${s.status === 'pending' && s.approvers ? html`<span class="next">${nextStepText([s])}</span>` : ''}
          </li>`,
        )}
      </ol>
      ${this.comments.length
        ? html`<ol aria-label=${t('comments')}>
            ${this.comments.map((c) => html`<li><span class="badge">${trailAction(c.action)}</span> ${c.authorName} <span class="muted">${when(c.at)}</span> ${c.body}</li>`)}
          </ol>`
        : ''}`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-step-trail': UbStepTrail }
}
