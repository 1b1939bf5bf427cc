// Placeholder: replaced by the issue that builds 'btf'.
import type { Command } from '../command.js';
import { BpfVerdictError } from '../../errors.js';
export const command: Command = {
  help: 'bpf-verdict btf: not built yet\n',
  async run() {
    throw new BpfVerdictError("'btf' is not built yet");
  },
};
