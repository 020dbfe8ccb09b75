import type { Command } from 'commander';

// Every subcommand lives in its own file under src/cli and registers itself here.
export function registerCommands(program: Command): void {
  void program;
}
