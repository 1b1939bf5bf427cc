// Placeholder: replaced by the issue that builds 'history'.
import type { Command } from '../command.js';
import { BpfVerdictError } from '../../errors.js';
export const command: Command = {
  help: 'bpf-verdict history: not built yet\n',
  async run() {
    throw new BpfVerdictError("'history' is not built yet");
  },
};
