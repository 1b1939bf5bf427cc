// Placeholder: replaced by the issue that builds 'regress'.
import type { Command } from '../command.js';
import { BpfVerdictError } from '../../errors.js';
export const command: Command = {
  help: 'bpf-verdict regress: not built yet\n',
  async run() {
    throw new BpfVerdictError("'regress' is not built yet");
  },
};
