export { createFetchHandler } from "./create-fetch-handler.js";
export type {
  FetchHandler,
  FetchHandlerLogger,
  FetchHandlerOptions,
  RequestCompleteRecord,
  RetryOptions,
} from "./fetch-handler-options.js";
