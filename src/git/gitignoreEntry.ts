// The .gitignore line that ignores exactly one name in the folder of the .gitignore:
// anchored with a leading '/', glob characters and trailing spaces escaped, so a target
// called `a*b` ignores only itself and not `axxb`.
export function gitignoreEntry(name: string): string {
  const bare = name.startsWith('/') ? name.slice(1) : name;
  let escaped = bare.replace(/[\\*?[\]]/g, (c) => `\\${c}`);
  escaped = escaped.replace(/ +$/, (spaces) => spaces.replace(/ /g, '\\ '));
  return `/${escaped}`;
}
