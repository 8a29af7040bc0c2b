/**
 * Burrow's public API. Everything a plugin or an application uses is exported
 * from here; files under `internal/` are not.
 */
export { createKernel, type KernelOptions } from './kernel.js';
export type { Kernel, HealthCheck, ShutdownStep, ListenOptions, Listening } from './kernel-types.js';
export { definePlugin, type Plugin, type PluginEntry, type OptionsParser } from './plugin.js';
export { REQUEST_PHASES, APP_PHASES, type Phase, type RequestPhase, type AppPhase, type RequestHook, type ErrorHook, type AppHook, type Hooks } from './hooks.js';
export { createRegistry, type Registry } from './registry.js';
export { RequestContext, type RequestState, type SentResponse } from './context.js';
export { allow, deny, forbid, type Verifier, type VerifyRequest, type VerifyResult, type SecuritySchemeObject } from './security.js';
export type { ExtensionBinder, ExtensionSite } from './extensions.js';
export type { ContractFragment } from './contract/compose.js';
export { loadContract, type LoadedContract, type OpenApiDocument, type ContractSource } from './contract/load.js';
export type { ContractProblem } from './contract/problems.js';
export type { CompiledOperation, RequiredScheme } from './operation.js';
export type { Reply, ResponseValidationOptions } from './response.js';
export { BurrowError, defineErrors, isBurrowError, type ValidationIssue, type BurrowErrorInit } from './errors/burrow-error.js';
export { CORE_ERRORS, CORE_STATUS, type CoreErrorCode, type ErrorSpec } from './errors/codes.js';
export { toProblem, type Problem } from './errors/problem.js';
export { createLogger, redact, redactFormat, type LoggerOptions, type Logger } from './logger.js';
export { defineHandlers, type Handlers, type Handler, type HandlerContext, type ReplyOf, type BodyOf, type HandlerMap } from './types.js';
