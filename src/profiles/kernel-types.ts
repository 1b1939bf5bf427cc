// A line's kernel struct names (its vmlinux BTF) and the ones with a registered kptr destructor:
// btf_parse_kptr() looks a __kptr pointee up BY NAME in the kernel's BTF first.
import type { KernelTypeKind } from './types.js';

export function kernelTypesOf(structs: string, dtors: readonly string[]): (name: string) => KernelTypeKind {
  let names: Set<string> | null = null;
  const withDtor = new Set(dtors);
  return (name) => {
    names ??= new Set(structs.split(' '));
    return !names.has(name) ? 'none' : withDtor.has(name) ? 'dtor' : 'nodtor';
  };
}
