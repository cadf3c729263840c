import { join } from 'node:path';
import { ContractFailure, run } from './processes.js';

const SEVERITIES = ['error', 'warning', 'info', 'hint'] as const;

interface Finding {
  readonly code: string;
  readonly message: string;
  readonly path: readonly (string | number)[];
  readonly severity: number;
}

/**
 * Lints the document with Spectral's `spectral:oas` ruleset (`.spectral.yaml` extends it and
 * turns nothing off). Any error or warning fails; infos and hints are printed.
 */
export async function lintWithSpectral(options: {
  contractDir: string;
  document: string;
}): Promise<Record<(typeof SEVERITIES)[number], number>> {
  const spectral = join(options.contractDir, 'node_modules/.bin/spectral');
  const ruleset = join(options.contractDir, '.spectral.yaml');
  const args = ['lint', options.document, '--ruleset', ruleset, '--fail-severity=warn'];
  const { code, stdout } = await run(spectral, [...args, '--format=json', '--quiet'], {
    quiet: true,
  });
  const findings = parseFindings(stdout);
  const counts = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const finding of findings) {
    const severity = SEVERITIES[finding.severity] ?? 'error';
    counts[severity]++;
    console.log(`  ${severity} ${finding.code} at ${finding.path.join('.')}: ${finding.message}`);
  }
  if (code !== 0 || counts.error > 0 || counts.warning > 0) {
    throw new ContractFailure(
      `Spectral: ${counts.error} errors and ${counts.warning} warnings (exit code ${code ?? 'signal'})`,
    );
  }
  return counts;
}

function parseFindings(stdout: string): Finding[] {
  // With nothing to report, --quiet prints nothing at all.
  if (stdout.trim() === '') return [];
  try {
    return JSON.parse(stdout) as Finding[];
  } catch {
    throw new ContractFailure(`Spectral printed something other than its JSON report:\n${stdout}`);
  }
}
