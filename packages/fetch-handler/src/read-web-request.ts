import type { HandlerRequest } from "./handler-core.js";

/** A WHATWG `Request` as the handler's core reads it: its own headers, signal and body, nothing copied. */
export function readWebRequest(request: Request): HandlerRequest {
  return {
    method: request.method,
    url: request.url,
    pathname: new URL(request.url).pathname,
    headers: request.headers,
    signal: request.signal,
    get body() {
      return request.body;
    },
  };
}
