// Placeholder: replaced by the issue that builds 'run'.
import type { Command } from '../command.js';
import { BpfVerdictError } from '../../errors.js';
export const command: Command = {
  help: 'bpf-verdict run: not built yet\n',
  async run() {
    throw new BpfVerdictError("'run' is not built yet");
  },
};
