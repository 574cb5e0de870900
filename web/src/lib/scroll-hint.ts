import { noChange } from 'lit';
import { AsyncDirective, directive, PartType, type ElementPart, type PartInfo } from 'lit/async-directive.js';

/**
 * `<div class="wrap" ${scrollHint()}>`: on a box that scrolls sideways (a wide table in its card on
 * a phone), keeps `data-more-right` / `data-more-left` set while more of the content lies past that
 * edge; the shared styles (base.ts) fade that edge, so people see that more columns exist.
 */
class ScrollHint extends AsyncDirective {
  private el: HTMLElement | null = null;
  private observer: ResizeObserver | null = null;

  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.ELEMENT) throw new Error('scrollHint() goes on an element');
  }

  render() {
    return noChange;
  }

  override update(part: ElementPart) {
    if (this.el !== part.element) {
      this.detach();
      this.el = part.element as HTMLElement;
      this.attach();
    }
    return noChange;
  }

  private check = () => {
    const el = this.el;
    if (!el) return;
    const rest = el.scrollWidth - el.clientWidth - el.scrollLeft;
    el.toggleAttribute('data-more-right', rest > 1);
    el.toggleAttribute('data-more-left', el.scrollLeft > 1);
  };

  private attach() {
    const el = this.el;
    if (!el) return;
    el.addEventListener('scroll', this.check, { passive: true });
    this.observer = new ResizeObserver(this.check);
    this.observer.observe(el);
    // The content grows (rows arrive) without the box changing size: watch it too.
    for (const child of el.children) this.observer.observe(child);
    requestAnimationFrame(this.check);
  }

  private detach() {
    this.el?.removeEventListener('scroll', this.check);
    this.observer?.disconnect();
    this.observer = null;
  }

  protected override disconnected() {
    this.detach();
  }

  protected override reconnected() {
    this.attach();
  }
}

export const scrollHint = directive(ScrollHint);
