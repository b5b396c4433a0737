// The async engine's public surface, for the session and the evaluator.

export { ExecutionEngine, waitValue } from './engine';
export type { EngineOptions, ExecutionHandle, StatusView, WaitOptions, WaitOutcome, ControlOutcome, Lookup, SweepReport, StartOptions } from './api';
export type { ExecutionEvent, ExecutionEventType, ExecutionView } from './run';
export type {
  Body,
  BodyContext,
  Bindings,
  BranchOutcome,
  BranchSpec,
  Handler,
  HandlerContext,
  ParallelSpec,
  PipelineSpec,
  ProcedureSpec,
  ResolvePipeline,
  RetryPolicy,
  TrackOptions,
} from './spec';
export { isParallelSpec } from './spec';
export * from './document';
export { ExecutionError, StopRequest, RecordedFailure, describeError } from './errors';
export type { ExecutionErrorKind } from './errors';
export { systemClock } from './clock';
export type { Clock, TimerHandle } from './clock';
export { renderExecution, renderPlain, renderHtml } from './render';
export { runVerb, statusDocument } from './verbs';
export type { Verb, VerbOutcome, LookupDocument } from './verbs';
