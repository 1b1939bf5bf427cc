import t from 'tap';
import { globToRegExp, matchesAny } from '../../src/run/glob.js';

t.test('glob patterns', async (t) => {
  t.ok(matchesAny('list/push.c', ['*.c']), 'no slash: file name');
  t.notOk(matchesAny('list/push.h', ['*.c']));
  t.ok(matchesAny('include/x/y.c', ['include/**']));
  t.notOk(matchesAny('list/include.c', ['include/**']));
  t.ok(matchesAny('a/b/c.c', ['**/c.c']));
  t.ok(matchesAny('c.c', ['**/c.c']), '**/ matches zero directories');
  t.notOk(matchesAny('a/b.c', ['a/?.o']));
  t.ok(globToRegExp('a/*.c').test('a/x.y.c'));
  t.notOk(globToRegExp('a/*.c').test('a/b/x.c'));
});
