// Placeholder: replaced by the issue that builds 'model'.
import type { Command } from '../command.js';
import { BpfVerdictError } from '../../errors.js';
export const command: Command = {
  help: 'bpf-verdict model: not built yet\n',
  async run() {
    throw new BpfVerdictError("'model' is not built yet");
  },
};
