// Fallback recipes: when the random op list never reached a place where the program's fault fits,
// these ops build one and place it (`force`). Ops before the forced one are plain valid steps
// (c = 0 never places a fault). The exit faults (leak-at-exit, exit-with-lock) are placed by
// finish() when no op placed them, and need no recipe.
import type { FaultKind } from '../types.js';
import type { Op, OpName } from './op.js';

const step = (op: OpName, more: Partial<Op> = {}): Op => ({ op, a: 0, b: 1, c: 0, ...more });
const fault = (op: OpName, more: Partial<Op> = {}): Op => ({ op, a: 0, b: 2, c: 1, force: true, ...more });

const RECIPES: Record<FaultKind, Op[]> = {
  'missing-null-check': [step('unlock'), fault('new', { type: 'fz_item' })],
  'nonown-after-unlock': [step('unlock'), step('new', { type: 'fz_item' }), step('push', { root: 'fza_list' }), fault('write')],
  'graph-op-without-lock': [step('unlock'), step('new', { type: 'fz_item' }), fault('push', { root: 'fza_list' })],
  'wrong-lock': [step('unlock'), step('new', { type: 'fz_item' }), step('lock', { root: 'fzb_list' }), fault('push', { root: 'fza_list' })],
  'double-insert': [step('unlock'), step('new', { type: 'fz_item' }), step('lock', { root: 'fza_list' }),
    step('push', { root: 'fza_list' }), fault('push', { root: 'fza_list' })],
  'drop-nonown': [step('unlock'), step('new', { type: 'fz_item' }), step('lock', { root: 'fza_list' }),
    step('push', { root: 'fza_list' }), fault('drop')],
  'leak-at-exit': [],
  'exit-with-lock': [],
  'lock-twice': [step('lock', { root: 'fza_list' }), fault('lock', { root: 'fzb_list' })],
  'nonown-to-rbtree-add': [step('unlock'), step('lock', { root: 'fzb_tree' }), step('first', { root: 'fzb_tree' }),
    fault('add', { root: 'fzb_tree' })],
  'refcount-no-field': [step('unlock'), step('new', { type: 'fz_item' }), fault('acquire')],
  'call-under-lock': [step('lock', { root: 'fza_list' }), fault('new', { type: 'fz_item' })],
  'kptr-wrong-type': [step('unlock'), step('new', { type: 'fz_tnode' }), fault('stash')],
  'special-field-access': [step('unlock'), step('new', { type: 'fz_item' }), fault('write')],
  'use-after-drop': [step('unlock'), step('new', { type: 'fz_item' }), step('drop'), fault('write')],
  'unlock-without-lock': [step('unlock'), fault('unlock', { root: 'fza_list' })],
  'less-cb-graph-op': [step('unlock'), step('new', { type: 'fz_tnode' }), fault('add', { root: 'fzb_tree' })],
  'release-twice': [step('unlock'), step('new', { type: 'fz_item' }), step('drop'), fault('drop')],
  'node-type-mismatch': [step('unlock'), step('new', { type: 'fz_shared' }), step('lock', { root: 'fza_list' }),
    fault('push', { root: 'fza_list' })],
  'unlock-wrong-lock': [step('lock', { root: 'fza_list' }), fault('unlock', { root: 'fzb_list' })],
};

export function fallback(f: FaultKind): Op[] {
  return RECIPES[f];
}

/** The ops where each fault can be placed (a faulty program's op list draws these more often). */
export const FAULT_SITES: Record<FaultKind, readonly OpName[]> = {
  'missing-null-check': ['new', 'pop', 'first', 'remove', 'unstash', 'front', 'rbwalk', 'loop'],
  'nonown-after-unlock': ['push', 'add', 'first', 'unlock', 'write', 'read', 'spill'],
  'graph-op-without-lock': ['new', 'push', 'add', 'pop', 'first', 'loop', 'front'],
  'wrong-lock': ['new', 'lock', 'push', 'add', 'pop', 'first'],
  'double-insert': ['new', 'lock', 'push', 'add'],
  'drop-nonown': ['lock', 'push', 'first', 'drop'],
  'leak-at-exit': ['new', 'fork'],
  'exit-with-lock': [],
  'lock-twice': ['lock'],
  'nonown-to-rbtree-add': ['lock', 'first', 'rbwalk', 'add'],
  'refcount-no-field': ['new', 'acquire'],
  'call-under-lock': ['lock', 'new', 'drop', 'gsub'],
  'kptr-wrong-type': ['new', 'stash'],
  'special-field-access': ['new', 'write', 'read'],
  'use-after-drop': ['new', 'drop', 'write', 'read'],
  'unlock-without-lock': ['unlock'],
  'less-cb-graph-op': ['new', 'add'],
  'release-twice': ['new', 'drop', 'push'],
  'node-type-mismatch': ['new', 'lock', 'push', 'add'],
  'unlock-wrong-lock': ['lock', 'unlock'],
};
