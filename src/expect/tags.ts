// Decl tags -> Expectation, with the tag vocabulary of the kernel's test_loader (parse_test_spec):
//   comment:test_expect_success | comment:test_expect_failure
//   comment:test_expect_msg=MSG      (our header, and kernels before the __COUNTER__ form)
//   comment:test_expect_msg=N=MSG    (6.12's bpf_misc.h: a counter keeps clang from merging equal tags)
//   comment:N:test_expect_msg=MSG    (newer bpf_misc.h: every tag carries its order; sorted by N)
//   comment:test_description= / test_log_level= / test_retval= / test_auxiliary
// plus ours: comment:bpf_verdict_model_differs=REASON.
// Works on any object annotated that way, not only programs/ (the tags come from the object's BTF).
import { compilePattern } from './messages.js';
import type { Expectation } from './types.js';

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

export function parseExpectation(declTags: string[]): Expectation {
  const e: Expectation = {
    result: null, messages: [], description: null, logLevel: null, retval: null,
    modelDiffers: null, auxiliary: false, ignored: [], problems: [],
  };
  for (const body of inOrder(declTags)) {
    let v: string | null;
    if (body === 'test_expect_success') e.result = 'success';
    else if (body === 'test_expect_failure') e.result = 'failure';
    else if (body === 'test_auxiliary') e.auxiliary = true;
    else if ((v = valueAfter(body, 'test_expect_msg')) !== null) addMessage(e, msgText(v), false);
    else if ((v = valueAfter(body, 'test_expect_not_msg')) !== null) addMessage(e, msgText(v), true);
    else if ((v = valueAfter(body, 'test_description')) !== null) e.description = v;
    else if ((v = valueAfter(body, 'test_retval')) !== null) e.retval = v;
    else if ((v = valueAfter(body, 'bpf_verdict_model_differs')) !== null) {
      e.modelDiffers = v.trim() || '(no reason given)';
    } else if ((v = valueAfter(body, 'test_log_level')) !== null) {
      const n = parseNumber(v);
      if (n === null) e.problems.push(`__log_level: '${v}' is not a number`);
      else e.logLevel = n;
    } else if (body.startsWith('test_')) e.ignored.push(`comment:${body}`);
    // Other comment: tags are not test annotations.
  }
  return e;
}

function addMessage(e: Expectation, text: string, negative: boolean): void {
  try {
    e.messages.push(compilePattern(text, negative));
  } catch (err) {
    e.problems.push(`__msg: ${(err as Error).message}`);
  }
}

/** Short human form: "failure, 2 messages" / "success" / "none". */
export function describeExpectation(e: Expectation): string {
  if (!e.result) return e.messages.length ? `${e.messages.length} message(s)` : 'none';
  const msgs = e.messages.length ? `, ${e.messages.length} message${e.messages.length > 1 ? 's' : ''}` : '';
  return e.result + msgs;
}
