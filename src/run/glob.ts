// Include/exclude patterns: '**' any depth, '*' and '?' within one path component.
// A pattern without '/' matches the file name alone (as .gitignore does).

export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      // '**/' matches zero or more directories; a trailing '**' matches everything below.
      if (pattern[i + 2] === '/') { re += '(?:.*/)?'; i += 2; } else { re += '.*'; i += 1; }
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export function matchesAny(relPath: string, patterns: string[]): boolean {
  const name = relPath.slice(relPath.lastIndexOf('/') + 1);
  return patterns.some((p) => globToRegExp(p).test(p.includes('/') ? relPath : name));
}
