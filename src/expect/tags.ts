// Decl tags -> Expectation, with the tag vocabulary of the kernel's test_loader (parse_test_spec):
//   comment:test_expect_success | comment:test_expect_failure
//   comment:test_expect_msg=MSG      (our header, and kernels before the __COUNTER__ form)
//   comment:test_expect_msg=N=MSG    (6.12's bpf_misc.h: a counter keeps clang from merging equal tags)
//   comment:N:test_expect_msg=MSG    (newer bpf_misc.h: every tag carries its order; sorted by N)
//   comment:test_description= / test_log_level= / test_retval= / test_auxiliary
// plus ours: comment:bpf_verdict_model_differs=REASON and comment:bpf_verdict_kernel=RANGE, which
// scopes the tags after it (up to the next one) to a range of kernels (src/expect/kernels.ts).
// Works on any object annotated that way, not only programs/ (the tags come from the object's BTF).
import { compilePattern } from './messages.js';
import { inKernelRange, parseKernelRange, releaseVersion, type KernelRange } from './kernels.js';
import type { Expectation, MessagePattern } from './types.js';

const ORDERED = /^comment:(\d+):(.*)$/s;
const COUNTER = /^\d+=/;

/** Tags in the order test_loader would apply them: ordered-form tags sorted by their number. */
function inOrder(declTags: string[]): string[] {
  const plain: string[] = [];
  const ordered: { n: number; i: number; body: string }[] = [];
  declTags.forEach((tag, i) => {
    const m = ORDERED.exec(tag);
    if (m) ordered.push({ n: Number(m[1]), i, body: m[2]! });
    else if (tag.startsWith('comment:')) plain.push(tag.slice('comment:'.length));
  });
  ordered.sort((a, b) => a.n - b.n || a.i - b.i);
  return [...plain, ...ordered.map((o) => o.body)];
}

function valueAfter(body: string, key: string): string | null {
  return body.startsWith(key + '=') ? body.slice(key.length + 1) : null;
}

/** Strip 6.12's "N=" counter. A real message starting with digits and '=' is not a verifier message. */
function msgText(v: string): string {
  return COUNTER.test(v) ? v.slice(v.indexOf('=') + 1) : v;
}

function parseNumber(v: string): number | null {
  const n = /^0x[0-9a-f]+$/i.test(v) ? parseInt(v, 16) : /^-?\d+$/.test(v) ? parseInt(v, 10) : NaN;
  return Number.isFinite(n) ? n : null;
}

/** What one group of tags (the unscoped ones, or one __kernel scope) declares; null = not said. */
interface Part {
  result: Expectation['result'];
  messages: MessagePattern[] | null;
  description: string | null;
  logLevel: number | null;
  retval: string | null;
  modelDiffers: string | null;
}

const emptyPart = (): Part => ({ result: null, messages: null, description: null, logLevel: null, retval: null, modelDiffers: null });

/**
 * The expectation for a kernel `release` (uname -r, or a version such as "6.12.117"): the unscoped
 * tags, then each `__kernel` scope whose range holds the release, in the order written. A scope
 * replaces only what it declares: its verdict replaces the verdict and the messages (a new verdict
 * makes the old messages meaningless), its messages replace the messages, its __model_differs,
 * description, log level and retval replace those. Without a release only the unscoped tags apply.
 */
export function parseExpectation(declTags: string[], release?: string | null): Expectation {
  const e: Expectation = {
    result: null, messages: [], description: null, logLevel: null, retval: null,
    modelDiffers: null, auxiliary: false, ignored: [], problems: [], kernels: [], scope: null,
  };
  const base = emptyPart();
  const scopes: { range: KernelRange; part: Part }[] = [];
  let part = base;
  for (const body of inOrder(declTags)) {
    let v: string | null;
    if ((v = valueAfter(body, 'bpf_verdict_kernel')) !== null) {
      try {
        const range = parseKernelRange(v);
        part = emptyPart();
        scopes.push({ range, part });
        if (!e.kernels.includes(range.text)) e.kernels.push(range.text);
      } catch (err) {
        e.problems.push((err as Error).message);
        part = emptyPart();  // the tags of a scope we cannot read apply nowhere
      }
    } else if (body === 'test_auxiliary') e.auxiliary = true;
    else if (!readTag(body, part, e)) {
      if (body.startsWith('test_')) e.ignored.push(`comment:${body}`);
      // Other comment: tags are not test annotations.
    }
  }
  const version = release ? releaseVersion(release) : null;
  if (release && !version && scopes.length) e.problems.push(`kernel release '${release}' has no version to match __kernel scopes against`);
  const holding = version ? scopes.filter((s) => inKernelRange(s.range, version)) : [];
  for (const p of [base, ...holding.map((s) => s.part)]) {
    if (p.result !== null) { e.result = p.result; e.messages = p.messages ?? []; }
    else if (p.messages !== null) e.messages = p.messages;
    e.description = p.description ?? e.description;
    e.retval = p.retval ?? e.retval;
    e.modelDiffers = p.modelDiffers ?? e.modelDiffers;
  }
  e.scope = holding.length ? [...new Set(holding.map((s) => s.range.text))].join(', ') : null;
  // The guest loads an object with one log level: take the highest any scope asks for.
  const levels = [base, ...scopes.map((s) => s.part)].map((p) => p.logLevel).filter((l): l is number => l !== null);
  e.logLevel = levels.length ? Math.max(...levels) : null;
  return e;
}

/** One test_loader tag into `part`; false when `body` is not one of ours. */
function readTag(body: string, part: Part, e: Expectation): boolean {
  let v: string | null;
  if (body === 'test_expect_success') part.result = 'success';
  else if (body === 'test_expect_failure') part.result = 'failure';
  else if ((v = valueAfter(body, 'test_expect_msg')) !== null) addMessage(part, e, msgText(v), false);
  else if ((v = valueAfter(body, 'test_expect_not_msg')) !== null) addMessage(part, e, msgText(v), true);
  else if ((v = valueAfter(body, 'test_description')) !== null) part.description = v;
  else if ((v = valueAfter(body, 'test_retval')) !== null) part.retval = v;
  else if ((v = valueAfter(body, 'bpf_verdict_model_differs')) !== null) part.modelDiffers = v.trim() || '(no reason given)';
  else if ((v = valueAfter(body, 'test_log_level')) !== null) {
    const n = parseNumber(v);
    if (n === null) e.problems.push(`__log_level: '${v}' is not a number`);
    else part.logLevel = n;
  } else return false;
  return true;
}

function addMessage(part: Part, e: Expectation, text: string, negative: boolean): void {
  try {
    (part.messages ??= []).push(compilePattern(text, negative));
  } catch (err) {
    e.problems.push(`__msg: ${(err as Error).message}`);
  }
}

/** Short human form: "failure, 2 messages" / "success" / "none". */
export function describeExpectation(e: Expectation): string {
  if (!e.result) return e.messages.length ? `${e.messages.length} message(s)` : 'none';
  const msgs = e.messages.length ? `, ${e.messages.length} message${e.messages.length > 1 ? 's' : ''}` : '';
  const scope = e.scope ? ` (for kernels ${e.scope})` : '';
  return e.result + msgs + scope;
}
