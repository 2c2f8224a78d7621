export {
  type ExpressRequestLike,
  type FastifyInstanceLike,
  type FetchHandler,
  toExpress,
  toFastify,
  toNodeHandler,
} from './adapters.js';
export {
  type ClientTokenHandlerOptions,
  type ClientTokenPermissions,
  clientTokenHandler,
} from './client-token-handler.js';
export type { Authorize } from './problem.js';
export { type IqraProxyOptions, iqraProxy } from './proxy.js';
