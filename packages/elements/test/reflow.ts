/**
 * Reflow and target-size checks for the element tests (WCAG 2.1 SC 1.4.10 at
 * 320 CSS px, WCAG 2.2 SC 2.5.8). Everything is measured in the page as laid
 * out: boxes of elements and of text inside shadow roots, scroll widths of
 * clipping containers, and the boxes of everything that can be clicked.
 */
import { setViewport } from '@web/test-runner-commands';

export const PHONE = { width: 320, height: 640 };

/**
 * Puts the page in a 320 × 640 window, and the elements in a 256 px column, as
 * a portal's margins and cards leave them on a phone; `desktop()` undoes both.
 */
export async function phone(): Promise<void> {
  await setViewport(PHONE);
  document.body.style.padding = '0 24px';
}

export async function desktop(): Promise<void> {
  await setViewport({ width: 800, height: 600 });
  document.body.style.padding = '';
}

/** Every element below `root`, through open shadow roots, with the element itself first. */
function* composed(root: Element): Generator<Element> {
  yield root;
  const children = root.shadowRoot ? [...root.shadowRoot.children, ...root.children] : [...root.children];
  for (const child of children) yield* composed(child);
}

function label(el: Element): string {
  const id = el.id ? `#${el.id}` : '';
  const classes =
    typeof el.className === 'string' && el.className ? `.${el.className.split(/\s+/).join('.')}` : '';
  const text = (el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 40);
  return `<${el.tagName.toLowerCase()}${id}${classes}>${text ? ` "${text}"` : ''}`;
}

function shown(el: Element): boolean {
  const style = getComputedStyle(el);
  if (style.display === 'none' || style.visibility === 'hidden') return false;
  // Visually hidden text (clipped to a pixel) is for screen readers only.
  return !(style.position === 'absolute' && style.clip === 'rect(0px, 0px, 0px, 0px)');
}

const TARGETS =
  'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [tabindex]:not([tabindex="-1"])';

/**
 * What does not fit a window `width` wide: the page scrolling sideways, any box
 * or line of text reaching past either edge, a container that clips or scrolls
 * its content sideways, and click targets smaller than 24 × 24 px without the
 * spacing SC 2.5.8 allows instead. An empty list means it reflows.
 */
export function reflowProblems(root: Element, width = window.innerWidth): string[] {
  const problems: string[] = [];
  const page = document.documentElement.scrollWidth;
  if (page > width) problems.push(`the page is ${page} px wide in a ${width} px window`);
  const targets: { el: Element; box: DOMRect }[] = [];
  for (const el of composed(root)) {
    if (!shown(el)) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.left < -0.5 || box.right > width + 0.5) {
      problems.push(`${label(el)} spans ${Math.round(box.left)}–${Math.round(box.right)} px`);
    }
    const style = getComputedStyle(el);
    const control = /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName);
    if (!control && style.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1) {
      problems.push(
        `${label(el)} cuts off or scrolls its content (${el.scrollWidth} > ${el.clientWidth} px)`,
      );
    }
    for (const node of el.childNodes) {
      if (node.nodeType !== Node.TEXT_NODE || !node.textContent?.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const line of range.getClientRects()) {
        if (line.right > width + 0.5 || line.left < -0.5) {
          problems.push(
            `text "${node.textContent.trim().slice(0, 30)}" in ${label(el)} reaches ${Math.round(line.right)} px`,
          );
        }
      }
    }
    if (el.matches(TARGETS)) targets.push({ el, box });
  }
  // Behind an open modal dialog the page is inert: only the dialog's targets count.
  const modal = [...composed(root)].find((el) => el instanceof HTMLDialogElement && el.matches(':modal'));
  const inModal = modal ? new Set(composed(modal)) : null;
  problems.push(...targetProblems(inModal ? targets.filter(({ el }) => inModal.has(el)) : targets));
  return problems;
}

/**
 * SC 2.5.8: a target is at least 24 × 24 px, or a 24 px circle centred on it
 * meets no other target and no other small target's circle.
 */
function targetProblems(targets: { el: Element; box: DOMRect }[]): string[] {
  // A target under something else at this scroll position (content scrolling beneath a dialog's
  // sticky actions) cannot be hit here; it is measured where it can, once scrolled into view.
  const small = targets.filter(({ el, box }) => (box.width < 24 || box.height < 24) && !covered(el, box));
  const centre = (b: DOMRect) => ({ x: b.left + b.width / 2, y: b.top + b.height / 2 });
  const problems: string[] = [];
  for (const target of small) {
    const c = centre(target.box);
    const crowded = targets.some(({ el, box }) => {
      if (el === target.el) return false;
      const nx = Math.max(box.left, Math.min(c.x, box.right));
      const ny = Math.max(box.top, Math.min(c.y, box.bottom));
      if (Math.hypot(c.x - nx, c.y - ny) < 12) return true;
      if (box.width >= 24 && box.height >= 24) return false;
      const o = centre(box);
      return Math.hypot(c.x - o.x, c.y - o.y) < 24;
    });
    if (crowded) {
      problems.push(
        `${label(target.el)} is ${Math.round(target.box.width)} × ${Math.round(target.box.height)} px, too close to another target`,
      );
    }
  }
  return problems;
}

/** Whether the topmost element at the centre of `box` (in the viewport) is another element than `el`. */
function covered(el: Element, box: DOMRect): boolean {
  const x = box.left + box.width / 2;
  const y = box.top + box.height / 2;
  let top = document.elementFromPoint(x, y);
  while (top?.shadowRoot) {
    const inner = top.shadowRoot.elementFromPoint(x, y);
    if (!inner || inner === top) break;
    top = inner;
  }
  return top !== null && top !== el && !el.contains(top);
}

/** Waits for layout (and images) to settle, then fails with every problem found. */
export async function expectReflow(root: Element, state: string): Promise<void> {
  const images = [...composed(root)].filter((el): el is HTMLImageElement => el instanceof HTMLImageElement);
  await Promise.all(images.map((img) => img.decode().catch(() => undefined)));
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  const problems = reflowProblems(root);
  if (problems.length > 0) {
    throw new Error(`${state} does not fit ${window.innerWidth} px:\n  ${problems.join('\n  ')}`);
  }
}
