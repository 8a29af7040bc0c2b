/**
 * Burrow's public API (`burrowjs`). Everything a plugin or an application uses is
 * exported from here; files under `internal/` are not. The Express adapter is
 * `burrowjs/express`; each plugin has its own subpath (`burrowjs/plugins/<name>`).
 */
export { createKernel } from './kernel/create-kernel.js';
export type { KernelOptions, TrustProxy } from './kernel/options.js';
export type { Kernel, HealthCheck, GaugeSource, ShutdownStep, ListenOptions, AttachOptions, ServerTimeouts, Listening, RouteLookup } from './kernel/types.js';
export { DEFAULT_SERVER_TIMEOUTS, DEFAULT_CLOSE_GRACE, DEFAULT_CLOSE_SIGNALS } from './kernel/lifecycle.js';
export { createLogger, redact, redactFormat, type LoggerOptions, type Logger } from './kernel/logger.js';
export { appendVary } from './response/vary.js';
export { readGauge } from './kernel/gauges.js';
export { definePlugin, readOptions, pathOptionProblems, textOptionProblems, type Plugin, type PluginEntry, type OptionsParser } from './plugin/define-plugin.js';
export { REQUEST_PHASES, APP_PHASES, type Phase, type RequestPhase, type AppPhase, type RequestHook, type ErrorHook, type AroundHook, type SendHook, type AppHook, type Hooks } from './plugin/hooks.js';
export { createRegistry, type Registry } from './plugin/registry.js';
export { createEventBus, type EventBus, type BurrowEvents, type EventName, type EventListener } from './plugin/events.js';
export { BURROW_EXTENSIONS, type ExtensionBinder, type ExtensionSite, type BindResult } from './plugin/extensions.js';
export type { ContractFragment } from './contract/compose.js';
export { loadContract, type LoadedContract, type OpenApiDocument, type ContractSource } from './contract/load.js';
export type { ContractProblem } from './contract/problems.js';
export { RequestContext, type RequestState, type SentResponse } from './request/context.js';
export { allow, deny, forbid, type Verifier, type VerifyRequest, type VerifyResult, type SecuritySchemeObject } from './request/security.js';
export { loopbackOr, addressListProblems, securityRequirementProblems, protectionProblems, resolveProtection, guardedOperation } from './request/addresses.js';
export type { SecurityRequirement, ProtectionOptions, ResolvedProtection, GuardedOperation } from './request/addresses.js';
export { checkAccess, recordConditions, type Guard, type AccessTarget, type RecordCondition } from './request/access.js';
export type { CompiledOperation, RequiredScheme, RawHandler } from './request/operation.js';
export { validateBody } from './request/input.js';
export { splitQuery, decodeQueryComponent, decodePercent, type RawQuery } from './request/parameters/query-string.js';
export { splitCookies } from './request/parameters/cookie-header.js';
export { defineHandlers, type Handlers, type Handler, type HandlerContext, type ReplyOf, type BodyOf, type HandlerMap } from './request/handler-types.js';
export type { Reply, ResponseValidationOptions } from './response/reply.js';
export type { MultipartOptions, UploadedFile } from './request/multipart.js';
export { BurrowError, coreError, defineErrors, isBurrowError, type ErrorFamily, type ValidationIssue, type BurrowErrorInit } from './errors/burrow-error.js';
export { CORE_ERRORS, type CoreErrorCode, type ErrorSpec, type ErrorParams } from './errors/codes.js';
export { toProblem, type Problem } from './errors/problem.js';
export type { ErrorRegistry, CatalogEntry } from './errors/catalog.js';
