import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { setUrlParams, urlParam } from './url-state.js';

/**
 * A link to one document: `?doc=<kind>:<id>` on the page where its reader acts on it (the core's notices
 * link so: core/ledger/approvals/notices.ts `docLink`). The page opens the document, fetched as it is
 * now; reload and Back keep it open; closing it drops the parameter. A link without it opens the list.
 */
export const DOC_KINDS = ['payment', 'transfer', 'adjustment', 'budget'] as const;
export type DocKind = (typeof DOC_KINDS)[number];
export interface DocRef { kind: DocKind; id: number }

/** The document the address names, or null (absent or hand-edited into something else). */
export function docFromUrl(): DocRef | null {
  const m = /^(payment|transfer|adjustment|budget):(\d{1,15})$/.exec(urlParam('doc'));
  if (!m) return null;
  const id = Number(m[2]);
  return id > 0 && Number.isSafeInteger(id) ? { kind: m[1] as DocKind, id } : null;
}

export const docParam = (ref: DocRef): string => `${ref.kind}:${ref.id}`;

/** Shows another document in the address (a history entry: Back returns to the one before), or none. */
export function setDocInUrl(ref: DocRef | null): void {
  setUrlParams({ doc: ref ? docParam(ref) : null }, { push: ref !== null });
}

/**
 * The document a page shows from its address, kept in step with Back and Forward (popstate): a page
 * renders `<ub-doc-panel .doc=${x.ref} @close=${() => x.close()}>` when `ref` is set.
 */
export class DocInUrl implements ReactiveController {
  ref: DocRef | null = docFromUrl();
  private readonly onPop = () => {
    this.ref = docFromUrl();
    this.host.requestUpdate();
  };

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {
    this.ref = docFromUrl();
    window.addEventListener('popstate', this.onPop);
  }

  hostDisconnected(): void {
    window.removeEventListener('popstate', this.onPop);
  }

  close(): void {
    this.ref = null;
    setDocInUrl(null);
    this.host.requestUpdate();
  }
}
