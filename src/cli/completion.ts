import type { Command } from 'commander';
import { usageError } from '../core/errors.js';

// `dvd completion bash|zsh|fish`: the scripts are generated from commander's own data
// (commands, aliases, options), so a new command or option completes without anyone
// editing them. Words that complete: command names, option flags, config keys after
// `dvd config`, remote names after `dvd remote ...` and `-r`; files everywhere else.

interface Node {
  /** Command path after `dvd`: '' for the program, 'remote add' for a subcommand. */
  path: string;
  subs: string[];
  flags: string[];
  described: { short?: string; long?: string; description: string }[];
  takesArgs: boolean;
}

function visible(cmd: Command): Command[] {
  return cmd.commands.filter((c) => !(c as unknown as { _hidden: boolean })._hidden);
}

function collect(cmd: Command, path: string, out: Node[]): void {
  const options = cmd.options;
  const flags = options.flatMap((o) => [o.short, o.long].filter((f): f is string => !!f));
  flags.push('--help');
  if (path === '') flags.push('-h');
  const subs = visible(cmd).flatMap((c) => [c.name(), ...c.aliases()]);
  out.push({
    path,
    subs,
    flags,
    described: options.map((o) => ({ short: o.short?.slice(1), long: o.long?.slice(2), description: o.description })),
    takesArgs: cmd.registeredArguments.length > 0,
  });
  for (const c of visible(cmd)) {
    for (const name of [c.name(), ...c.aliases()]) collect(c, path ? `${path} ${name}` : name, out);
  }
}

const shellWords = (words: string[]) => words.map((w) => w.replace(/[^A-Za-z0-9_.,:/@%+=-]/g, '')).join(' ');

function bash(nodes: Node[], keys: string[]): string {
  const cases = nodes.map((n) => `    ${JSON.stringify(n.path)}) subs=${JSON.stringify(shellWords(n.subs))}; opts=${JSON.stringify(shellWords(n.flags))} ;;`).join('\n');
  const paths = nodes.map((n) => JSON.stringify(n.path)).join('|');
  return `# dvd completion for bash. Load it with:  source <(dvd completion bash)
# or save it:  dvd completion bash > ~/.local/share/bash-completion/completions/dvd
_dvd() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} cmd="" w i subs opts
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=\${COMP_WORDS[i]}
    [[ $w == -* ]] && continue
    case "\${cmd:+$cmd }$w" in
      ${paths}) cmd="\${cmd:+$cmd }$w" ;;
    esac
  done
  case "$cmd" in
${cases}
  esac
  if [[ $prev == -r || $prev == --remote ]] || [[ $cmd == "remote "* && $cmd != "remote add" && $cur != -* ]]; then
    COMPREPLY=($(compgen -W "$(dvd remote list 2>/dev/null | cut -c3- | cut -f1)" -- "$cur"))
  elif [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  elif [[ -n $subs ]]; then
    COMPREPLY=($(compgen -W "$subs" -- "$cur"))
  elif [[ $cmd == config ]]; then
    COMPREPLY=($(compgen -W "${shellWords(keys)}" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o default -F _dvd dvd
`;
}

function zsh(nodes: Node[], keys: string[]): string {
  const cases = nodes.map((n) => `    (${JSON.stringify(n.path)}) subs=(${shellWords(n.subs)}); opts=(${shellWords(n.flags)}) ;;`).join('\n');
  const paths = nodes.map((n) => JSON.stringify(n.path)).join('|');
  return `#compdef dvd
# dvd completion for zsh. Load it with:  source <(dvd completion zsh)
# or save it as _dvd in a folder of $fpath:  dvd completion zsh > ~/.zfunc/_dvd
_dvd() {
  local cmd="" w
  local -a subs opts
  for w in \${words[2,CURRENT-1]}; do
    [[ $w == -* ]] && continue
    case "\${cmd:+$cmd }$w" in
      (${paths}) cmd="\${cmd:+$cmd }$w" ;;
    esac
  done
  case "$cmd" in
${cases}
  esac
  local prev=\${words[CURRENT-1]}
  if [[ $prev == -r || $prev == --remote ]] || [[ $cmd == "remote "* && $cmd != "remote add" && $PREFIX != -* ]]; then
    compadd -- \${(f)"$(dvd remote list 2>/dev/null | cut -c3- | cut -f1)"}
  elif [[ $PREFIX == -* ]]; then
    compadd -- $opts
  elif (( $#subs )); then
    compadd -- $subs
  elif [[ $cmd == config ]]; then
    compadd -- ${shellWords(keys)}
  else
    _files
  fi
}
if [[ \${funcstack[1]} == _dvd ]]; then _dvd "$@"; else compdef _dvd dvd; fi
`;
}

function fish(nodes: Node[], keys: string[]): string {
  const lines = ['# dvd completion for fish. Load it with:  dvd completion fish | source', '# or save it:  dvd completion fish > ~/.config/fish/completions/dvd.fish', 'complete -c dvd -e'];
  const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  for (const n of nodes) {
    const parts = n.path === '' ? [] : n.path.split(' ');
    // The command path is typed and no subcommand of it yet.
    const cond = [...parts.map((p) => `__fish_seen_subcommand_from ${p}`), ...(n.subs.length ? [`not __fish_seen_subcommand_from ${n.subs.join(' ')}`] : [])];
    const where = parts.length === 0 ? '__fish_use_subcommand' : cond.join('; and ');
    if (n.subs.length) lines.push(`complete -c dvd -f -n ${q(where)} -a ${q(n.subs.join(' '))}`);
    for (const o of n.described) {
      lines.push(`complete -c dvd -n ${q(where)}${o.short ? ` -s ${o.short}` : ''}${o.long ? ` -l ${o.long}` : ''} -d ${q(o.description.split(' (')[0])}`);
    }
  }
  lines.push(`complete -c dvd -f -n '__fish_seen_subcommand_from config' -a ${q(keys.join(' '))}`);
  return `${lines.join('\n')}\n`;
}

export function registerCompletion(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script (bash, zsh or fish)')
    .argument('<shell>', 'bash, zsh or fish')
    .action(async (shell: string) => {
      const { knownKeys } = await import('../api/configKeys.js');
      const nodes: Node[] = [];
      collect(program, '', nodes);
      const keys = knownKeys('NAME').filter((k) => !k.includes('NAME'));
      const make = { bash, zsh, fish }[shell as 'bash' | 'zsh' | 'fish'];
      if (!make) throw usageError(`unknown shell ${JSON.stringify(shell)}`, 'dvd completion bash, dvd completion zsh or dvd completion fish');
      process.stdout.write(make(nodes, keys));
    });
}
