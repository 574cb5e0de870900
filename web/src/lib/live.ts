import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Realtime for open lists. The bell holds the unit's only stream of `core:notifications` (one per tab:
 * browsers allow few connections per origin), so it re-announces each message in the page; a list
 * that shows documents (我的申请, 审批待办, 支付管理 …) reloads on it instead of waiting for F5.
 */
export const NOTICES_CHANGED = 'ub-notices-changed';

/** Called by the bell when a channel says the caller's notifications changed. */
export function announceNotices(): void {
  window.dispatchEvent(new CustomEvent(NOTICES_CHANGED));
}

/**
 * Reloads its host when notices change, at most once per `delayMs` (a batch approval sends one
 * message per document). `reload` is the page's own load; a host that is gone never reloads.
 */
export class LiveReload implements ReactiveController {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly onNotice = () => {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.reload();
    }, this.delayMs);
  };

  constructor(host: ReactiveControllerHost, private readonly reload: () => unknown, private readonly delayMs = 250) {
    host.addController(this);
  }

  hostConnected(): void {
    window.addEventListener(NOTICES_CHANGED, this.onNotice);
  }

  hostDisconnected(): void {
    window.removeEventListener(NOTICES_CHANGED, this.onNotice);
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
