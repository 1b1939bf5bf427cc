// Placeholder: replaced by the issue that builds 'load'.
import type { Command } from '../command.js';
import { BpfVerdictError } from '../../errors.js';
export const command: Command = {
  help: 'bpf-verdict load: not built yet\n',
  async run() {
    throw new BpfVerdictError("'load' is not built yet");
  },
};
