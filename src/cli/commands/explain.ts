// Placeholder: replaced by the issue that builds 'explain'.
import type { Command } from '../command.js';
import { BpfVerdictError } from '../../errors.js';
export const command: Command = {
  help: 'bpf-verdict explain: not built yet\n',
  async run() {
    throw new BpfVerdictError("'explain' is not built yet");
  },
};
