import { z } from 'zod';

/** A threshold crossed, for the health page to say in plain words (its messages name each kind). */
export const HealthHint = z.object({
  kind: z.enum(['outboxLag', 'deadEvents', 'runnerRestarts', 'runnerDown', 'eventLoopDelay', 'memory', 'slowRoute', 'serverErrors', 'slowStatements']),
  severity: z.enum(['warning', 'critical']),
  pluginId: z.string().optional(),
  unitId: z.string().optional(),
  route: z.string().optional(),
  /** The figure that crossed the threshold: minutes, ms, MB or a count, as the kind says. */
  value: z.number(),
  /** Faults behind it (failed attempts of the oldest waiting event). */
  failures: z.number().optional(),
});
export type HealthHint = z.infer<typeof HealthHint>;

export const OutboxLagView = z.object({
  pluginId: z.string(),
  unitId: z.string(),
  waiting: z.number().int(),
  dead: z.number().int(),
  /** Age of the oldest undelivered event, seconds (0: nothing waiting). */
  oldestSeconds: z.number(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
});

export const RouteLatencyView = z.object({
  route: z.string(),
  count: z.number().int(),
  p50: z.number(),
  p99: z.number(),
  meanMs: z.number(),
  errors4xx: z.number().int(),
  errors5xx: z.number().int(),
});

export const RunnerSlotView = z.object({
  slot: z.number().int(), pid: z.number().int().nullable(), alive: z.boolean(), units: z.number().int(), inFlight: z.number().int(), restarts: z.number().int(),
});

export const PluginCallView = z.object({
  pluginId: z.string(), unitId: z.string(), calls: z.number().int(), errors: z.number().int(), p50: z.number(), p99: z.number(), memoryBytes: z.number(),
});

export const VolumeView = z.array(z.object({ minute: z.string(), requests: z.number().int() }));

/** The system administrator's health page: the whole process and every unit. */
export const SystemHealthView = z.object({
  time: z.string(),
  database: z.enum(['sqlite', 'postgres']),
  uptimeSeconds: z.number(),
  memory: z.object({ rssMb: z.number(), heapUsedMb: z.number(), heapTotalMb: z.number(), externalMb: z.number() }),
  eventLoop: z.object({ p50: z.number(), p99: z.number(), max: z.number() }),
  statements: z.object({ count: z.number().int(), p50: z.number(), p99: z.number(), meanMs: z.number(), errors: z.number().int() }),
  commandRetries: z.number().int(),
  routes: z.array(RouteLatencyView),
  runners: z.array(RunnerSlotView),
  outbox: z.array(OutboxLagView),
  plugins: z.array(PluginCallView),
  volume: VolumeView,
  hints: z.array(HealthHint),
});
export type SystemHealthView = z.infer<typeof SystemHealthView>;

/** A unit admin's view: their plugins and their own unit's request volume. */
export const UnitHealthView = z.object({
  time: z.string(),
  unitId: z.string(),
  requests: z.number().int(),
  volume: VolumeView,
  outbox: z.array(OutboxLagView),
  plugins: z.array(PluginCallView),
  hints: z.array(HealthHint),
});
export type UnitHealthView = z.infer<typeof UnitHealthView>;
