// Engine settings from the environment (also settable in the kernelspec's `env`).

import type { EngineOptions } from './engine';

export const ENGINE_ENV = {
  ESCRIPT_EXECUTION_RETENTION_MS: 'retentionMs',
  ESCRIPT_EXECUTION_LEASE_MS: 'leaseMs',
  ESCRIPT_EXECUTION_SWEEP_MS: 'sweepEveryMs',
  ESCRIPT_EXECUTION_CANCEL_GRACE_MS: 'cancelGraceMs',
  ESCRIPT_EXECUTION_WATCH_MS: 'watchEveryMs',
  ESCRIPT_EXECUTION_LOST_CHECK_MS: 'lostCheckEveryMs',
} as const;

type Tunable = (typeof ENGINE_ENV)[keyof typeof ENGINE_ENV];

/** The engine options set in `env`; throws on a value that is not a non-negative whole number of milliseconds. */
export function engineOptionsFromEnv(env: Record<string, string | undefined>): Partial<Pick<EngineOptions, Tunable>> {
  const options: Partial<Record<Tunable, number>> = {};
  for (const [name, option] of Object.entries(ENGINE_ENV) as [keyof typeof ENGINE_ENV, Tunable][]) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number of milliseconds, got '${raw}'`);
    options[option] = value;
  }
  return options;
}
