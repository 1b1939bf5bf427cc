// Placeholder: replaced by the issue that builds 'kernel'.
import type { Command } from '../command.js';
import { BpfVerdictError } from '../../errors.js';
export const command: Command = {
  help: 'bpf-verdict kernel: not built yet\n',
  async run() {
    throw new BpfVerdictError("'kernel' is not built yet");
  },
};
