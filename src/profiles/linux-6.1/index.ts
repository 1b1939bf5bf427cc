// Linux 6.1. No tree of this line has been read into the repo: there is no generated data, no
// kfunc table (every kfunc call is `unsupported`) and the graph rules are not stated. The core
// rules print as on 6.12 (their verbose() strings did not change between 6.1 and 6.12 for the
// messages the core reports; regenerate and check with a 6.1 tree to confirm), and static
// subprograms may not be called under a lock (6.9 allowed it).
import { RuleBook } from '../../rules/index.js';
import type { Profile } from '../types.js';
import { FORMATS_612 } from '../linux-6.12/formats.js';

export const LINUX_6_1: Profile = {
  name: '6.1',
  source: null,
  tree: null,
  switches: {
    insnLimit: 1_000_000, jmpSeqLimit: 8192, maxCallFrames: 8, staticCallsUnderLock: false,
    releaseOrder: 'swap-last', callbackRefs: true, graphModelled: false, constKeyArrayLookup: false,
    innerMapAtLookup: false, insnFieldsBeforeWalk: false, kfuncArgsAllTrusted: false, offInVarOff: false, rbNodeTakesReferenced: false, refcountedKptrZeroOff: false,
    ptrMemberUntrustedMem: false, nmiUnsafeDropRefused: false, kptrXchgInGraph: false, rcuCounted: false,
  },
  rules: new RuleBook('6.1', FORMATS_612),
  kfuncs: new Map(),
  kfuncLockAllowed: () => null,
  kernelType: () => 'none',
};
