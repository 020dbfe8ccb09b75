import type { Command } from 'commander';

// The examples that end each command's --help, by command path. They are real: a test
// (test/cli-examples.test.ts) runs every one of them, as written, in a prepared project
// (tracked data/raw, data/features.csv and model.bin; tag v1; a folder remote `storage`;
// an S3 remote `lake` on bucket ml-data; the dvd repository ../registry with data/images
// and model.bin at tags v1 and v2; images imported from it; a plain folder ../incoming;
// a dvd.yaml whose stage `features` reads data/raw and params.yaml's train.lr and makes
// features.txt, reproduced and committed; artifact `model` (model.bin) registered as
// v1.0.0 at tag v1 and assigned to stage prod; stage `train` (features.txt, train.lr ->
// metrics.json with acc and loss, plots file loss.csv), and experiment `fast` (train.lr
// 0.02) pushed with its data to the Git remote `origin`).
export const EXAMPLES: Record<string, string[]> = {
  init: ['git init demo && cd demo && dvd init', 'mkdir notes && cd notes && dvd init --no-scm'],
  add: ['dvd add new/images', "dvd add --glob 'new/*.csv'", 'dvd add -R new/images'],
  status: ['dvd status', 'dvd status -q || echo "data changed"', 'dvd status --remote storage'],
  commit: ['dvd commit', 'dvd commit data/raw', 'dvd commit -f --json'],
  checkout: ['dvd checkout', 'git checkout v1 && dvd checkout', 'dvd checkout --glob "data/*"'],
  untrack: ['dvd untrack model.bin', 'dvd remove data/raw'],
  verify: ['dvd verify', 'dvd verify --remote storage'],
  push: ['dvd push', 'dvd push -r storage --all-tags', "dvd push --glob 'data/*'"],
  fetch: ['dvd fetch', 'dvd fetch --rev v1', 'dvd fetch -A -j 16'],
  pull: ['dvd pull', 'dvd pull data/raw', 'dvd pull --force'],
  remote: ['dvd remote list -v', 'dvd remote add -d backup s3://ml-backup/project', 'dvd remote rename lake archive'],
  'remote add': ['dvd remote add -d backup s3://ml-backup/project', 'dvd remote add share /mnt/share/dvd-store', 'dvd remote add minio s3://datasets/cats && dvd remote modify minio endpoint http://localhost:9000'],
  'remote list': ['dvd remote list', 'dvd remote list -v'],
  'remote remove': ['dvd remote remove lake', 'dvd remote remove lake && dvd remote list'],
  'remote default': ['dvd remote default', 'dvd remote default lake'],
  'remote modify': ['dvd remote modify lake region eu-west-1', 'dvd remote modify --local lake profile ml-team', 'dvd remote modify storage jobs 4'],
  'remote rename': ['dvd remote rename lake archive', 'dvd remote rename storage backup && dvd remote list -v'],
  config: ['dvd config cache.type hardlink,copy', 'dvd config --list --show-level', 'dvd config --global core.autostage true'],
  diff: ['dvd diff', 'dvd diff v1', 'dvd diff v1 main --json'],
  ls: ['dvd ls', 'dvd ls data --rev v1 -R'],
  install: ['dvd install', 'dvd install --uninstall'],
  gc: ['dvd gc -w --dry-run', 'dvd gc --all-commits', 'dvd gc -a -r storage -f'],
  get: ['dvd get ../registry data/images -o images-copy', 'dvd get ../registry model.bin --rev v1 -o model-v1.bin'],
  move: ['dvd move model.bin models/model.bin', 'dvd move data/raw data/archive'],
  unprotect: ['dvd config cache.type hardlink && dvd checkout --relink && dvd unprotect model.bin', 'dvd unprotect data/raw'],
  cache: ['dvd cache dir', 'dvd cache dir --local ../shared-cache'],
  'cache dir': ['dvd cache dir', 'dvd cache dir --local ../shared-cache', 'dvd cache dir --unset'],
  version: ['dvd version', 'dvd version --json'],
  doctor: ['dvd doctor', 'dvd doctor --json'],
  import: ['dvd import ../registry data/images -o images-v2', 'dvd import ../registry model.bin --rev v1 -o models/model-v1.bin'],
  'import-url': ['dvd import-url s3://ml-data/raw/2024/labels.csv', 'dvd import-url ../incoming/2024 incoming'],
  update: ['dvd update images', 'dvd update --rev v1 images', 'dvd update'],
  'check-ignore': ['echo .DS_Store >> .dvdignore && dvd check-ignore data/raw/.DS_Store', "printf '*.tmp\\n!keep.tmp\\n' > .dvdignore && dvd check-ignore --json data/raw/x.tmp data/raw/keep.tmp"],
  completion: ['dvd completion bash > dvd-completion.bash', 'dvd completion zsh > _dvd', 'dvd completion fish > dvd.fish'],
  stage: ['dvd stage add -n count -d data/raw -o count.txt -- "wc -l data/raw/a.csv > count.txt"', 'dvd stage add -n count -d data/raw -o count.txt -- "wc -l data/raw/a.csv > count.txt" && dvd repro count'],
  'stage add': [
    'dvd stage add -n count -d data/raw -o count.txt -- "wc -l data/raw/a.csv > count.txt"',
    'dvd stage add -n sorted -d features.txt -O sorted.txt -- "sort features.txt > sorted.txt" && dvd repro sorted',
    "dvd stage add -f -n features -d data/raw -p train.lr -o features.txt -- 'cat data/raw/*.csv > features.txt'",
  ],
  dag: ['dvd dag', 'dvd dag --mermaid', 'dvd dag --json'],
  repro: ['dvd repro', 'dvd repro --dry -f features', 'printf "train:\\n  lr: 0.02\\n" > params.yaml && dvd repro -j 2'],
  artifact: ['dvd artifact show', 'dvd artifact register model --bump-minor', 'dvd artifact get model#prod -o model-prod.bin'],
  'artifact register': ['dvd artifact register model --bump-minor', 'dvd artifact register features --path features.txt --version v0.1.0 -m "first features"'],
  'artifact assign': ['dvd artifact assign model --stage staging', 'dvd artifact assign model --stage prod --version v1.0.0 -f'],
  'artifact unassign': ['dvd artifact unassign model --stage prod', 'dvd artifact unassign model --stage prod -m "rolled back"'],
  'artifact deprecate': ['dvd artifact deprecate model', 'dvd artifact deprecate model -m "replaced by model-v2"'],
  'artifact show': ['dvd artifact show', 'dvd artifact show model@v1.0.0', 'dvd artifact show model#prod --json'],
  'artifact history': ['dvd artifact history', 'dvd artifact history model --json'],
  'artifact get': ['dvd artifact get model@v1.0.0 -o model-v1.bin', 'dvd artifact get model#prod -o model-prod.bin'],
  params: ['printf "train:\\n  lr: 0.05\\n" > params.yaml && dvd params diff', 'dvd params diff HEAD fast --md'],
  'params diff': ['printf "train:\\n  lr: 0.05\\n" > params.yaml && dvd params diff', 'dvd params diff HEAD fast --all --json'],
  metrics: ['dvd metrics show', 'dvd metrics diff HEAD fast', "dvd metrics check 'acc >= 0.9' 'loss < 0.3'"],
  'metrics show': ['dvd metrics show', 'dvd metrics show -A --md', 'dvd metrics show --json'],
  'metrics diff': ['dvd metrics diff HEAD fast', 'dvd metrics diff HEAD fast --md', 'dvd metrics diff --all --precision 2'],
  'metrics check': ["dvd metrics check 'acc >= 0.9' 'loss < 0.3'", "dvd metrics check --rev fast 'acc > 0.91'"],
  plots: ['dvd plots show', 'dvd plots diff HEAD fast'],
  'plots show': ['dvd plots show', 'dvd plots show -o report', 'dvd plots show --json > plots.json'],
  'plots diff': ['dvd plots diff HEAD fast', 'dvd plots diff fast', 'dvd plots diff HEAD fast --targets loss.csv -o compare'],
  exp: ['dvd exp run -S train.lr=0.05 -n faster', 'dvd exp show', 'dvd exp apply fast && git commit -qam "lr 0.02"'],
  'exp run': [
    'dvd exp run -S train.lr=0.05 -n faster',
    'dvd exp run --queue -S train.lr=0.03 && dvd exp run --queue -S train.lr=0.04 && dvd exp run --run-all -j 2',
    'dvd exp run -f -n fast -S train.lr=0.025',
  ],
  'exp show': ['dvd exp show', 'dvd exp show --sort-by acc --sort-order desc', 'dvd exp show --only-changed --md'],
  'exp diff': ['dvd exp diff HEAD fast', 'dvd exp diff HEAD fast --json'],
  'exp apply': ['dvd exp apply fast', 'dvd exp apply fast && git commit -qam "lr 0.02"'],
  'exp branch': ['dvd exp branch fast lr-0.02', 'dvd exp branch fast lr-0.02 && git log --oneline -1 lr-0.02'],
  'exp remove': ['dvd exp remove fast', 'dvd exp run --queue -S train.lr=0.03 && dvd exp remove --queue', 'dvd exp remove --all'],
  'exp push': ['dvd exp push origin fast', 'dvd exp push origin --all --no-data'],
  'exp pull': ['dvd exp pull origin fast', 'dvd exp remove fast && dvd exp pull origin --all'],
};

/** Command path after `dvd`, e.g. 'remote add'. */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** End each command's --help with its examples (every command, subcommands too). */
export function addExamples(cmd: Command): void {
  for (const c of cmd.commands) {
    const examples = EXAMPLES[commandPath(c)];
    if (examples) c.addHelpText('after', `\nExamples:\n${examples.map((e) => `  $ ${e}`).join('\n')}\n`);
    addExamples(c);
  }
}

// Words git and DVC users type that commander's edit-distance suggestions cannot map
// (too short or too different), per command group.
const HABITS: Record<string, Record<string, string>> = {
  '': { rm: 'remove', mv: 'move', st: 'status', ci: 'commit', co: 'checkout', 'ls-files': 'ls' },
  remote: { rm: 'remove', ls: 'list', mv: 'rename', show: 'list -v', 'set-url': 'modify NAME url URL' },
};

/** Add "(Did you mean remove?)" for `dvd rm` and its kin, when commander found nothing closer. */
export function addHabitSuggestions(cmd: Command): void {
  const words = HABITS[commandPath(cmd)];
  if (words) {
    const out = cmd.configureOutput();
    cmd.configureOutput({
      ...out,
      outputError: (str, write) => {
        const m = /unknown command '([^']+)'/.exec(str);
        const hint = m ? words[m[1]] : undefined;
        const text = hint && !str.includes('Did you mean') ? str.replace(/\n?$/, `\n(Did you mean ${hint}?)\n`) : str;
        if (out.outputError) out.outputError(text, write);
        else write(text);
      },
    });
  }
  for (const c of cmd.commands) addHabitSuggestions(c);
}
