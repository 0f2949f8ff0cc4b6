// Banners under the header: one per subject (phone, push, info); "back" ones go away by
// themselves.
import { $, h } from './dom.js';
import { t } from './strings.js';

export const banners = {
  show(key, kind, text, { autoHide = 0 } = {}) {
    this.hide(key);
    const close = h('button', { type: 'button', 'aria-label': t('dismiss') }, '×');
    const el = h('div', { class: `banner ${kind}`, 'data-testid': `banner-${key}`,
      'data-kind': kind }, h('span', {}, text), close);
    close.addEventListener('click', () => el.remove());
    el.dataset.key = key;
    $('banners').append(el);
    if (autoHide) setTimeout(() => el.remove(), autoHide);
  },
  hide(key) {
    for (const el of $('banners').querySelectorAll(`[data-key="${key}"]`)) el.remove();
  },
  clear() {
    $('banners').replaceChildren();
  },
};
