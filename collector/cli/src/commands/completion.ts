import { type CommandSpec, required } from '../command.ts';
import { completionScript, SHELLS, type Shell } from '../completion.ts';

export const completion: CommandSpec = {
  path: ['completion'],
  summary: 'Print a shell completion script (bash, zsh or fish)',
  details: [
    'bash: add  source <(stocktake completion bash)  to ~/.bashrc.',
    'zsh: add  source <(stocktake completion zsh)  to ~/.zshrc after compinit.',
    'fish: stocktake completion fish > ~/.config/fish/completions/stocktake.fish',
  ],
  offline: true,
  args: [{ name: 'SHELL', description: 'bash, zsh or fish', complete: SHELLS }],
  examples: ['source <(stocktake completion bash)'],
  async run(ctx) {
    ctx.io.out(completionScript(required(ctx, 'SHELL') as Shell, ctx.commands));
  },
};
