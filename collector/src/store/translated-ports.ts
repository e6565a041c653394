/**
 * Wraps an engine's ports so that their failures pass through the engine's translation on the way
 * out: each engine turns its own passing troubles (its error codes) into the domain's
 * StorageUnavailableError, and nothing else, without a try/catch in every repository.
 */

/** An engine's translation: the domain's error for a passing trouble, else the error as it was. */
export type TranslateError = (err: unknown) => unknown;

function translatingIterable<T>(iterable: AsyncIterable<T>, translate: TranslateError): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      const it = iterable[Symbol.asyncIterator]();
      return {
        next: () => it.next().catch((err: unknown) => Promise.reject(translate(err))),
        return: (value?: unknown) =>
          it.return ? it.return(value) : Promise.resolve({ done: true as const, value: undefined }),
      };
    },
  };
}

/** What a port's method returned, with its failures translated: a promise, an async iterable, or a plain value. */
function translatingResult(result: unknown, translate: TranslateError): unknown {
  if (result instanceof Promise) return result.catch((err: unknown) => Promise.reject(translate(err)));
  if (result && typeof result === 'object' && Symbol.asyncIterator in result) {
    return translatingIterable(result as AsyncIterable<unknown>, translate);
  }
  return result;
}

/** One wrapper per port and translation, so a port read twice is the same object. */
const wrapped = new WeakMap<TranslateError, WeakMap<object, object>>();

/**
 * The port with every method's failures translated, and the ports it holds (`lists.devices`)
 * likewise.
 */
export function portTranslating<T extends object>(port: T, translate: TranslateError): T {
  let known = wrapped.get(translate);
  if (!known) {
    known = new WeakMap();
    wrapped.set(translate, known);
  }
  const existing = known.get(port);
  if (existing) return existing as T;
  const proxy = new Proxy(port, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value === 'function') {
        return (...args: unknown[]) => {
          try {
            return translatingResult(value.apply(target, args), translate);
          } catch (err) {
            throw translate(err);
          }
        };
      }
      if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
        return portTranslating(value, translate);
      }
      return value;
    },
  });
  known.set(port, proxy);
  return proxy;
}

/** Every port of `ports` with its failures translated (portTranslating). */
export function eachPortTranslating<T extends Record<string, object>>(ports: T, translate: TranslateError): T {
  return Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, portTranslating(port, translate)])) as T;
}
